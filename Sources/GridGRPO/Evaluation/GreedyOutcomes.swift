/// The greedy policy's episode from every start at once, in time linear in
/// the number of states instead of starts × max_steps.
///
/// Greedy episodes are deterministic and the state space is finite, so each
/// state has one successor, and an episode is the path from its start: it
/// ends after k moves when the path meets the goal or lava (the k-th move
/// ends it), or runs to max_steps when the path falls into a loop or is longer
/// than max_steps. Each state's k (∞ for a loop), its last reward and whether
/// that reached the goal are found once, by following successors until a
/// state already known, and shared by every episode passing through it.
///
/// The result equals the episode loop's (`runEpisodeOutcomes` with
/// `.greedy`) bit for bit: every move that does not end an episode is
/// rewarded `GridWorld.stepReward`, so an episode's return is the loop's
/// running sum of k − 1 step rewards (`stepSums`, added one at a time from 0
/// as the loop adds them) plus the last reward; a cut-off episode's is the
/// sum of max_steps step rewards. The tests compare both on random policies
/// over every layout.
func greedyOutcomes(table: PolicyTable, world: GridWorld, starts: [(agent: Int, goal: Int)]) -> EpisodeOutcomes {
    let never = Int32.max, unknown: Int32 = -1, onPath: Int32 = -2
    let stateCount = table.stateCount
    var movesToEnd = [Int32](repeating: unknown, count: stateCount)
    var lastReward = [Float](repeating: 0, count: stateCount)
    var reachesGoal = [Bool](repeating: false, count: stateCount)
    var path: [Int] = []
    let maxSteps = world.maxSteps
    var stepSums = [Float](repeating: 0, count: maxSteps + 1)
    for moves in stride(from: 1, through: maxSteps, by: 1) { stepSums[moves] = stepSums[moves - 1] + GridWorld.stepReward }

    var outcomes = EpisodeOutcomes()
    outcomes.returns.reserveCapacity(starts.count)
    outcomes.lengths.reserveCapacity(starts.count)
    outcomes.successes.reserveCapacity(starts.count)
    for (start, goal) in starts {
        let first = table.state(agent: start, goal: goal)
        // Follow successors until a known state, an ending move or a loop.
        var state = first, agent = start
        var known: Int32 = unknown
        path.removeAll(keepingCapacity: true)
        while true {
            let moves = movesToEnd[state]
            if moves >= 0 {
                known = moves
                break
            }
            if moves == onPath {
                known = never
                break
            }
            movesToEnd[state] = onPath
            path.append(state)
            let outcome = world.step(agent: agent, goal: goal, action: Int(table.greedy[state]))
            if outcome.ended {
                path.removeLast()
                movesToEnd[state] = 1
                lastReward[state] = outcome.reward
                reachesGoal[state] = outcome.reachedGoal
                known = 1
                break
            }
            agent = outcome.agent
            state = table.state(agent: agent, goal: goal)
        }
        // Everything on the path leads to `state` (or into the loop).
        let reward = known == never ? 0 : lastReward[state], goalReached = known == never ? false : reachesGoal[state]
        var moves = known
        for earlier in path.reversed() {
            if moves != never { moves = moves < never - 1 ? moves + 1 : never }
            movesToEnd[earlier] = moves
            lastReward[earlier] = reward
            reachesGoal[earlier] = goalReached
        }
        let k = Int(movesToEnd[first])
        if k <= maxSteps {
            outcomes.returns.append(stepSums[k - 1] + lastReward[first])
            outcomes.lengths.append(k)
            outcomes.successes.append(reachesGoal[first])
        } else {
            outcomes.returns.append(stepSums[maxSteps])
            outcomes.lengths.append(maxSteps)
            outcomes.successes.append(false)
        }
    }
    return outcomes
}
