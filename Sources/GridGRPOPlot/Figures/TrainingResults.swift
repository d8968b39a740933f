import Foundation
import GridGRPO

/// `training_results.png`: the blog's "average return (left) and policy/value
/// loss (right) during training", from the run's own artifacts, with the
/// optimum as a reference, success rates, and the best checkpoint marked.
public enum TrainingResultsFigure {
    public static let caption = "Average return and success rate (left), policy and value loss (right) per iteration"

    public static func render(history: RunHistory, config: PipelineConfig) throws -> Canvas {
        let canvas = try Canvas(width: 2000, height: 1200)
        let xs = history.iterations.map(Double.init)
        canvas.text("Training of \(config.algorithm == .grpo ? "GRPO" : "the blog's preference method") on the \(WorldPicks.name(config.world))",
                    at: Point(40, 30), size: 30, bold: true, vertical: .top)
        let batch = config.algorithm == .grpo ? "\(config.grpo.groupsPerIteration) groups × \(config.grpo.groupSize) episodes/iteration"
                                              : "\(config.rollout.pairs) pairs/iteration"
        canvas.text("seed \(config.seed) · \(batch) · config sha256:\(config.digest.prefix(12))",
                    at: Point(40, 74), size: 20, color: Palette.mutedText, vertical: .top)

        let panels = layout(history: history, width: Double(canvas.width))
        let bestX = Double(history.best.iteration)
        let bestLabel = "best: iteration \(history.best.iteration)"
        let greedy = history.evaluations.map(\.meanReturn)
        let sampled = history.evaluations.map(\.sampledAverageReturn)
        let optimal = history.evaluations.first?.meanOptimalReturn ?? 0

        // Returns
        let returns = panels.returns
        returns.drawFrame(on: canvas, title: "Average return", xLabel: "iteration", yLabel: "return", integerX: true)
        returns.horizontalLine(at: optimal, on: canvas, color: Palette.text)
        returns.plot(xs, sampled, on: canvas, color: Palette.series[1], width: 2.5)
        returns.plot(xs, greedy, on: canvas, color: Palette.series[0], width: 3.5)
        returns.verticalMarker(at: bestX, label: bestLabel, on: canvas, color: Palette.series[3])
        returns.legend([
            .init("greedy, all \(config.world.allConfigurations().count) starts", Palette.series[0]),
            .init("sampled (blog), \(config.evaluation.sampledEpisodes) episodes", Palette.series[1]),
            .init(String(format: "optimal (%.3f)", optimal), Palette.text, dash: [10, 6]),
        ], on: canvas, corner: .bottomRight)

        // Success
        let success = panels.success
        success.drawFrame(on: canvas, title: "Greedy policy over every start configuration", xLabel: "iteration",
                          yLabel: "% of configurations", yFormat: { String(format: "%.0f%%", $0) }, integerX: true)
        success.plot(xs, history.evaluations.map { $0.successRate * 100 }, on: canvas, color: Palette.series[2], width: 3.5)
        success.plot(xs, history.evaluations.map { $0.optimalFraction * 100 }, on: canvas, color: Palette.series[4], width: 3.5)
        success.verticalMarker(at: bestX, label: bestLabel, on: canvas, color: Palette.series[3])
        success.legend([.init("reaches the goal", Palette.series[2]), .init("in the fewest moves", Palette.series[4])],
                       on: canvas, corner: .bottomRight)

        // Losses
        let grpo = config.algorithm == .grpo
        for (axes, title, values, color) in [(panels.policyLoss, grpo ? "Policy loss (GRPO objective)" : "Policy loss (PPO clipped)", history.policyLoss, Palette.series[0]),
                                             (panels.valueLoss, grpo ? "KL to the reference policy (k3)" : "Value loss (MSE to return-to-go)",
                                              grpo ? history.referenceKL : history.valueLoss, Palette.series[1])] {
            axes.drawFrame(on: canvas, title: title, xLabel: "iteration", yLabel: "mean over epochs", integerX: true)
            axes.horizontalLine(at: 0, on: canvas, color: Palette.axis, width: 1.5, dash: [])
            axes.plot(xs, values, on: canvas, color: color, width: 3)
            axes.verticalMarker(at: bestX, label: bestLabel, on: canvas, color: Palette.series[3])
        }
        return canvas
    }

    /// The four panels and their data ranges: returns and success (left),
    /// policy and value loss (right).
    public static func layout(history: RunHistory, width: Double) -> (returns: Axes, success: Axes, policyLoss: Axes, valueLoss: Axes) {
        let left = 150.0, gap = 210.0, top = 170.0, panelHeight = 390.0, vGap = 170.0
        let panelWidth = (width - left - gap - 50) / 2
        let right = left + panelWidth + gap
        let xRange = 0...max(1, Double(history.iterations.last ?? 1))
        let greedy = history.evaluations.map(\.meanReturn)
        let sampled = history.evaluations.map(\.sampledAverageReturn)
        let optimal = history.evaluations.first?.meanOptimalReturn ?? 0
        let returns = Axes(frame: Rect(left, top, panelWidth, panelHeight), x: xRange,
                           y: niceRange((greedy + sampled + [optimal]).min() ?? 0, max(optimal, (greedy + sampled).max() ?? optimal) + 0.05))
        let success = Axes(frame: Rect(left, top + panelHeight + vGap, panelWidth, panelHeight), x: xRange, y: 0...100)
        func lossAxes(_ values: [Double], row: Double) -> Axes {
            let finite = values.filter(\.isFinite)
            return Axes(frame: Rect(right, top + row * (panelHeight + vGap), panelWidth, panelHeight), x: xRange,
                        y: niceRange(min(0, finite.min() ?? 0), max(0, finite.max() ?? 1)))
        }
        let second = history.valueLoss.contains(where: \.isFinite) ? history.valueLoss : history.referenceKL
        return (returns, success, lossAxes(history.policyLoss, row: 0), lossAxes(second, row: 1))
    }
}
