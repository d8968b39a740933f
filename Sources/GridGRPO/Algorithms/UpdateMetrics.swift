/// What one update stage measured, per epoch (means over its minibatches).
public struct UpdateMetrics: Equatable, Sendable {
    public var policyLoss: [Float] = []
    public var valueLoss: [Float] = []
    public var clipFraction: [Float] = []
    public var approxKL: [Float] = []
    /// GRPO: mean k3 estimate of KL(π ‖ π_ref) per epoch (empty for the blog's method).
    public var referenceKL: [Float] = []
    /// GRPO: groups skipped because all their returns were equal.
    public var droppedGroups: Int = 0
    /// Mean advantage G_t − V(s_t) over the first epoch's steps.
    public var meanAdvantage: Float = 0
    /// Steps in the preferred episodes (samples per epoch).
    public var trainingSteps: Int = 0
    public var gradientSteps: Int = 0
    /// The first Adam step (1-based over the whole update) whose loss or
    /// gradient was NaN or Inf, and its epoch (0-based): where training diverged.
    public var divergence: Divergence?
    public struct Divergence: Equatable, Sendable {
        public let step: Int
        public let epoch: Int
    }
    public init() {}

    /// Counts one Adam step and remembers it if it is the first non-finite one.
    mutating func recordStep(epoch: Int, loss: Float, gradients: [Float]...) {
        recordStep(epoch: epoch, loss: loss, gradientsFinite: gradients.allSatisfy(Self.allFinite))
    }

    /// `recordStep` for a caller that checked its gradients with `allFinite` itself.
    mutating func recordStep(epoch: Int, loss: Float, gradientsFinite: Bool) {
        gradientSteps += 1
        if divergence == nil && !(loss.isFinite && gradientsFinite) {
            divergence = Divergence(step: gradientSteps, epoch: epoch)
        }
    }

    /// Whether no value is NaN or ±∞: the largest exponent field is below all
    /// ones. Integer maxima, which the compiler vectorises (a gradient has
    /// ~15 000 entries and is checked after every Adam step).
    static func allFinite(_ values: [Float]) -> Bool {
        let exponent: UInt32 = 0x7F80_0000
        var largest: UInt32 = 0
        values.withUnsafeBufferPointer { buffer in
            for value in buffer { largest = max(largest, value.bitPattern & exponent) }
        }
        return largest < exponent
    }
}

/// One epoch's per-minibatch measurements, summed in Double as the
/// minibatches come and appended to `UpdateMetrics` as their means when the
/// epoch ends. Both update loops use it; each says which optional series it keeps.
struct EpochMetrics {
    private let tracksValueLoss: Bool
    private let tracksReferenceKL: Bool
    private var policyLoss = 0.0, valueLoss = 0.0, clipFraction = 0.0, approxKL = 0.0, referenceKL = 0.0
    private var batches = 0

    /// `valueLoss`: the blog's method; `referenceKL`: GRPO.
    init(valueLoss: Bool, referenceKL: Bool) {
        tracksValueLoss = valueLoss
        tracksReferenceKL = referenceKL
    }

    mutating func add(policyLoss: Float, valueLoss: Float = 0, clipFraction: Float, approxKL: Float, referenceKL: Float = 0) {
        self.policyLoss += Double(policyLoss)
        if tracksValueLoss { self.valueLoss += Double(valueLoss) }
        self.clipFraction += Double(clipFraction)
        self.approxKL += Double(approxKL)
        if tracksReferenceKL { self.referenceKL += Double(referenceKL) }
        batches += 1
    }

    /// Appends the epoch's means (over at least one minibatch) to `metrics`.
    func append(to metrics: inout UpdateMetrics) {
        let n = Double(max(batches, 1))
        metrics.policyLoss.append(Float(policyLoss / n))
        if tracksValueLoss { metrics.valueLoss.append(Float(valueLoss / n)) }
        metrics.clipFraction.append(Float(clipFraction / n))
        metrics.approxKL.append(Float(approxKL / n))
        if tracksReferenceKL { metrics.referenceKL.append(Float(referenceKL / n)) }
    }
}
