import Foundation
import GridGRPO

/// `policy_map.png`: for a few goal cells, the greedy action in every cell as
/// an arrow, each cell shaded by the value network's V(s) (or, for GRPO, which
/// has no value network, by the greedy action's probability). Arrows that are
/// not a shortest-path move (by breadth-first search) are drawn in red.
/// Walls, lava and cells that cannot reach the goal carry no arrow.
public enum PolicyMapFigure {
    public static let caption = "Greedy action in every cell for a few goals, cells shaded by V(s) (GRPO: by max π(a|s))"

    /// Goals: top-left corner, centre, right edge, bottom-left corner (distinct for any N ≥ 2).
    public static func goals(size n: Int) -> [Int] {
        var seen = Set<Int>()
        return [0, (n / 2) * n + n / 2, (n / 2) * n + n - 1, (n - 1) * n].filter { seen.insert($0).inserted }
    }

    /// A perceptually ordered colour scale (dark blue → teal → yellow), t in 0...1.
    static func scale(_ t: Double) -> Color {
        let stops: [UInt32] = [0x30123b, 0x3e5ba8, 0x2a9d8f, 0x8fd16a, 0xf6e05e]
        let x = min(max(t, 0), 1) * Double(stops.count - 1)
        let i = min(Int(x), stops.count - 2)
        return Color(hex: stops[i]).mixed(with: Color(hex: stops[i + 1]), x - Double(i))
    }

    public static func render(best: ArtifactSchema.Best, config: PipelineConfig) throws -> Canvas {
        let world = config.world
        let n = world.size, cells = world.cellCount
        let goalCells = WorldPicks.goals(world)
        // The cells each goal's arrows are drawn in: floor cells that can reach it.
        let reachable = goalCells.map { goal in (0..<cells).map { world.isConfiguration(agent: $0, goal: goal) } }
        let distances = goalCells.map { world.distances(to: $0) }
        let panel = 420.0
        let canvas = try Canvas(width: Int(80 + Double(goalCells.count) * (panel + 50) + 160), height: 660)
        canvas.text("Greedy policy and value (best checkpoint, iteration \(best.iteration))", at: Point(40, 30), size: 30, bold: true, vertical: .top)
        let shading = best.value == nil ? "max π(a|s)" : "V(s)"
        canvas.text("arrow: argmax π(a|s) with the goal fixed · shade: \(shading) · red arrow: not a shortest-path move"
                        + (world.layout == .open ? "" : " · dark: wall · orange: lava · grey: cannot reach the goal"),
                    at: Point(40, 74), size: 20, color: Palette.mutedText, vertical: .top)

        var values: [[Float]] = []
        var actions: [[Int]] = []
        for goal in goalCells {
            let agents = Array(0..<cells)
            let goals = [Int](repeating: goal, count: cells)
            let logits = best.policy.forward(agents: agents, goals: goals, cellCount: cells).output
            if let value = best.value {
                values.append(value.forward(agents: agents, goals: goals, cellCount: cells).output)
            } else {
                let logProbs = logSoftmax(logits, width: 4)
                var confidence = [Float](repeating: 0, count: cells)
                for cell in 0..<cells {
                    let row: ArraySlice<Float> = logProbs[(cell * 4)..<(cell * 4 + 4)]
                    confidence[cell] = Float(Foundation.exp(Double(row.max() ?? 0)))
                }
                values.append(confidence)
            }
            actions.append((0..<cells).map { argmax(logits[($0 * 4)..<($0 * 4 + 4)]) })
        }
        let visible = zip(reachable, values).flatMap { shown, v in (0..<cells).filter { shown[$0] }.map { Double(v[$0]) } }
        let low = visible.min() ?? 0, high = max(visible.max() ?? 1, low + 1e-6)
        let cell = panel / Double(n)
        for (index, goal) in goalCells.enumerated() {
            let origin = Point(60 + Double(index) * (panel + 50), 190)
            canvas.text("goal at row \(goal / n), column \(goal % n)", at: Point(origin.x, origin.y - 24), size: 21, bold: true, vertical: .bottom)
            for c in 0..<cells {
                let rect = Rect(origin.x + Double(c % n) * cell, origin.y + Double(c / n) * cell, cell, cell)
                let center = rect.center
                if c == goal {
                    canvas.rectangle(rect, fill: .white, stroke: Palette.grid, width: 1.5)
                    canvas.text("G", at: center, size: cell * 0.5, color: Palette.goal, bold: true, horizontal: .center, vertical: .middle)
                    continue
                }
                guard reachable[index][c] else {
                    let fill = world.kinds[c] == .wall ? Palette.wall : world.kinds[c] == .lava ? Palette.lava : Palette.grid
                    canvas.rectangle(rect, fill: fill, stroke: Color.white.with(alpha: 0.6), width: 1.5)
                    continue
                }
                let t = (Double(values[index][c]) - low) / (high - low)
                canvas.rectangle(rect, fill: scale(t), stroke: Color.white.with(alpha: 0.6), width: 1.5)
                let action = actions[index][c]
                let next = world.move(c, action)
                let shortest = world.isFloor(next) && distances[index][next] == distances[index][c] - 1
                let (dx, dy): (Double, Double) = [(0, -1), (1, 0), (0, 1), (-1, 0)][action]
                let reach = cell * 0.32
                let ink = shortest ? (t > 0.55 ? Palette.text : Color.white) : Palette.negative
                if !shortest { canvas.circle(center, radius: cell * 0.4, fill: Color.white.with(alpha: 0.85)) }
                canvas.arrow(Point(center.x - dx * reach, center.y - dy * reach), Point(center.x + dx * reach, center.y + dy * reach),
                             color: ink, width: max(2, cell * 0.06), head: cell * 0.22)
            }
            canvas.rectangle(Rect(origin.x, origin.y, panel, panel), stroke: Palette.axis, width: 2.5)
        }
        // Colour bar
        let bar = Rect(Double(canvas.width) - 150, 190, 36, panel)
        let steps = 120
        for s in 0..<steps {
            let t = Double(s) / Double(steps - 1)
            canvas.rectangle(Rect(bar.minX, bar.maxY - (t + 1 / Double(steps)) * bar.height, bar.width, bar.height / Double(steps) + 1), fill: scale(t))
        }
        canvas.rectangle(bar, stroke: Palette.axis, width: 1.5)
        for tick in niceTicks(low, high, target: 5) {
            let y = bar.maxY - (tick - low) / (high - low) * bar.height
            canvas.line(Point(bar.maxX, y), Point(bar.maxX + 8, y), color: Palette.axis, width: 1.5)
            canvas.text(tickLabel(tick, step: (high - low) / 4), at: Point(bar.maxX + 12, y), size: 17, color: Palette.mutedText, vertical: .middle)
        }
        canvas.text(shading, at: Point(bar.center.x, bar.minY - 16), size: 20, bold: true, horizontal: .center, vertical: .bottom)
        return canvas
    }
}
