import Foundation
import GridGRPO

/// `grid_world.png`: the trained agent's greedy episodes drawn on the grid,
/// in the spirit of the blog's text frames: start (A), goal (G), the path
/// with step numbers, and how it compares with the optimum.
public enum GridWorldFigure {
    public static let caption = "The trained agent's greedy episodes from a few start configurations"

    /// Fixed, meaningful start configurations for any N: the two long
    /// diagonals, the blog's two examples (scaled to N), edge to edge, corner to centre.
    public static func configurations(size n: Int) -> [(agent: Int, goal: Int, title: String)] {
        func cell(_ row: Int, _ column: Int) -> Int { min(max(row, 0), n - 1) * n + min(max(column, 0), n - 1) }
        func scaled(_ x: Int) -> Int { Int((Double(x) * Double(n - 1) / 4).rounded()) }
        let candidates: [(Int, Int, String)] = [
            (cell(0, 0), cell(n - 1, n - 1), "corner to corner"),
            (cell(n - 1, 0), cell(0, n - 1), "the other diagonal"),
            (cell(scaled(2), scaled(2)), cell(scaled(1), scaled(3)), "the blog's first example"),
            (cell(scaled(3), scaled(1)), cell(scaled(1), scaled(2)), "the blog's second example"),
            (cell(n / 2, 0), cell(n / 2, n - 1), "edge to edge"),
            (cell(0, n - 1), cell(n / 2, n / 2), "corner to centre"),
        ]
        var seen = Set<Int>()
        return candidates.filter { $0.0 != $0.1 && seen.insert($0.0 * n * n + $0.1).inserted }
    }

    public static func render(best: ArtifactSchema.Best, config: PipelineConfig) throws -> Canvas {
        let world = config.world
        let picks = WorldPicks.configurations(world)
        let paths = world.shortestPaths()
        let columns = 3, rows = (picks.count + columns - 1) / columns
        let panel = 560.0, titleSpace = 110.0
        let canvas = try Canvas(width: 1920, height: Int(150 + Double(rows) * (panel + titleSpace + 30)))
        canvas.text("The trained agent on the grid (best checkpoint, iteration \(best.iteration), greedy actions)",
                    at: Point(40, 30), size: 30, bold: true, vertical: .top)
        canvas.text(world.layout == .open ? "A: start · G: goal · numbers: step at which the agent entered the cell · optimal = Manhattan distance moves"
                        : "A: start · G: goal · dark: wall · orange: lava · numbers: step at which the agent entered the cell · optimal = fewest moves (breadth-first search)",
                    at: Point(40, 74), size: 20, color: Palette.mutedText, vertical: .top)
        let n = world.size
        let cell = panel / Double(n)
        for (index, pick) in picks.enumerated() {
            let origin = Point(40 + Double(index % columns) * (panel + 60), 150 + titleSpace + Double(index / columns) * (panel + titleSpace + 30))
            let (path, reached) = greedyPath(policy: best.policy, world: world, agent: pick.agent, goal: pick.goal)
            let moves = path.count - 1
            let distance = paths.distance(from: pick.agent, to: pick.goal)
            var total: Float = 0
            for step in 1..<path.count { total += world.step(agent: path[step - 1], goal: pick.goal, action: action(from: path[step - 1], to: path[step], world)).reward }
            let onLava = path.last.map { world.kinds[$0] == .lava } == true
            let verdict = reached ? (moves == distance ? "optimal" : "reached, \(moves - distance) extra") : onLava ? "stepped onto lava" : "did not reach the goal"
            canvas.text("\(pick.title)", at: Point(origin.x, origin.y - titleSpace + 10), size: 22, bold: true, vertical: .top)
            canvas.text("\(moves) moves (optimal \(distance)), return \(String(format: "%.1f", total)): \(verdict)",
                        at: Point(origin.x, origin.y - titleSpace + 46), size: 19,
                        color: reached && moves == distance ? Palette.series[2] : Palette.series[3], vertical: .top)
            func center(_ c: Int) -> Point { Point(origin.x + (Double(c % n) + 0.5) * cell, origin.y + (Double(c / n) + 0.5) * cell) }
            for c in 0..<world.cellCount {
                let rect = Rect(origin.x + Double(c % n) * cell, origin.y + Double(c / n) * cell, cell, cell)
                let fill = world.kinds[c] == .wall ? Palette.wall : world.kinds[c] == .lava ? Palette.lava : c == pick.goal ? Palette.goal.with(alpha: 0.25) : Palette.panel
                canvas.rectangle(rect, fill: fill, stroke: Palette.grid, width: 2)
            }
            canvas.rectangle(Rect(origin.x, origin.y, panel, panel), stroke: Palette.axis, width: 2.5)
            canvas.polyline(path.map(center), color: Palette.agent.with(alpha: 0.55), width: 6)
            for step in 1..<path.count where path[step] != path[step - 1] {
                let a = center(path[step - 1]), b = center(path[step])
                let mid = Point((a.x + b.x) / 2, (a.y + b.y) / 2)
                canvas.arrowHead(at: Point(mid.x + (b.x - a.x) * 0.08, mid.y + (b.y - a.y) * 0.08), from: a, size: 18, color: Palette.agent)
            }
            let label = cell * 0.2
            for (step, c) in path.enumerated() where step > 0 && c != pick.goal {
                let p = center(c)
                canvas.text("\(step)", at: Point(p.x + cell * 0.28, p.y - cell * 0.28), size: label, color: Palette.mutedText,
                            horizontal: .center, vertical: .middle)
            }
            canvas.text("G", at: center(pick.goal), size: cell * 0.45, color: Palette.goal, bold: true, horizontal: .center, vertical: .middle)
            canvas.circle(center(pick.agent), radius: cell * 0.3, fill: Palette.agent)
            canvas.text("A", at: center(pick.agent), size: cell * 0.36, color: .white, bold: true, horizontal: .center, vertical: .middle)
        }
        return canvas
    }

    /// The action that moves the agent from `cell` to `next` (a bump, staying put, is any action that does).
    static func action(from cell: Int, to next: Int, _ world: GridWorld) -> Int {
        (0..<GridWorld.actionCount).first { world.move(cell, $0) == next } ?? 0
    }
}
