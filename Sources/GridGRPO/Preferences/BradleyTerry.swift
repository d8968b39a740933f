import Foundation

/// The Bradley–Terry cross-entropy of Christiano et al. (2017) on whole
/// episodes. For a label y = P(a ≻ b) ∈ {0, ½, 1} and the model's
///
///     z = Σ_t r̂(s_t^a, a_t^a) − Σ_t r̂(s_t^b, a_t^b),   P̂(a ≻ b) = σ(z),
///
/// the loss is −y·log σ(z) − (1 − y)·log σ(−z) = y·softplus(−z) + (1 − y)·softplus(z),
/// and ∂loss/∂z = σ(z) − y: +(σ(z) − y) for every step of a, −(σ(z) − y) for every step of b.
public enum BradleyTerry {
    /// The loss of one label and its derivative in z.
    public static func loss(z: Double, target: Double) -> (loss: Double, dz: Double) {
        (target * softplus(-z) + (1 - target) * softplus(z), sigmoid(z) - target)
    }

    /// The mean loss of a minibatch of labels and ∂(mean loss)/∂r̂ for every step.
    ///
    /// - Parameters:
    ///   - stepRewards: r̂ of every step of the minibatch's segments, segment after segment.
    ///   - offsets: `offsets[s]..<offsets[s+1]` are segment s's steps; label i is segments 2i (a) and 2i+1 (b).
    ///   - targets: each label's y.
    public static func minibatch(stepRewards: [Float], offsets: [Int], targets: [Float]) -> (loss: Double, stepGradient: [Float], z: [Double]) {
        let sums = segmentSums(stepRewards, offsets: offsets)
        var gradient = [Float](repeating: 0, count: stepRewards.count)
        var total = 0.0
        var zs: [Double] = []
        let count = Double(max(targets.count, 1))
        for (label, target) in targets.enumerated() {
            let z = Double(sums[2 * label]) - Double(sums[2 * label + 1])
            let (value, dz) = loss(z: z, target: Double(target))
            total += value
            zs.append(z)
            let g = Float(dz / count)
            for step in offsets[2 * label]..<offsets[2 * label + 1] { gradient[step] = g }
            for step in offsets[2 * label + 1]..<offsets[2 * label + 2] { gradient[step] = -g }
        }
        return (total / count, gradient, zs)
    }

    /// Whether a predicted z agrees with a strict label (y = 1: z > 0; y = 0:
    /// z < 0); nil for a tie, which has no side to agree with.
    public static func agrees(z: Double, target: Float) -> Bool? {
        target == 0.5 ? nil : (target == 1 ? z > 0 : z < 0)
    }
}
