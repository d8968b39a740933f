import Foundation
import GridGRPO

/// What the figures show of a world with walls or lava: its name, the start
/// configurations of grid_world.png and the goals of policy_map.png, chosen
/// to be informative in that layout. The open grid keeps the blog-scaled
/// picks it always had.
enum WorldPicks {
    /// "5×5 grid world", or "11×11 four_rooms grid world".
    static func name(_ world: GridWorld) -> String {
        "\(world.size)×\(world.size) \(world.layout == .open ? "" : world.layout.rawValue + " ")grid world"
    }

    /// The start cell nearest `cell` (Manhattan distance, ties to the lower cell).
    static func nearestStart(_ world: GridWorld, to cell: Int, in candidates: [Int]? = nil) -> Int? {
        (candidates ?? world.startCells).min { (world.manhattanDistance($0, cell), $0) < (world.manhattanDistance($1, cell), $1) }
    }

    /// Start configurations for grid_world.png. Open: the fixed picks. Other
    /// layouts: the pair farthest apart by the fewest moves, then each fixed
    /// pick moved to the nearest cells an episode can start on (the goal in
    /// the agent's region), distinct pairs only.
    static func configurations(_ world: GridWorld) -> [(agent: Int, goal: Int, title: String)] {
        let fixed = GridWorldFigure.configurations(size: world.size)
        guard world.layout != .open else { return fixed }
        let paths = world.shortestPaths()
        var result: [(agent: Int, goal: Int, title: String)] = []
        var seen = Set<Int>()
        func add(_ agent: Int, _ goal: Int, _ title: String) {
            if world.isConfiguration(agent: agent, goal: goal), seen.insert(agent * world.cellCount + goal).inserted {
                result.append((agent, goal, title))
            }
        }
        var farthest: (agent: Int, goal: Int, distance: Int)?
        for agent in world.startCells {
            for goal in world.startCells where paths.distance(from: agent, to: goal) > (farthest?.distance ?? 0) {
                farthest = (agent, goal, paths.distance(from: agent, to: goal))
            }
        }
        if let farthest { add(farthest.agent, farthest.goal, "farthest apart (\(farthest.distance) moves)") }
        for pick in fixed {
            guard let agent = nearestStart(world, to: pick.agent) else { continue }
            let region = world.startCells.filter { world.isConfiguration(agent: agent, goal: $0) }
            if let goal = nearestStart(world, to: pick.goal, in: region) { add(agent, goal, pick.title) }
        }
        return Array(result.prefix(6))
    }

    /// Goals for policy_map.png. Open: the fixed goals. Other layouts: the
    /// start cell nearest the top-left corner, then each next goal the start
    /// cell farthest (fewest moves; unreachable counts as farthest) from the
    /// goals so far: they spread over rooms and maze branches.
    static func goals(_ world: GridWorld) -> [Int] {
        let fixed = PolicyMapFigure.goals(size: world.size)
        guard world.layout != .open, let first = nearestStart(world, to: 0) else { return fixed }
        let paths = world.shortestPaths()
        var goals = [first]
        while goals.count < min(4, world.startCells.count) {
            func spread(_ cell: Int) -> Int {
                goals.map { paths.distance(from: cell, to: $0) < 0 ? Int.max : paths.distance(from: cell, to: $0) }.min() ?? 0
            }
            guard let next = world.startCells.filter({ !goals.contains($0) }).max(by: { (spread($0), -$0) < (spread($1), -$1) }) else { break }
            goals.append(next)
        }
        return goals
    }
}
