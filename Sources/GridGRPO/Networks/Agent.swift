/// Everything the update stage carries from one iteration to the next: the
/// policy network, the value network (the blog's method only; GRPO has none)
/// and their Adam optimisers.
public struct Agent: Equatable, Sendable {
    public var policy: MLP
    public var value: MLP?
    public var policyOptimizer: Adam
    public var valueOptimizer: Adam?

    public init(policy: MLP, value: MLP?, policyOptimizer: Adam, valueOptimizer: Adam?) {
        self.policy = policy
        self.value = value
        self.policyOptimizer = policyOptimizer
        self.valueOptimizer = valueOptimizer
    }

    /// Fresh networks for a grid world, initialised as PyTorch would from the
    /// run's `initialize` random streams (index 0 policy, 1 value).
    public static func initial(world: GridWorld, hiddenSize: Int, seed: UInt64, withValue: Bool = true) -> Agent {
        var policyRandom = RandomStream(seed: seed, stage: .initialize, iteration: 0, index: 0)
        var valueRandom = RandomStream(seed: seed, stage: .initialize, iteration: 0, index: 1)
        let policy = MLP.initialized(inputSize: world.observationSize, hiddenSize: hiddenSize,
                                     outputSize: GridWorld.actionCount, random: &policyRandom)
        let value = MLP.initialized(inputSize: world.observationSize, hiddenSize: hiddenSize,
                                    outputSize: 1, random: &valueRandom)
        return Agent(policy: policy, value: withValue ? value : nil,
                     policyOptimizer: Adam(parameterCount: policy.parameters.count),
                     valueOptimizer: withValue ? Adam(parameterCount: value.parameters.count) : nil)
    }
}

/// Log-softmax of each row of `logits` (`rows × width`), computed stably.
public func logSoftmax(_ logits: [Float], width: Int) -> [Float] {
    var result = logits
    logits.withUnsafeBufferPointer { input in
        result.withUnsafeMutableBufferPointer { output in
            guard let x = input.baseAddress, let y = output.baseAddress else { return }
            for row in stride(from: 0, to: logits.count, by: width) { logSoftmax(x + row, width: width, into: y + row) }
        }
    }
    return result
}

/// Log-softmax of one row: (x − max) − log Σ exp(x − max), the sum in index order.
@inline(__always)
func logSoftmax(_ logits: UnsafePointer<Float>, width: Int, into result: UnsafeMutablePointer<Float>) {
    var peak = -Float.infinity
    for i in 0..<width { peak = max(peak, logits[i]) }
    var total: Float = 0
    for i in 0..<width { total += (logits[i] - peak).exp }
    let logTotal = total.log
    for i in 0..<width { result[i] = (logits[i] - peak) - logTotal }
}

/// Index of the largest entry; ties go to the lowest index (as `torch.argmax`).
public func argmax(_ values: ArraySlice<Float>) -> Int {
    values.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return 0 }
        return argmax(base, count: buffer.count)
    }
}

/// `argmax` of `count` floats at `values` (count ≥ 1).
@inline(__always)
func argmax(_ values: UnsafePointer<Float>, count: Int) -> Int {
    var best = 0
    for i in 0..<count where values[i] > values[best] { best = i }
    return best
}

extension Float {
    var exp: Float { Float(Foundation.exp(Double(self))) }
    var log: Float { Float(Foundation.log(Double(self))) }
}

import Foundation
