/// The blog's grid world, with walls and lava: an N×N grid of floor, wall
/// and lava cells (`GridLayout`), a step limit and the lava penalty.
///
/// - Cells are numbered row-major, `cell = row·N + column`, row 0 at the top.
/// - The agent and the goal stand on distinct floor cells from which the goal
///   is reachable (`GridWorld+Configurations.swift`).
/// - Actions: 0 up, 1 right, 2 down, 3 left. A move off the grid or into a
///   wall leaves the agent where it is.
/// - Every move costs `stepReward` (−0.1) except the move that reaches the
///   goal, which earns `goalReward` (+1) and ends the episode, and a move onto
///   lava, which earns `lavaPenalty` (default −1) and ends the episode. An
///   episode also ends (truncated) after `maxSteps` moves.
/// - Observation: two one-hot planes over every cell, agent then goal,
///   2·N² floats (the layout is fixed for a run, so the policy learns it).
///
/// The open layout (every cell floor) is the blog's grid, move for move.
public struct GridWorld: Sendable, Equatable {
    public static let stepReward: Float = -0.1
    public static let goalReward: Float = 1.0
    public static let defaultLavaPenalty: Float = -1.0
    public static let actionCount = 4
    public static let actionNames = ["up", "right", "down", "left"]

    public let size: Int
    public let maxSteps: Int
    public let layout: GridLayout
    /// What stands on each cell.
    public let kinds: [CellKind]
    /// The reward of a move onto lava, which ends the episode.
    public let lavaPenalty: Float
    public let hasLava: Bool
    /// Where action `a` takes the agent from `cell`: `transitions[cell·4 + a]`.
    let transitions: [Int32]
    /// Each cell's connected region of floor (an index into `regions`), −1 off the floor.
    let regionOf: [Int32]
    /// Each cell's position in its region's list.
    let positionInRegion: [Int32]
    /// The connected regions of floor cells, each in increasing order.
    let regions: [[Int]]
    /// Floor cells with another floor cell reachable: where an episode can start.
    public let startCells: [Int]
    /// How many (agent, goal) configurations: distinct floor cells, the goal
    /// reachable from the agent. N²·(N²−1) on the open grid.
    public let configurationCount: Int

    /// The blog's open N×N grid.
    public init(size: Int, maxSteps: Int) {
        self.init(size: size, maxSteps: maxSteps, layout: .open, kinds: [CellKind](repeating: .floor, count: size * size))
    }

    /// A grid of the given cells (row-major; missing cells are wall, extra ones ignored).
    public init(size: Int, maxSteps: Int, layout: GridLayout, kinds given: [CellKind], lavaPenalty: Float = defaultLavaPenalty) {
        let cellCount = size * size
        let kinds = (0..<cellCount).map { $0 < given.count ? given[$0] : .wall }
        self.size = size
        self.maxSteps = maxSteps
        self.layout = layout
        self.kinds = kinds
        self.lavaPenalty = lavaPenalty
        hasLava = kinds.contains(.lava)
        var transitions = [Int32](repeating: 0, count: cellCount * Self.actionCount)
        for cell in 0..<cellCount {
            let row = cell / size, column = cell % size
            let targets = [row > 0 ? cell - size : cell, column < size - 1 ? cell + 1 : cell,
                           row < size - 1 ? cell + size : cell, column > 0 ? cell - 1 : cell]
            for (action, target) in targets.enumerated() {
                transitions[cell * Self.actionCount + action] = Int32(kinds[target] == .wall ? cell : target)
            }
        }
        self.transitions = transitions
        // Regions of floor connected by moves (lava and walls do not connect).
        var regionOf = [Int32](repeating: -1, count: cellCount)
        var positionInRegion = [Int32](repeating: -1, count: cellCount)
        var regions: [[Int]] = []
        for seed in 0..<cellCount where kinds[seed] == .floor && regionOf[seed] < 0 {
            var members = [seed], next = 0
            regionOf[seed] = Int32(regions.count)
            while next < members.count {
                let cell = members[next]
                next += 1
                for action in 0..<Self.actionCount {
                    let target = Int(transitions[cell * Self.actionCount + action])
                    if kinds[target] == .floor && regionOf[target] < 0 {
                        regionOf[target] = Int32(regions.count)
                        members.append(target)
                    }
                }
            }
            members.sort()
            for (position, cell) in members.enumerated() { positionInRegion[cell] = Int32(position) }
            regions.append(members)
        }
        self.regionOf = regionOf
        self.positionInRegion = positionInRegion
        self.regions = regions
        startCells = (0..<cellCount).filter { regionOf[$0] >= 0 && regions[Int(regionOf[$0])].count >= 2 }
        configurationCount = regions.reduce(0) { $0 + $1.count * ($1.count - 1) }
    }

    public var cellCount: Int { size * size }
    public var observationSize: Int { 2 * cellCount }

    /// Whether the agent or the goal may stand on `cell`.
    public func isFloor(_ cell: Int) -> Bool { kinds[cell] == .floor }

    /// Where an action takes the agent from `cell`.
    @inline(__always)
    public func move(_ cell: Int, _ action: Int) -> Int {
        Int(transitions[cell &* Self.actionCount &+ action])
    }

    /// One transition: the next agent cell, the reward, whether the goal was
    /// reached, and whether the episode ended (the goal, or lava).
    @inline(__always)
    public func step(agent: Int, goal: Int, action: Int) -> (agent: Int, reward: Float, reachedGoal: Bool, ended: Bool) {
        let next = move(agent, action)
        if next == goal { return (next, Self.goalReward, true, true) }
        if hasLava && kinds[next] == .lava { return (next, lavaPenalty, false, true) }
        return (next, Self.stepReward, false, false)
    }

    /// The observation vector (agent plane, then goal plane), as the blog's network sees it.
    public func observation(agent: Int, goal: Int) -> [Float] {
        var planes = [Float](repeating: 0, count: observationSize)
        planes[agent] = 1
        planes[cellCount + goal] = 1
        return planes
    }

    /// The blog's text frame: `.` floor, `#` wall, `~` lava, `A` agent, `G`
    /// goal, `X` agent on goal.
    public func render(agent: Int, goal: Int) -> String {
        (0..<size).map { row in
            (0..<size).map { column -> String in
                let cell = row * size + column
                if cell == agent && cell == goal { return "X" }
                if cell == agent { return "A" }
                if cell == goal { return "G" }
                return String(kinds[cell].symbol)
            }.joined(separator: " ")
        }.joined(separator: "\n")
    }

    /// The layout as a map (rows of `.`, `#`, `~`), as the config writes one.
    public var map: GridMap { GridMap(cells: kinds, size: size) }
}
