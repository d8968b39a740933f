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
public enum ActionSelection: Sendable, Equatable {
    /// Sample from π(·|s) with each episode's own random stream (rollouts, the blog's sampled evaluation).
    case sample
    /// Take argmax π(·|s), ties to the lowest action (exhaustive evaluation).
    case greedy
}

/// π(·|s) of a fixed policy for the states of one grid world, each computed
/// once. The state space is finite (agent cell × goal cell), so rollouts and
/// evaluations look actions up here instead of running the network per step.
/// Each state's row comes from a forward pass that does not depend on the
/// other states in its batch, so a table filled in any order or chunking holds
/// the same bits.
public struct PolicyTable: Sendable {
    public let cells: Int
    private(set) var known: [Bool]
    /// log π(a|s), state-major (`state · 4 + a`), state = agent · cells + goal.
    private(set) var logProbs: [Float]
    /// Σ_{b ≤ a} π(b|s) summed in action order: the sampler's CDF.
    private(set) var cumulative: [Float]
    /// argmax_a π(a|s), ties to the lowest action.
    private(set) var greedy: [Int32]

    /// States per forward batch when the whole table is filled up front.
    static let chunkStates = 64

    /// An empty table, filled state by state as episodes reach new states.
    public init(cells: Int) {
        self.cells = cells
        known = [Bool](repeating: false, count: cells * cells)
        logProbs = [Float](repeating: 0, count: cells * cells * GridWorld.actionCount)
        cumulative = logProbs
        greedy = [Int32](repeating: 0, count: cells * cells)
    }

    /// The table of every state, filled in fixed chunks of states over `threads` threads.
    public static func complete(policy: MLP, cells: Int, threads: Int) -> PolicyTable {
        var table = PolicyTable(cells: cells)
        let stateCount = cells * cells
        let chunkCount = (stateCount + chunkStates - 1) / chunkStates
        let rows = Parallel.map(chunks: chunkCount, threads: threads) { chunk -> [Float] in
            let states = Array((chunk * chunkStates)..<min(stateCount, (chunk + 1) * chunkStates))
            return policy.forward(agents: states.map { $0 / cells }, goals: states.map { $0 % cells }, cellCount: cells).output
        }
        for (chunk, logits) in rows.enumerated() {
            table.store(firstState: chunk * chunkStates, logits: logits)
        }
        return table
    }

    /// The table to share among `episodes` episodes: filled once, up front,
    /// when that costs no more than the episodes would (small grids); nil
    /// otherwise, and each chunk of episodes fills its own as it goes.
    public static func shared(policy: MLP, cells: Int, episodes: Int, threads: Int) -> PolicyTable? {
        cells * cells <= max(4096, 4 * episodes) ? complete(policy: policy, cells: cells, threads: threads) : nil
    }

    mutating func fill(state: Int, policy: MLP) {
        let logits = policy.forward(agents: [state / cells], goals: [state % cells], cellCount: cells).output
        store(firstState: state, logits: logits)
    }

    private mutating func store(firstState: Int, logits: [Float]) {
        let width = GridWorld.actionCount
        let logProbRows = logSoftmax(logits, width: width)
        for row in 0..<(logits.count / width) {
            let state = firstState + row
            var running: Float = 0
            for a in 0..<width {
                let logProb = logProbRows[row * width + a]
                logProbs[state * width + a] = logProb
                running += logProb.exp
                cumulative[state * width + a] = running
            }
            greedy[state] = Int32(argmax(logits[(row * width)..<((row + 1) * width)]))
            known[state] = true
        }
    }
}

/// Runs one episode per start configuration with `policy`. Episode `e` draws
/// its action samples from `streams[e]` only, and the policy is fixed for the
/// call, so each trajectory depends on nothing but its start and its stream:
/// episodes are run to the end one after another, in fixed chunks of
/// `episodeChunk` spread over `threads` threads, and the result is the same
/// bytes whatever the thread count.
///
/// - Parameter gamma: discount for the returns-to-go.
public func runEpisodes(policy: MLP, world: GridWorld, starts: [(agent: Int, goal: Int)],
                        streams: [RandomStream], selection: ActionSelection, gamma: Float, threads: Int = 1) -> Episodes {
    let table = PolicyTable.shared(policy: policy, cells: world.cellCount, episodes: starts.count, threads: threads)
    return runEpisodes(policy: policy, table: table, world: world, starts: starts, streams: streams,
                       selection: selection, gamma: gamma, threads: threads)
}

/// Episodes per chunk of work: fixed, so chunk boundaries never depend on the thread count.
public let episodeChunk = 256

/// `runEpisodes` with a table already filled (or nil: each chunk fills its own as it goes).
///
/// - Parameter episodesPerChunk: the unit of work per thread; any value gives
///   the same episodes (the tests check), the default suits the 2-core target.
public func runEpisodes(policy: MLP, table: PolicyTable?, world: GridWorld, starts: [(agent: Int, goal: Int)],
                        streams: [RandomStream], selection: ActionSelection, gamma: Float, threads: Int = 1,
                        episodesPerChunk: Int = episodeChunk) -> Episodes {
    let count = starts.count
    let episodeChunk = max(1, episodesPerChunk)
    let chunkCount = (count + episodeChunk - 1) / episodeChunk
    let parts = Parallel.map(chunks: chunkCount, threads: threads) { chunk -> Episodes in
        var local = table ?? PolicyTable(cells: world.cellCount)
        let range = (chunk * episodeChunk)..<min(count, (chunk + 1) * episodeChunk)
        return runChunk(range, policy: policy, table: &local, world: world, starts: starts, streams: streams,
                        selection: selection, gamma: gamma)
    }
    return Episodes(joining: parts, threads: threads)
}

private func runChunk(_ range: Range<Int>, policy: MLP, table: inout PolicyTable, world: GridWorld, starts: [(agent: Int, goal: Int)],
                      streams: [RandomStream], selection: ActionSelection, gamma: Float) -> Episodes {
    let cells = world.cellCount
    let width = GridWorld.actionCount
    var result = Episodes()
    for episode in range {
        var stream = selection == .sample ? streams[episode] : RandomStream(rawState: 0)
        let goal = starts[episode].goal
        var agent = starts[episode].agent
        var total: Float = 0
        var reached = false
        let first = result.actions.count
        for _ in 0..<world.maxSteps {
            let state = agent * cells + goal
            if !table.known[state] { table.fill(state: state, policy: policy) }
            let action: Int
            switch selection {
            case .greedy:
                action = Int(table.greedy[state])
            case .sample:
                let u = stream.nextUnitFloat()
                var chosen = width - 1
                for a in 0..<width where u < table.cumulative[state * width + a] {
                    chosen = a
                    break
                }
                action = chosen
            }
            let outcome = world.step(agent: agent, goal: goal, action: action)
            result.agentCells.append(agent)
            result.actions.append(action)
            result.rewards.append(outcome.reward)
            result.logProbs.append(table.logProbs[state * width + action])
            total += outcome.reward
            agent = outcome.agent
            if outcome.reachedGoal {
                reached = true
                break
            }
        }
        let last = result.actions.count
        result.returnsToGo.append(contentsOf: discountedReturnsToGo(result.rewards[first..<last], gamma: gamma))
        result.offsets.append(last)
        result.starts.append(starts[episode].agent)
        result.goals.append(goal)
        result.returns.append(total)
        result.successes.append(reached)
    }
    return result
}

/// The start configurations and random streams of the rollout stage's
/// episodes `episodes` (a range of `rolloutEpisodeCount(config)`) at `iteration`.
///
/// The blog's method: P reference then P candidate episodes; episode e uses
/// the stream (seed, rollout, iteration, e) for its start configuration and
/// then its actions. GRPO: S groups of G episodes; group g's start comes from
/// the stream (seed, group, iteration, g) and episode e = g·G + k draws its
/// actions from (seed, rollout, iteration, e).
public func rolloutStarts(config: PipelineConfig, iteration: Int, episodes: Range<Int>)
    -> (starts: [(agent: Int, goal: Int)], streams: [RandomStream], groups: [Int]) {
    let world = config.world
    var streams: [RandomStream] = [], starts: [(agent: Int, goal: Int)] = [], groups: [Int] = []
    for episode in episodes {
        var stream = RandomStream(seed: config.seed, stage: .rollout, iteration: iteration, index: episode)
        switch config.algorithm {
        case .preference:
            starts.append(world.sampleStart(&stream))
        case .grpo:
            let group = episode / config.grpo.groupSize
            var groupStream = RandomStream(seed: config.seed, stage: .group, iteration: iteration, index: group)
            starts.append(world.sampleStart(&groupStream))
            groups.append(group)
        }
        streams.append(stream)
    }
    return (starts, streams, groups)
}

/// Episodes per rollout iteration: 2P for the blog's method, S·G for GRPO.
public func rolloutEpisodeCount(_ config: PipelineConfig) -> Int {
    config.algorithm == .grpo ? config.grpo.groupsPerIteration * config.grpo.groupSize : 2 * config.rollout.pairs
}

/// The rollout stage's episodes for `iteration`, all in memory.
public func sampleRollout(policy: MLP, config: PipelineConfig, iteration: Int, threads: Int) -> Episodes {
    let count = rolloutEpisodeCount(config)
    let table = PolicyTable.shared(policy: policy, cells: config.world.cellCount, episodes: count, threads: threads)
    return sampleRollout(policy: policy, table: table, config: config, iteration: iteration, episodes: 0..<count, threads: threads)
}

/// The rollout stage's episodes `episodes` (a range of them) for `iteration`,
/// looked up in `table` (nil: filled as the episodes go). The stage samples
/// its episodes block by block this way, sharing one table.
public func sampleRollout(policy: MLP, table: PolicyTable?, config: PipelineConfig, iteration: Int,
                          episodes: Range<Int>, threads: Int) -> Episodes {
    let (starts, streams, groups) = rolloutStarts(config: config, iteration: iteration, episodes: episodes)
    var sampled = runEpisodes(policy: policy, table: table, world: config.world, starts: starts, streams: streams,
                              selection: .sample, gamma: Float(config.rollout.gamma), threads: threads)
    sampled.groups = groups
    return sampled
}

/// Episodes the rollout stage holds in memory at once (at most 100 steps of
/// 28 bytes each: under 25 MB), before appending them to rollout.h5.
public let rolloutBlock = 8192

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
