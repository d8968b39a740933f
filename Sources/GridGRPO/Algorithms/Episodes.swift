/// A batch of finished episodes stored ragged: per-step arrays concatenated,
/// with `offsets[e]..<offsets[e+1]` the steps of episode `e`.
///
/// A step records the state it was taken in (agent cell; the goal is the
/// episode's), the action, the reward it earned, the behaviour policy's
/// log-probability of that action and the discounted return-to-go from it.
public struct Episodes: Equatable, Sendable {
    public var offsets: [Int] = [0]
    public var agentCells: [Int] = []
    public var actions: [Int] = []
    public var rewards: [Float] = []
    public var logProbs: [Float] = []
    public var returnsToGo: [Float] = []

    public var starts: [Int] = []
    public var goals: [Int] = []
    /// Undiscounted sum of rewards, added in step order.
    public var returns: [Float] = []
    public var successes: [Bool] = []
    /// GRPO: each episode's group (empty for the blog's method).
    public var groups: [Int] = []

    public init() {}

    public var count: Int { starts.count }
    public var stepCount: Int { actions.count }
    public func length(_ episode: Int) -> Int { offsets[episode + 1] - offsets[episode] }
    public func steps(_ episode: Int) -> Range<Int> { offsets[episode]..<offsets[episode + 1] }
}

extension Episodes {
    /// The episodes of `parts`, in order: the per-step arrays are copied into
    /// place in parallel, the per-episode ones appended.
    init(joining parts: [Episodes], threads: Int) {
        self.init()
        agentCells = Parallel.concatenate(parts.map(\.agentCells), threads: threads)
        actions = Parallel.concatenate(parts.map(\.actions), threads: threads)
        rewards = Parallel.concatenate(parts.map(\.rewards), threads: threads)
        logProbs = Parallel.concatenate(parts.map(\.logProbs), threads: threads)
        returnsToGo = Parallel.concatenate(parts.map(\.returnsToGo), threads: threads)
        var shift = 0
        for part in parts {
            offsets.append(contentsOf: part.offsets.dropFirst().map { $0 + shift })
            shift += part.stepCount
            starts.append(contentsOf: part.starts)
            goals.append(contentsOf: part.goals)
            returns.append(contentsOf: part.returns)
            successes.append(contentsOf: part.successes)
            groups.append(contentsOf: part.groups)
        }
    }
}

/// G_t = r_t + γ·G_{t+1}, with G after the last step = 0 (a truncated episode
/// is not bootstrapped, as in the blog).
public func discountedReturnsToGo<Rewards: BidirectionalCollection<Float>>(_ rewards: Rewards, gamma: Float) -> [Float] {
    var result = [Float](repeating: 0, count: rewards.count)
    var running: Float = 0
    var t = rewards.count
    for reward in rewards.reversed() {
        t -= 1
        running = reward + gamma * running
        result[t] = running
    }
    return result
}
