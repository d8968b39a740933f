/// Start configurations and the exact optimum.
///
/// A configuration is an (agent, goal) pair of distinct floor cells with the
/// goal reachable from the agent. On the open grid that is every pair of
/// distinct cells, N²·(N²−1), and the code below draws and lists them exactly
/// as the blog's grid did.
extension GridWorld {
    /// Draws a start configuration: the agent uniform over the cells an
    /// episode can start on, then the goal uniform over the other cells of
    /// its region (two draws; on the open grid the blog's: agent uniform over
    /// the N² cells, goal over the N² − 1 others). With `startCells` empty (a
    /// world no valid config builds) it returns a cell twice.
    public func sampleStart(_ random: inout RandomStream) -> (agent: Int, goal: Int) {
        guard !startCells.isEmpty else { return (0, 0) }
        let agent = startCells[random.nextInt(below: startCells.count)]
        let region = regions[Int(regionOf[agent])]
        var goal = random.nextInt(below: region.count - 1)
        if goal >= Int(positionInRegion[agent]) { goal += 1 }
        return (agent, region[goal])
    }

    /// Every configuration, agent-major, each in increasing cell order:
    /// `configurationCount` of them, 600 on the open 5×5 grid.
    public func allConfigurations() -> [(agent: Int, goal: Int)] {
        var result: [(agent: Int, goal: Int)] = []
        result.reserveCapacity(configurationCount)
        for agent in startCells {
            for goal in regions[Int(regionOf[agent])] where goal != agent { result.append((agent, goal)) }
        }
        return result
    }

    /// Whether (agent, goal) is a configuration.
    public func isConfiguration(agent: Int, goal: Int) -> Bool {
        (0..<cellCount).contains(agent) && (0..<cellCount).contains(goal) && agent != goal
            && regionOf[agent] >= 0 && regionOf[agent] == regionOf[goal]
    }

    public func manhattanDistance(_ a: Int, _ b: Int) -> Int {
        abs(a / size - b / size) + abs(a % size - b % size)
    }

    /// The fewest moves from every cell to `goal`, by breadth-first search
    /// from the goal over floor cells (walls and lava impassable; moves are
    /// reversible between floor cells, so the search runs backwards from the
    /// goal). −1 where the goal cannot be reached, and off the floor.
    public func distances(to goal: Int) -> [Int32] {
        var distance = [Int32](repeating: -1, count: cellCount)
        guard (0..<cellCount).contains(goal), isFloor(goal) else { return distance }
        var queue = [goal], next = 0
        distance[goal] = 0
        while next < queue.count {
            let cell = queue[next]
            next += 1
            for action in 0..<Self.actionCount {
                let target = move(cell, action)
                if kinds[target] == .floor && distance[target] < 0 {
                    distance[target] = distance[cell] + 1
                    queue.append(target)
                }
            }
        }
        return distance
    }

    /// The fewest moves between every pair of cells: one breadth-first
    /// search per goal floor cell (not per pair).
    public func shortestPaths() -> ShortestPaths {
        var table = [Int32](repeating: -1, count: cellCount * cellCount)
        for goal in 0..<cellCount where isFloor(goal) {
            table.replaceSubrange((goal * cellCount)..<((goal + 1) * cellCount), with: distances(to: goal))
        }
        return ShortestPaths(cells: cellCount, table: table)
    }

    /// The best return from a start `d ≥ 1` moves from the goal: d−1 moves
    /// at −0.1, then +1. Computed in Float the way an episode adds it up, so
    /// an optimal episode's return compares equal.
    public func optimalReturn(distance: Int) -> Float {
        var total: Float = 0
        for _ in 0..<max(0, distance - 1) { total += Self.stepReward }
        return total + Self.goalReward
    }

    /// The lowest and highest return an episode can have (every move −0.1
    /// for max_steps moves, or max_steps − 1 of them and then lava; +1 on the
    /// first move), with a margin for Float rounding of the running sum.
    public var returnRange: ClosedRange<Float> {
        var lowest = Self.stepReward * Float(maxSteps)
        if hasLava { lowest = min(lowest, Self.stepReward * Float(maxSteps - 1) + lavaPenalty) }
        return (lowest - abs(lowest) * 1e-3 - 1e-3)...(Self.goalReward + 1e-4)
    }
}

/// The fewest moves between any two cells of a world (−1: unreachable).
public struct ShortestPaths: Sendable {
    let cells: Int
    /// Goal-major: `table[goal·cells + agent]`.
    let table: [Int32]

    public func distance(from agent: Int, to goal: Int) -> Int {
        Int(table[goal * cells + agent])
    }
}
