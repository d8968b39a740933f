import Testing
@testable import GridGRPO

/// Grids with walls and lava: the rules step by step, the optimum by
/// breadth-first search against independent computations, and the starts.
@Suite("Worlds: walls, lava and the exact optimum")
struct WorldTests {
    /// A world from map rows (checked by the map parser).
    static func world(_ rows: [String], maxSteps: Int = 50, penalty: Float = -1) throws -> GridWorld {
        let map = try GridMap(lines: rows, key: "test.map")
        return GridWorld(size: map.size, maxSteps: maxSteps, layout: .map, kinds: map.cells, lavaPenalty: penalty)
    }

    /// Small maps with walls, lava, dead ends and separate regions.
    static let maps: [[String]] = [
        [".#.", "...", ".#."],
        ["..~.", "#.#.", "..#.", "~..."],
        ["....#", ".##.#", ".#...", ".#~#.", "...#."],
        ["#.#..", "..#..", "##~##", "..#..", "..#.#"],   // four regions, lava between
        [".~", "~."],                                    // two cells that cannot reach each other
    ]

    /// Fewest moves between all pairs by Floyd–Warshall over the map's text:
    /// neighbours are the four adjacent '.' cells, nothing of GridWorld used.
    static func floydWarshall(_ rows: [String]) -> [[Int]] {
        let grid = rows.map(Array.init), n = rows.count, cells = n * n, infinity = Int.max / 4
        var d = [[Int]](repeating: [Int](repeating: infinity, count: cells), count: cells)
        for cell in 0..<cells where grid[cell / n][cell % n] == "." {
            d[cell][cell] = 0
            for (dr, dc) in [(-1, 0), (0, 1), (1, 0), (0, -1)] {
                let r = cell / n + dr, c = cell % n + dc
                if (0..<n).contains(r), (0..<n).contains(c), grid[r][c] == "." { d[cell][r * n + c] = 1 }
            }
        }
        for k in 0..<cells { for i in 0..<cells { for j in 0..<cells where d[i][k] + d[k][j] < d[i][j] { d[i][j] = d[i][k] + d[k][j] } } }
        return d.map { $0.map { $0 >= infinity ? -1 : $0 } }
    }

    /// The best return from every agent cell to `goal` by value iteration
    /// over every action sequence up to the step limit (a different method:
    /// it knows rewards and lava, not distances).
    static func bestReturns(_ world: GridWorld, goal: Int) -> [Float] {
        var value = [Float](repeating: 0, count: world.cellCount)
        for _ in 0..<world.maxSteps {
            var next = value
            for cell in 0..<world.cellCount where world.isFloor(cell) && cell != goal {
                next[cell] = (0..<GridWorld.actionCount).map { action in
                    let outcome = world.step(agent: cell, goal: goal, action: action)
                    return outcome.reward + (outcome.ended ? 0 : value[outcome.agent])
                }.max() ?? 0
            }
            value = next
        }
        return value
    }

    @Test(arguments: 0..<maps.count)
    func breadthFirstOptimumMatchesBruteForceForEveryPair(map: Int) throws {
        let rows = Self.maps[map]
        let world = try Self.world(rows)
        let reference = Self.floydWarshall(rows)
        let paths = world.shortestPaths()
        var pairs = 0
        for agent in 0..<world.cellCount {
            for goal in 0..<world.cellCount where agent != goal {
                let reachable = world.isFloor(agent) && world.isFloor(goal) && reference[agent][goal] > 0
                #expect(world.isConfiguration(agent: agent, goal: goal) == reachable, "(\(agent), \(goal))")
                if world.isFloor(agent) && world.isFloor(goal) {
                    #expect(paths.distance(from: agent, to: goal) == reference[agent][goal], "(\(agent), \(goal))")
                }
                if reachable { pairs += 1 }
            }
        }
        #expect(world.configurationCount == pairs)
        #expect(world.allConfigurations().count == pairs)
        #expect(world.allConfigurations().allSatisfy { reference[$0.agent][$0.goal] > 0 })
        // The optimal return from the distance is the best any action sequence earns.
        for goal in 0..<world.cellCount where world.isFloor(goal) {
            let best = Self.bestReturns(world, goal: goal)
            for agent in 0..<world.cellCount where world.isConfiguration(agent: agent, goal: goal) {
                let optimum = world.optimalReturn(distance: paths.distance(from: agent, to: goal))
                #expect(abs(best[agent] - optimum) < 1e-4, "(\(agent), \(goal)): \(best[agent]) vs \(optimum)")
            }
        }
    }

    @Test func theOpenGridsDistanceIsManhattans() {
        let world = GridWorld(size: 6, maxSteps: 20)
        let paths = world.shortestPaths()
        for (agent, goal) in world.allConfigurations() {
            #expect(paths.distance(from: agent, to: goal) == world.manhattanDistance(agent, goal))
        }
    }

    @Test func wallsBlockAndLavaEndsTheEpisodeWithItsPenalty() throws {
        // . # G
        // . . ~
        // A . .
        let world = try Self.world([".#.", "..~", "..."], penalty: -2.5)
        let goal = 2
        var outcome = world.step(agent: 6, goal: goal, action: 0)       // up onto floor
        #expect(outcome == (3, -0.1, false, false))
        outcome = world.step(agent: 3, goal: goal, action: 1)           // right onto floor
        #expect(outcome == (4, -0.1, false, false))
        outcome = world.step(agent: 4, goal: goal, action: 0)           // up into the wall: stays
        #expect(outcome == (4, -0.1, false, false))
        outcome = world.step(agent: 0, goal: goal, action: 1)           // right into the wall: stays
        #expect(outcome == (0, -0.1, false, false))
        outcome = world.step(agent: 6, goal: goal, action: 3)           // off the grid: stays
        #expect(outcome == (6, -0.1, false, false))
        outcome = world.step(agent: 4, goal: goal, action: 1)           // onto lava: the penalty, the end
        #expect(outcome == (5, -2.5, false, true))
        outcome = world.step(agent: 8, goal: goal, action: 0)           // lava from below too
        #expect(outcome == (5, -2.5, false, true))
        #expect(!world.isConfiguration(agent: 0, goal: goal))          // the goal is cut off behind wall and lava
        #expect(world.render(agent: 6, goal: 0) == "G # .\n. . ~\nA . .")
    }

    @Test func anEpisodeOntoLavaStopsThereAndFails() throws {
        let world = try Self.world(["...", "~~.", "..."], maxSteps: 30)
        let policy = MLP(inputSize: world.observationSize, hiddenSize: 4, outputSize: 4)   // all-zero weights: greedy = up
        var zeros = policy
        zeros.parameters = [Float](repeating: 0, count: policy.parameters.count)
        // From cell 6 (bottom left) going up steps onto lava at once.
        let episodes = runEpisodes(policy: zeros, world: world, starts: [(6, 0), (0, 2)], streams: [], selection: .greedy, gamma: 1)
        #expect(episodes.length(0) == 1 && episodes.rewards[0] == -1 && !episodes.successes[0] && episodes.returns[0] == -1)
        // From cell 0 going up bumps the edge for every one of max_steps moves.
        #expect(episodes.length(1) == 30 && !episodes.successes[1])
        #expect(world.returnRange.contains(episodes.returns[0]) && world.returnRange.lowerBound <= -0.1 * 29 - 1)
    }

    @Test(arguments: [5, 7, 9, 15, 31, 32])
    func mazesArePerfectDeterministicAndSeedDependent(size: Int) {
        var drawn: Set<[CellKind]> = []
        for seed: UInt64 in 0..<6 {
            let cells = LayoutGenerator.cells(.maze, size: size, seed: seed, map: GridMap())
            #expect(cells == LayoutGenerator.cells(.maze, size: size, seed: seed, map: GridMap()), "deterministic")
            drawn.insert(cells)
            let world = GridWorld(size: size, maxSteps: 10, layout: .maze, kinds: cells)
            let floor = (0..<world.cellCount).filter(world.isFloor)
            // Every maze node is floor, and the floor is one connected tree:
            // F cells joined by F − 1 passages, so one path between any two cells.
            let nodes = (size + 1) / 2
            #expect((0..<nodes).allSatisfy { r in (0..<nodes).allSatisfy { c in world.isFloor(2 * r * size + 2 * c) } })
            #expect(floor.count == 2 * nodes * nodes - 1)
            #expect(world.startCells.count == floor.count, "connected")
            var edges = 0
            for cell in floor {
                if cell % size + 1 < size && world.isFloor(cell + 1) { edges += 1 }
                if cell + size < world.cellCount && world.isFloor(cell + size) { edges += 1 }
            }
            #expect(edges == floor.count - 1, "a tree: \(edges) passages between \(floor.count) cells")
            if size % 2 == 0 { #expect((0..<size).allSatisfy { !world.isFloor((size - 1) * size + $0) && !world.isFloor($0 * size + size - 1) }) }
        }
        // A 5×5 maze has 3×3 nodes and few spanning trees: seeds may share one.
        #expect(drawn.count >= (size == 5 ? 3 : 6), "each seed draws its own maze")
    }

    @Test(arguments: [5, 8, 11, 19])
    func fourRoomsHaveOneGapPerWallSegmentDrawnFromTheSeed(size: Int) {
        var gaps: Set<[Int]> = []
        for seed: UInt64 in 0..<8 {
            let cells = LayoutGenerator.cells(.fourRooms, size: size, seed: seed, map: GridMap())
            #expect(cells == LayoutGenerator.cells(.fourRooms, size: size, seed: seed, map: GridMap()))
            let world = GridWorld(size: size, maxSteps: 10, layout: .fourRooms, kinds: cells)
            let middle = size / 2
            let column = (0..<size).map { cells[$0 * size + middle] }, row = (0..<size).map { cells[middle * size + $0] }
            let open = { (line: [CellKind], range: Range<Int>) in range.filter { line[$0] == .floor } }
            let segments = [open(column, 0..<middle), open(column, (middle + 1)..<size), open(row, 0..<middle), open(row, (middle + 1)..<size)]
            #expect(segments.allSatisfy { $0.count == 1 }, "one gap per segment: \(segments)")
            #expect(cells[middle * size + middle] == .wall)
            #expect(cells.filter { $0 == .wall }.count == 2 * size - 1 - 4)
            #expect(world.startCells.count == size * size - (2 * size - 1 - 4), "all rooms connected")
            gaps.insert(segments.flatMap { $0 })
        }
        #expect(gaps.count > 1, "the gaps depend on the seed")
    }

    @Test func lavaGapHasOneGapInItsLavaColumn() {
        for seed: UInt64 in 0..<5 {
            let world = PipelineConfig.with(seed: seed, layout: .lavaGap, size: 7).world
            let column = (0..<7).map { world.kinds[$0 * 7 + 3] }
            #expect(column.filter { $0 == .floor }.count == 1 && column.filter { $0 == .lava }.count == 6)
            #expect(world.startCells.count == 49 - 6)
        }
    }

    @Test func startsAreOnlyOnFloorCellsThatReachTheirGoal() throws {
        let world = try Self.world(Self.maps[3])
        var seen = Set<Int>()
        for index in 0..<20_000 {
            var stream = RandomStream(seed: 3, stage: .rollout, iteration: 1, index: index)
            let start = world.sampleStart(&stream)
            #expect(world.isConfiguration(agent: start.agent, goal: start.goal), "\(start)")
            seen.insert(start.agent * world.cellCount + start.goal)
        }
        #expect(seen.count == world.configurationCount, "every configuration is drawn")
    }

    /// On the open grid the draws are the blog's: agent uniform over N²
    /// cells, goal over the N² − 1 others, from the same stream values.
    @Test func openStartsAreTheOriginalDraws() {
        let world = GridWorld(size: 5, maxSteps: 100)
        for index in 0..<2_000 {
            var stream = RandomStream(seed: 11, stage: .rollout, iteration: 2, index: index)
            var original = stream
            let agent = original.nextInt(below: 25)
            var goal = original.nextInt(below: 24)
            if goal >= agent { goal += 1 }
            let start = world.sampleStart(&stream)
            #expect(start == (agent, goal))
            #expect(stream.next() == original.next())
        }
    }
}

extension PipelineConfig {
    /// A config of one layout (tests).
    static func with(seed: UInt64, layout: GridLayout, size: Int) -> PipelineConfig {
        var config = PipelineConfig()
        config.seed = seed
        config.environment.layout = layout
        config.environment.gridSize = size
        return config
    }
}
