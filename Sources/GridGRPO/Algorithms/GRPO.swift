import Foundation

/// Group Relative Policy Optimization (Shao et al. 2024, DeepSeekMath) on the
/// grid world. A "prompt" is a start configuration (agent and goal cells) and
/// an "output" is an episode from it: each iteration samples S configurations
/// and G episodes from each. There is no value network: an episode's advantage
/// is its return relative to its group's,
///
///     Â_i = (R_i − mean(R_group)) / (scale + ε),
///
/// applied to every step of episode i. See docs/grpo.md.
public enum AdvantageScale: String, Codable, Sendable, CaseIterable {
    /// Divide by the group's standard deviation (GRPO).
    case group
    /// Divide by the standard deviation of all returns in the iteration.
    case batch
    /// Do not divide (Dr. GRPO): Â_i = R_i − mean(R_group).
    case none
}

/// How the per-step losses of a minibatch are combined into one number.
public enum LossAggregation: String, Codable, Sendable, CaseIterable {
    /// GRPO: mean over each episode's steps, then mean over episodes.
    case sequenceMean = "sequence_mean"
    /// DAPO: mean over all steps of all episodes.
    case tokenMean = "token_mean"
    /// Dr. GRPO: each episode's sum of step losses divided by the constant
    /// `environment.max_steps`, then the mean over episodes.
    case constant
}

/// Group statistics and per-episode advantages of one rollout.
public struct GroupAdvantages: Equatable, Sendable {
    public var groupSize: Int
    public var means: [Float] = []
    /// Sample standard deviation (N − 1 in the denominator, as `torch.std`).
    public var standardDeviations: [Float] = []
    /// Groups whose returns are all equal: they carry no learning signal.
    public var uniform: [Bool] = []
    /// Per episode: false when its group was dropped (`drop_uniform_groups`).
    public var kept: [Bool] = []
    public var advantages: [Float] = []

    public var groupCount: Int { means.count }
    public var droppedGroups: Int { (0..<groupCount).filter { !kept[$0 * groupSize] }.count }

    public init(groupSize: Int) { self.groupSize = groupSize }

    public init(returns: [Float], groupSize: Int, scale: AdvantageScale, epsilon: Double, dropUniform: Bool) throws {
        guard groupSize >= 1, returns.count % groupSize == 0, !returns.isEmpty else {
            throw GridGRPOError("a GRPO rollout must hold S·G episodes (G = \(groupSize)); it holds \(returns.count)")
        }
        self.groupSize = groupSize
        func stats(_ values: ArraySlice<Float>) -> (mean: Double, std: Double) {
            let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
            guard values.count > 1 else { return (mean, 0) }
            let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count - 1)
            return (mean, variance.squareRoot())
        }
        let batchStd = stats(returns[...]).std
        for start in stride(from: 0, to: returns.count, by: groupSize) {
            let group = returns[start..<(start + groupSize)]
            let (mean, std) = stats(group)
            let isUniform = group.allSatisfy { $0 == group.first }
            means.append(Float(mean))
            standardDeviations.append(Float(std))
            uniform.append(isUniform)
            let keep = !(dropUniform && isUniform)
            let denominator: Double
            switch scale {
            case .group: denominator = std + epsilon
            case .batch: denominator = batchStd + epsilon
            case .none: denominator = 1
            }
            for value in group {
                kept.append(keep)
                advantages.append(keep ? Float((Double(value) - mean) / denominator) : 0)
            }
        }
    }
}

/// k3, the unbiased low-variance estimator of KL(π ‖ π_ref) from one sample
/// a ~ π (Schulman 2020), as GRPO uses it per step:
///
///     k3 = π_ref(a|s)/π(a|s) − log(π_ref(a|s)/π(a|s)) − 1  ≥ 0,
///
/// with ∂k3/∂log π(a|s) = 1 − π_ref(a|s)/π(a|s).
public func k3(logProb: Float, referenceLogProb: Float) -> (value: Float, gradient: Float) {
    let logRatio = referenceLogProb - logProb
    let ratio = logRatio.exp
    return (ratio - logRatio - 1, 1 - ratio)
}

/// GRPO's objective on a minibatch of steps, as a loss to minimise:
///
///     L = Σ_t w_t · ( −min(r_t·Â_t, clip(r_t, 1−ε_low, 1+ε_high)·Â_t) + β·k3_t )
///
/// where r_t = π(a_t|s_t)/π_old(a_t|s_t) and w_t the aggregation weight of
/// step t. Returns L and ∂L/∂logits (`T × 4`).
public func grpoLoss(logits: [Float], actions: [Int], oldLogProbs: [Float], referenceLogProbs: [Float]?,
                     advantages: [Float], weights: [Float], clipLow: Float, clipHigh: Float, klBeta: Float)
    -> (loss: Float, logitGradient: [Float], clipFraction: Float, approxKL: Float, referenceKL: Float) {
    let width = GridWorld.actionCount
    let logProbs = logSoftmax(logits, width: width)
    var gradient = [Float](repeating: 0, count: logits.count)
    var loss = 0.0, clipped = 0, approxKL = 0.0, referenceKL = 0.0
    for t in 0..<actions.count {
        let base = t * width
        let logProb = logProbs[base + actions[t]]
        let term = clippedRatioTerm(logProb: logProb, oldLogProb: oldLogProbs[t], advantage: advantages[t], low: clipLow, high: clipHigh)
        if term.isClipped { clipped += 1 }
        approxKL += Double(term.approxKL)
        var dLogProb: Float = term.unclipped <= term.surrogate ? -term.unclipped : 0
        var stepLoss = -Double(min(term.unclipped, term.surrogate))
        if let referenceLogProbs, klBeta > 0 {
            let kl = k3(logProb: logProb, referenceLogProb: referenceLogProbs[t])
            stepLoss += Double(klBeta * kl.value)
            dLogProb += klBeta * kl.gradient
            referenceKL += Double(kl.value)
        }
        loss += Double(weights[t]) * stepLoss
        storeLogProbGradient(weights[t] * dLogProb, action: actions[t], logProbs: logProbs, base: base, into: &gradient)
    }
    let count = Double(max(actions.count, 1))
    return (Float(loss), gradient, Float(clipped) / Float(max(actions.count, 1)), Float(approxKL / count), Float(referenceKL / count))
}

/// The aggregation weight of each step of a minibatch of episodes with the
/// given lengths, so that Σ_t w_t·ℓ_t is the chosen aggregate.
public func aggregationWeights(lengths: [Int], aggregation: LossAggregation, maxSteps: Int) -> [Float] {
    let episodes = Float(lengths.count)
    let totalSteps = Float(lengths.reduce(0, +))
    return lengths.flatMap { length -> [Float] in
        let weight: Float
        switch aggregation {
        case .sequenceMean: weight = 1 / (episodes * Float(length))
        case .tokenMean: weight = 1 / totalSteps
        case .constant: weight = 1 / (episodes * Float(maxSteps))
        }
        return [Float](repeating: weight, count: length)
    }
}
