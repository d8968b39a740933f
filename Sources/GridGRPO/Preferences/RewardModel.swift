import Foundation

/// The learned reward r̂(s, a): an ensemble of k MLPs (the blog's network,
/// (2N² + 4) → h → h → 1, on the observation's two one-hot planes and a
/// one-hot action), each with its Adam state, and the normalisation the
/// policy's stages apply to the members' mean:
///
///     r̃(s, a) = (r̂(s, a) − shift) · scale,   r̂ = (1/k) Σ_m r̂_m.
public struct RewardEnsemble: Equatable, Sendable {
    public var members: [MLP]
    public var optimizers: [Adam]
    public var shift: Float = 0
    public var scale: Float = 1

    public init(members: [MLP], optimizers: [Adam], shift: Float = 0, scale: Float = 1) {
        self.members = members
        self.optimizers = optimizers
        self.shift = shift
        self.scale = scale
    }

    public static func inputSize(_ world: GridWorld) -> Int { world.observationSize + GridWorld.actionCount }

    /// A member of the shape a config implies, all zeros.
    public static func template(world: GridWorld, hiddenSize: Int) -> MLP {
        MLP(inputSize: inputSize(world), hiddenSize: hiddenSize, outputSize: 1)
    }

    /// k members initialised as PyTorch's nn.Linear, member m from the stream
    /// (seed, rewardInitialize, 0, m), with empty Adam states.
    public static func initial(world: GridWorld, hiddenSize: Int, count: Int, seed: UInt64) -> RewardEnsemble {
        let members = (0..<count).map { member -> MLP in
            var random = RandomStream(seed: seed, stage: .rewardInitialize, iteration: 0, index: member)
            return MLP.initialized(inputSize: inputSize(world), hiddenSize: hiddenSize, outputSize: 1, random: &random)
        }
        return RewardEnsemble(members: members, optimizers: members.map { Adam(parameterCount: $0.parameters.count) })
    }

    /// Each member's r̂ for the given steps, member by member (on `threads` threads, one member each).
    public func memberRewards(_ steps: StepInputs, cellCount: Int, threads: Int) -> [[Float]] {
        Parallel.map(chunks: members.count, threads: threads) { member in
            members[member].forward(agents: steps.agents, goals: steps.goals, cellCount: cellCount, actions: steps.actions).output
        }
    }

    /// The members' mean r̂ per step, summed in member order.
    public func meanRewards(_ steps: StepInputs, cellCount: Int, threads: Int) -> [Float] {
        let perMember = memberRewards(steps, cellCount: cellCount, threads: threads)
        var mean = [Float](repeating: 0, count: steps.count)
        for rewards in perMember {
            for i in 0..<mean.count { mean[i] += rewards[i] }
        }
        let k = Float(members.count)
        return mean.map { $0 / k }
    }

    /// r̃ per step: the normalised mean, what the policy's stages see.
    public func normalizedRewards(_ steps: StepInputs, cellCount: Int, threads: Int) -> [Float] {
        meanRewards(steps, cellCount: cellCount, threads: threads).map { ($0 - shift) * scale }
    }

    /// Sets `shift` and `scale` from the mean rewards of the iteration's
    /// rollout steps: `scale` makes their root mean square s, `standardize`
    /// their mean 0 and standard deviation s (Christiano et al.), `none` leaves r̂.
    public mutating func normalize(over rewards: [Float], mode: PreferenceConfig.Normalization, target: Double) {
        let count = Double(max(rewards.count, 1))
        let mean = rewards.reduce(0.0) { $0 + Double($1) } / count
        switch mode {
        case .none:
            (shift, scale) = (0, 1)
        case .scale:
            let rms = (rewards.reduce(0.0) { $0 + Double($1) * Double($1) } / count).squareRoot()
            (shift, scale) = (0, rms > 0 ? Float(target / rms) : 1)
        case .standardize:
            let std = (rewards.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / count).squareRoot()
            (shift, scale) = (Float(mean), std > 0 ? Float(target / std) : 1)
        }
    }
}

/// The steps a reward model is evaluated on: the state (agent cell, goal) and the action of each.
public struct StepInputs: Sendable {
    public var agents: [Int]
    public var goals: [Int]
    public var actions: [Int]
    public var count: Int { actions.count }

    public init(agents: [Int], goals: [Int], actions: [Int]) {
        self.agents = agents
        self.goals = goals
        self.actions = actions
    }

    /// Every step of a rollout.
    public init(_ episodes: Episodes) {
        var goals: [Int] = []
        goals.reserveCapacity(episodes.stepCount)
        for episode in 0..<episodes.count {
            goals.append(contentsOf: repeatElement(episodes.goals[episode], count: episodes.length(episode)))
        }
        self.init(agents: episodes.agentCells, goals: goals, actions: episodes.actions)
    }

    /// Every step of every labelled episode.
    public init(_ labels: LabelSet) {
        self.init(agents: labels.agentCells, goals: labels.stepGoals, actions: labels.actions)
    }
}

/// Per-segment sums of per-step values, added in step order
/// (`offsets[s]..<offsets[s+1]` is segment s).
public func segmentSums(_ values: [Float], offsets: [Int]) -> [Float] {
    (0..<(offsets.count - 1)).map { segment in
        var total: Float = 0
        for step in offsets[segment]..<offsets[segment + 1] { total += values[step] }
        return total
    }
}

/// The learned reward of every step of `episodes` under `ensemble` (r̃, normalised).
public func learnedRewards(_ ensemble: RewardEnsemble, episodes: Episodes, world: GridWorld, threads: Int) -> [Float] {
    ensemble.normalizedRewards(StepInputs(episodes), cellCount: world.cellCount, threads: threads)
}

/// Pearson's correlation of two series; NaN when either is constant.
public func correlation(_ x: [Double], _ y: [Double]) -> Double {
    let n = Double(x.count)
    guard x.count == y.count, x.count > 1 else { return .nan }
    let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for (a, b) in zip(x, y) {
        sxy += (a - mx) * (b - my)
        sxx += (a - mx) * (a - mx)
        syy += (b - my) * (b - my)
    }
    return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : .nan
}
