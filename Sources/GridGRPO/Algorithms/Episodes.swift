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

/// How actions are chosen while generating episodes.
public enum ActionSelection: Sendable {
    /// Sample from π(·|s) with each episode's own random stream (rollouts, the blog's sampled evaluation).
    case sample
    /// Take argmax π(·|s), ties to the lowest action (exhaustive evaluation).
    case greedy
}

/// Runs one episode per start configuration with `policy`, all episodes stepped
/// together. Episode `e` draws its action samples from `streams[e]` only, so its
/// trajectory does not depend on the batch it ran in.
///
/// The policy is fixed for the whole call and the state space is finite
/// (agent cell × goal cell), so π(·|s) is computed once per distinct state,
/// in batches of the states first visited at each step, and looked up after
/// that. Each state's forward pass is computed independently of the others in
/// its batch, so the result is bit-identical to a forward pass per step.
///
/// - Parameter gamma: discount for the returns-to-go.
public func runEpisodes(policy: MLP, world: GridWorld, starts: [(agent: Int, goal: Int)],
                        streams: [RandomStream], selection: ActionSelection, gamma: Float) -> Episodes {
    let count = starts.count
    var streams = streams
    var position = starts.map(\.agent)
    var active = Array(0..<count)
    var perEpisode = [[(agent: Int, action: Int, reward: Float, logProb: Float)]](repeating: [], count: count)
    var success = [Bool](repeating: false, count: count)
    let goals = starts.map(\.goal)
    let actionCount = GridWorld.actionCount
    let cells = world.cellCount
    var logProbTable = [Float](repeating: 0, count: cells * cells * actionCount)
    var greedyTable = [Int](repeating: 0, count: cells * cells)
    var known = [Bool](repeating: false, count: cells * cells)

    for _ in 0..<world.maxSteps where !active.isEmpty {
        var newAgents: [Int] = [], newGoals: [Int] = []
        for episode in active {
            let state = position[episode] * cells + goals[episode]
            if !known[state] {
                known[state] = true
                newAgents.append(position[episode])
                newGoals.append(goals[episode])
            }
        }
        if !newAgents.isEmpty {
            let logits = policy.forward(agents: newAgents, goals: newGoals, cellCount: cells).output
            let logProbs = logSoftmax(logits, width: actionCount)
            for row in 0..<newAgents.count {
                let state = newAgents[row] * cells + newGoals[row]
                let base = row * actionCount
                for a in 0..<actionCount { logProbTable[state * actionCount + a] = logProbs[base + a] }
                greedyTable[state] = argmax(logits[base..<(base + actionCount)])
            }
        }
        var stillActive: [Int] = []
        stillActive.reserveCapacity(active.count)
        for episode in active {
            let state = position[episode] * cells + goals[episode]
            let base = state * actionCount
            let action: Int
            switch selection {
            case .greedy:
                action = greedyTable[state]
            case .sample:
                let u = streams[episode].nextUnitFloat()
                var cumulative: Float = 0
                var chosen = actionCount - 1
                for a in 0..<actionCount {
                    cumulative += logProbTable[base + a].exp
                    if u < cumulative { chosen = a; break }
                }
                action = chosen
            }
            let outcome = world.step(agent: position[episode], goal: goals[episode], action: action)
            perEpisode[episode].append((position[episode], action, outcome.reward, logProbTable[base + action]))
            position[episode] = outcome.agent
            if outcome.reachedGoal {
                success[episode] = true
            } else {
                stillActive.append(episode)
            }
        }
        active = stillActive
    }

    var result = Episodes()
    for episode in 0..<count {
        let steps = perEpisode[episode]
        var total: Float = 0
        for step in steps {
            result.agentCells.append(step.agent)
            result.actions.append(step.action)
            result.rewards.append(step.reward)
            result.logProbs.append(step.logProb)
            total += step.reward
        }
        result.returnsToGo.append(contentsOf: discountedReturnsToGo(steps.map(\.reward), gamma: gamma))
        result.offsets.append(result.actions.count)
        result.starts.append(starts[episode].agent)
        result.goals.append(goals[episode])
        result.returns.append(total)
        result.successes.append(success[episode])
    }
    return result
}

/// G_t = r_t + γ·G_{t+1}, with G after the last step = 0 (a truncated episode
/// is not bootstrapped, as in the blog).
public func discountedReturnsToGo(_ rewards: [Float], gamma: Float) -> [Float] {
    var result = [Float](repeating: 0, count: rewards.count)
    var running: Float = 0
    for t in stride(from: rewards.count - 1, through: 0, by: -1) {
        running = rewards[t] + gamma * running
        result[t] = running
    }
    return result
}
