/// What a labeller's utility can weigh besides the return, per episode (the
/// blog's "multi-objective optimization" item):
///
/// - `edgeMoves`: moves into the grid's edge or a wall, which leave the agent
///   where it was;
/// - `revisits`: moves onto a cell the episode had already visited (its start
///   included); an edge move is counted as an edge move only.
///
/// The utility is U = return − edge_weight·edgeMoves − revisit_weight·revisits.
public struct EpisodeCriteria: Equatable, Sendable {
    public var edgeMoves = 0
    public var revisits = 0

    public init(edgeMoves: Int = 0, revisits: Int = 0) {
        self.edgeMoves = edgeMoves
        self.revisits = revisits
    }

    /// The criteria of the episode whose steps took `actions` from `cells`
    /// (the cell each action was taken in, the start first).
    public init<Cells: Collection<Int>, Actions: Collection<Int>>(world: GridWorld, cells: Cells, actions: Actions) {
        var visited = Set<Int>()
        if let start = cells.first { visited.insert(start) }
        for (cell, action) in zip(cells, actions) {
            let next = world.move(cell, action)
            if next == cell {
                edgeMoves += 1
            } else if !visited.insert(next).inserted {
                revisits += 1
            }
        }
    }

    /// Each episode's criteria.
    public static func of(_ episodes: Episodes, world: GridWorld) -> [EpisodeCriteria] {
        (0..<episodes.count).map { episode in
            let steps = episodes.steps(episode)
            return EpisodeCriteria(world: world, cells: episodes.agentCells[steps], actions: episodes.actions[steps])
        }
    }

    /// U = return − edge_weight·edgeMoves − revisit_weight·revisits.
    public func utility(return value: Float, _ config: PreferenceConfig) -> Double {
        Double(value) - config.edgeWeight * Double(edgeMoves) - config.revisitWeight * Double(revisits)
    }
}

/// The greedy policy's criteria from every start configuration (the
/// evaluation reports their means beside the true return): each episode is
/// walked with the policy's greedy table, holding nothing but its counters;
/// it ends at the goal, on lava or after max_steps moves, as the evaluation's.
public func greedyCriteria(policy: MLP, world: GridWorld, threads: Int = 1) -> (edgeMoves: Double, revisits: Double) {
    let starts = world.allConfigurations()
    let table = PolicyTable.shared(policy: policy, world: world, episodes: starts.count, threads: threads)
    let chunkCount = (starts.count + episodeChunk - 1) / episodeChunk
    let weights = PolicyTable.weights(policy)
    let parts = Parallel.map(chunks: chunkCount, threads: threads, scratch: { table ?? PolicyTable(world: world) }) { local, chunk -> (Int, Int) in
        var edges = 0, revisits = 0
        for index in (chunk * episodeChunk)..<min(starts.count, (chunk + 1) * episodeChunk) {
            let (start, goal) = starts[index]
            var cell = start
            var visited: Set<Int> = [start]
            for _ in 0..<world.maxSteps {
                let state = local.state(agent: cell, goal: goal)
                if !local.known[state] { local.fill(state: state, weights: weights) }
                let outcome = world.step(agent: cell, goal: goal, action: Int(local.greedy[state]))
                if outcome.agent == cell { edges += 1 } else if !visited.insert(outcome.agent).inserted { revisits += 1 }
                cell = outcome.agent
                if outcome.ended { break }
            }
        }
        return (edges, revisits)
    }
    let count = Double(max(starts.count, 1))
    let edges = parts.reduce(0) { $0 + $1.0 }, revisits = parts.reduce(0) { $0 + $1.1 }
    return (Double(edges) / count, Double(revisits) / count)
}
