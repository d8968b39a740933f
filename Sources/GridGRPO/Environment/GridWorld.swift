/// The blog's grid world, parameterised by size and step limit.
///
/// - An N×N grid; cells are numbered row-major, `cell = row·N + column`,
///   row 0 at the top.
/// - The agent and the goal stand on distinct cells.
/// - Actions: 0 up, 1 right, 2 down, 3 left. A move off the grid leaves the
///   agent where it is.
/// - Every move costs `stepReward` (−0.1) except the move that reaches the goal,
///   which earns `goalReward` (+1) and ends the episode. An episode also ends
///   (truncated) after `maxSteps` moves.
/// - Observation: two one-hot planes, agent then goal, 2·N² floats.
public struct GridWorld: Sendable, Equatable {
    public static let stepReward: Float = -0.1
    public static let goalReward: Float = 1.0
    public static let actionCount = 4
    public static let actionNames = ["up", "right", "down", "left"]

    public let size: Int
    public let maxSteps: Int

    public init(size: Int, maxSteps: Int) {
        self.size = size
        self.maxSteps = maxSteps
    }

    public var cellCount: Int { size * size }
    public var observationSize: Int { 2 * cellCount }

    /// Where an action takes the agent from `cell`.
    @inline(__always)
    public func move(_ cell: Int, _ action: Int) -> Int {
        let row = cell / size, column = cell % size
        switch action {
        case 0: return row > 0 ? cell - size : cell
        case 1: return column < size - 1 ? cell + 1 : cell
        case 2: return row < size - 1 ? cell + size : cell
        default: return column > 0 ? cell - 1 : cell
        }
    }

    /// One transition: the next agent cell, the reward, and whether the goal was reached.
    @inline(__always)
    public func step(agent: Int, goal: Int, action: Int) -> (agent: Int, reward: Float, reachedGoal: Bool) {
        let next = move(agent, action)
        return next == goal ? (next, Self.goalReward, true) : (next, Self.stepReward, false)
    }

    public func manhattanDistance(_ a: Int, _ b: Int) -> Int {
        abs(a / size - b / size) + abs(a % size - b % size)
    }

    /// The best return from a start at Manhattan distance `d ≥ 1` from the goal:
    /// d−1 moves at −0.1, then +1. Computed in Float the way an episode adds it up,
    /// so an optimal episode's return compares equal.
    public func optimalReturn(distance: Int) -> Float {
        var total: Float = 0
        for _ in 0..<(distance - 1) { total += Self.stepReward }
        return total + Self.goalReward
    }

    /// Draws a start configuration: agent and goal uniform over distinct cells.
    public func sampleStart(_ random: inout RandomStream) -> (agent: Int, goal: Int) {
        let agent = random.nextInt(below: cellCount)
        var goal = random.nextInt(below: cellCount - 1)
        if goal >= agent { goal += 1 }
        return (agent, goal)
    }

    /// How many (agent, goal) configurations with distinct cells: N²·(N²−1).
    public var configurationCount: Int { cellCount * (cellCount - 1) }

    /// Every (agent, goal) configuration with distinct cells, agent-major:
    /// N²·(N²−1) of them, 600 on 5×5.
    public func allConfigurations() -> [(agent: Int, goal: Int)] {
        var result: [(agent: Int, goal: Int)] = []
        result.reserveCapacity(configurationCount)
        for agent in 0..<cellCount {
            for goal in 0..<cellCount where goal != agent { result.append((agent, goal)) }
        }
        return result
    }

    /// The observation vector (agent plane, then goal plane), as the blog's network sees it.
    public func observation(agent: Int, goal: Int) -> [Float] {
        var planes = [Float](repeating: 0, count: observationSize)
        planes[agent] = 1
        planes[cellCount + goal] = 1
        return planes
    }

    /// The blog's text frame: `.` empty, `A` agent, `G` goal, `X` agent on goal.
    public func render(agent: Int, goal: Int) -> String {
        (0..<size).map { row in
            (0..<size).map { column -> String in
                let cell = row * size + column
                if cell == agent && cell == goal { return "X" }
                if cell == agent { return "A" }
                if cell == goal { return "G" }
                return "."
            }.joined(separator: " ")
        }.joined(separator: "\n")
    }
}
