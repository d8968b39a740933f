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
    for row in stride(from: 0, to: logits.count, by: width) {
        var peak = -Float.infinity
        for i in row..<(row + width) { peak = max(peak, logits[i]) }
        var total: Float = 0
        for i in row..<(row + width) { total += (logits[i] - peak).exp }
        let logTotal = total.log
        for i in row..<(row + width) { result[i] = (logits[i] - peak) - logTotal }
    }
    return result
}

/// Index of the largest entry; ties go to the lowest index (as `torch.argmax`).
public func argmax(_ values: ArraySlice<Float>) -> Int {
    var best = values.startIndex
    for i in values.indices where values[i] > values[best] { best = i }
    return best - values.startIndex
}

extension Float {
    var exp: Float { Float(Foundation.exp(Double(self))) }
    var log: Float { Float(Foundation.log(Double(self))) }
}

import Foundation
