/// How actions are chosen while generating episodes.
public enum ActionSelection: Sendable, Equatable {
    /// Sample from π(·|s) with each episode's own random stream (rollouts, the blog's sampled evaluation).
    case sample
    /// Take argmax π(·|s), ties to the lowest action (exhaustive evaluation).
    case greedy
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
    let table = PolicyTable.shared(policy: policy, world: world, episodes: starts.count, threads: threads)
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
    Episodes(joining: runChunks(Episodes.self, policy: policy, table: table, world: world, starts: starts, streams: streams,
                                selection: selection, gamma: gamma, threads: threads, episodesPerChunk: episodesPerChunk),
             threads: threads)
}

/// The same episodes as `runEpisodes`, keeping only each one's return,
/// length and success: memory grows with the number of episodes, not their
/// steps (the exhaustive evaluation runs up to N²(N²−1) episodes of up to
/// max_steps moves each).
public func runEpisodeOutcomes(policy: MLP, table: PolicyTable?, world: GridWorld, starts: [(agent: Int, goal: Int)],
                               streams: [RandomStream], selection: ActionSelection, threads: Int = 1) -> EpisodeOutcomes {
    EpisodeOutcomes(joining: runChunks(EpisodeOutcomes.self, policy: policy, table: table, world: world, starts: starts,
                                       streams: streams, selection: selection, gamma: 1, threads: threads,
                                       episodesPerChunk: episodeChunk))
}

private func runChunks<Recorder: EpisodeRecorder>(_ recorder: Recorder.Type, policy: MLP, table: PolicyTable?, world: GridWorld,
                                                  starts: [(agent: Int, goal: Int)], streams: [RandomStream],
                                                  selection: ActionSelection, gamma: Float, threads: Int,
                                                  episodesPerChunk: Int) -> [Recorder] {
    let count = starts.count
    let episodeChunk = max(1, episodesPerChunk)
    let chunkCount = (count + episodeChunk - 1) / episodeChunk
    let weights = PolicyTable.weights(policy)
    // Without a shared table each thread fills its own as its chunks reach
    // new states, kept from chunk to chunk (a state's row is the same bits
    // whoever fills it, so this changes nothing but the time).
    return Parallel.map(chunks: chunkCount, threads: threads, scratch: { table ?? PolicyTable(world: world) }) { local, chunk -> Recorder in
        let range = (chunk * episodeChunk)..<min(count, (chunk + 1) * episodeChunk)
        return runChunk(range, into: Recorder(), weights: weights, table: &local, world: world, starts: starts,
                        streams: streams, selection: selection, gamma: gamma)
    }
}

/// What an episode loop keeps of each step and of each episode.
protocol EpisodeRecorder: Sendable {
    init()
    mutating func step(agent: Int, action: Int, reward: Float, logProb: Float)
    mutating func end(start: Int, goal: Int, total: Float, reached: Bool, gamma: Float)
}

extension Episodes: EpisodeRecorder {
    mutating func step(agent: Int, action: Int, reward: Float, logProb: Float) {
        agentCells.append(agent)
        actions.append(action)
        rewards.append(reward)
        logProbs.append(logProb)
    }

    mutating func end(start: Int, goal: Int, total: Float, reached: Bool, gamma: Float) {
        let first = offsets.last ?? 0, last = actions.count
        returnsToGo.append(contentsOf: discountedReturnsToGo(rewards[first..<last], gamma: gamma))
        offsets.append(last)
        starts.append(start)
        goals.append(goal)
        returns.append(total)
        successes.append(reached)
    }
}

/// Each episode's return, length and success, in episode order.
public struct EpisodeOutcomes: EpisodeRecorder, Equatable, Sendable {
    public var returns: [Float] = []
    public var lengths: [Int] = []
    public var successes: [Bool] = []
    private var steps = 0

    public init() {}

    init(joining parts: [EpisodeOutcomes]) {
        for part in parts {
            returns += part.returns
            lengths += part.lengths
            successes += part.successes
        }
    }

    mutating func step(agent: Int, action: Int, reward: Float, logProb: Float) { steps += 1 }

    mutating func end(start: Int, goal: Int, total: Float, reached: Bool, gamma: Float) {
        returns.append(total)
        lengths.append(steps)
        successes.append(reached)
        steps = 0
    }
}

private func runChunk<Recorder: EpisodeRecorder>(_ range: Range<Int>, into recorder: Recorder, weights: ForwardWeights,
                                                 table: inout PolicyTable,
                                                 world: GridWorld, starts: [(agent: Int, goal: Int)], streams: [RandomStream],
                                                 selection: ActionSelection, gamma: Float) -> Recorder {
    let width = GridWorld.actionCount
    var result = recorder
    for episode in range {
        var stream = selection == .sample ? streams[episode] : RandomStream(rawState: 0)
        let goal = starts[episode].goal
        var agent = starts[episode].agent
        // Episodes start and stay on floor cells (a move onto lava ends one).
        let goalRows = Int(table.floorIndex[goal]) &* table.floorCount
        var total: Float = 0
        var reached = false
        for _ in 0..<world.maxSteps {
            let state = goalRows &+ Int(table.floorIndex[agent])
            if !table.known[state] { table.fill(state: state, weights: weights) }
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
            result.step(agent: agent, action: action, reward: outcome.reward, logProb: table.logProbs[state * width + action])
            total += outcome.reward
            agent = outcome.agent
            if outcome.ended {
                reached = outcome.reachedGoal
                break
            }
        }
        result.end(start: starts[episode].agent, goal: goal, total: total, reached: reached, gamma: gamma)
    }
    return result
}
