import Foundation
import GridGRPO

/// `reward_map.png`: the reward the policy was trained on beside the true
/// one, for the policy map's goals. Each cell is cut into four triangles, one
/// per action (up, right, down, left), shaded by the reward of taking that
/// action there: the true reward (top row: −0.1 a move, +1 for the move onto
/// the goal) and the final reward model's normalised r̃(s, a) (bottom row).
public enum RewardMapFigure {
    public static let caption = "The learned reward r̃(s, a) beside the true reward, every cell and action, for a few goals"

    /// A diverging scale: red below zero, white at zero, blue above; `t` in −1...1.
    static func shade(_ t: Double) -> Color {
        let x = min(max(t, -1), 1)
        return x < 0 ? Color.white.mixed(with: Palette.negative, -x) : Color.white.mixed(with: Palette.positive, x)
    }

    /// The reward of every (cell, action) for `goal`: `cells × 4`, cell-major.
    static func learned(_ ensemble: RewardEnsemble, world: GridWorld, goal: Int) -> [Float] {
        let cells = world.cellCount
        let states = (0..<cells).flatMap { cell in [Int](repeating: cell, count: GridWorld.actionCount) }
        let steps = StepInputs(agents: states, goals: [Int](repeating: goal, count: states.count),
                               actions: (0..<states.count).map { $0 % GridWorld.actionCount })
        return ensemble.normalizedRewards(steps, cellCount: cells, threads: 1)
    }

    static func truth(world: GridWorld, goal: Int) -> [Float] {
        (0..<(world.cellCount * GridWorld.actionCount)).map { index in
            world.step(agent: index / GridWorld.actionCount, goal: goal, action: index % GridWorld.actionCount).reward
        }
    }

    public static func render(ensemble: RewardEnsemble, iteration: Int, config: PipelineConfig) throws -> Canvas {
        let world = config.world, n = world.size
        let goals = PolicyMapFigure.goals(size: n)
        let panel = 360.0, gap = 50.0
        let canvas = try Canvas(width: Int(200 + Double(goals.count) * (panel + gap) + 40), height: 1060)
        canvas.text("The reward the policy learned from (iteration \(iteration)) beside the true reward", at: Point(40, 30), size: 30, bold: true, vertical: .top)
        canvas.text("each cell: four triangles, the reward of moving up, right, down, left from it · red below 0, blue above · each row scaled to its largest |value|",
                    at: Point(40, 74), size: 20, color: Palette.mutedText, vertical: .top)
        let rows: [(String, [[Float]])] = [
            ("true reward r(s, a)", goals.map { truth(world: world, goal: $0) }),
            ("learned r̃(s, a)", goals.map { learned(ensemble, world: world, goal: $0) }),
        ]
        let cell = panel / Double(n)
        for (rowIndex, (title, values)) in rows.enumerated() {
            let top = 190 + Double(rowIndex) * (panel + 90)
            let visible = zip(goals, values).flatMap { goal, row in row.enumerated().filter { $0.offset / 4 != goal }.map { Double(abs($0.element)) } }
            let bound = max(visible.max() ?? 1, 1e-6)
            canvas.text(title, at: Point(40, top + panel / 2), size: 22, bold: true, horizontal: .center, vertical: .bottom, angle: -Double.pi / 2)
            canvas.text("|max| \(String(format: "%.3g", bound))", at: Point(70, top + panel / 2), size: 17, color: Palette.mutedText,
                        horizontal: .center, vertical: .top, angle: -Double.pi / 2)
            for (index, goal) in goals.enumerated() {
                let origin = Point(130 + Double(index) * (panel + gap), top)
                if rowIndex == 0 {
                    canvas.text("goal at row \(goal / n), column \(goal % n)", at: Point(origin.x, origin.y - 20), size: 21, bold: true, vertical: .bottom)
                }
                for c in 0..<world.cellCount {
                    let rect = Rect(origin.x + Double(c % n) * cell, origin.y + Double(c / n) * cell, cell, cell)
                    if c == goal {
                        canvas.rectangle(rect, fill: .white, stroke: Palette.grid, width: 1.5)
                        canvas.text("G", at: rect.center, size: cell * 0.5, color: Palette.goal, bold: true, horizontal: .center, vertical: .middle)
                        continue
                    }
                    let corners = [Point(rect.minX, rect.minY), Point(rect.maxX, rect.minY), Point(rect.maxX, rect.maxY), Point(rect.minX, rect.maxY)]
                    for action in 0..<GridWorld.actionCount {
                        let triangle = [corners[action], corners[(action + 1) % 4], rect.center]
                        canvas.polygon(triangle, fill: shade(Double(values[index][c * 4 + action]) / bound), stroke: Color.white, width: 1)
                    }
                }
                canvas.rectangle(Rect(origin.x, origin.y, panel, panel), stroke: Palette.axis, width: 2.5)
            }
        }
        return canvas
    }
}
