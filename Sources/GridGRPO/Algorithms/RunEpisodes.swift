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
