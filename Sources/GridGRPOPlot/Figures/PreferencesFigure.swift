import Foundation
import GridGRPO

/// `preferences.png`: what the labels bought. Left, the greedy policy's share
/// of start configurations solved in the fewest moves (and reaching the goal)
/// against the labels spent so far; right, per iteration, the reward model's
/// held-out label accuracy, the share of the rollout's pairs it orders as the
/// true return does, and the correlation of learned and true episode returns.
public enum PreferencesFigure {
    public static let caption = "Labels spent vs greedy optimality, and the reward model's held-out accuracy and return correlation per iteration"

    public static func render(history: PreferenceHistory, config: PipelineConfig) throws -> Canvas {
        let canvas = try Canvas(width: 2000, height: 800)
        let preference = config.preference
        let who = preference.source == .file ? "a person" : preference.beta.map { "a simulated labeller (β = \(configNumber($0)), ε = \(configNumber(preference.errorRate)))" }
            ?? "a deterministic simulated labeller (ε = \(configNumber(preference.errorRate)))"
        canvas.text("Learning from preferences: \(config.algorithm == .grpo ? "GRPO" : "the blog's method") on a reward learned from \(who)",
                    at: Point(40, 30), size: 30, bold: true, vertical: .top)
        canvas.text("seed \(config.seed) · \(preference.labelsPerIteration) labels/iteration, \(preference.selection.rawValue) selection · ensemble of \(preference.ensembleSize) · exhaustive greedy evaluation on the true reward",
                    at: Point(40, 74), size: 20, color: Palette.mutedText, vertical: .top)
        let left = 150.0, gap = 210.0, top = 170.0, height = 480.0
        let width = (Double(canvas.width) - left - gap - 50) / 2

        let spent = history.labelsSpent.map(Double.init)
        let labels = Axes(frame: Rect(left, top, width, height), x: 0...max(1, spent.last ?? 1), y: 0...100)
        labels.drawFrame(on: canvas, title: "Greedy policy vs labels spent", xLabel: "labels spent", yLabel: "% of configurations",
                         yFormat: { String(format: "%.0f%%", $0) })
        labels.plot(spent, history.successRate.map { $0 * 100 }, on: canvas, color: Palette.series[2], width: 3, markers: true)
        labels.plot(spent, history.optimalFraction.map { $0 * 100 }, on: canvas, color: Palette.series[4], width: 3.5, markers: true)
        if let reached = history.labelsToOptimum {
            labels.verticalMarker(at: Double(reached.labels), label: "optimal everywhere: \(reached.labels) labels (iteration \(reached.iteration))",
                                  on: canvas, color: Palette.series[3])
        }
        labels.legend([.init("reaches the goal", Palette.series[2]), .init("in the fewest moves", Palette.series[4])], on: canvas, corner: .bottomRight)

        let xs = history.rewardIterations.map(Double.init)
        let model = Axes(frame: Rect(left + width + gap, top, width, height), x: 0...max(1, xs.last ?? 1), y: 0...100)
        model.drawFrame(on: canvas, title: "Reward model per iteration", xLabel: "iteration", yLabel: "%",
                        yFormat: { String(format: "%.0f%%", $0) }, integerX: true)
        model.plot(xs, history.reward.map { $0.heldOutAccuracy * 100 }, on: canvas, color: Palette.series[0], width: 3, markers: true)
        model.plot(xs, history.reward.map { $0.pairAgreement * 100 }, on: canvas, color: Palette.series[1], width: 3, markers: true)
        model.plot(xs, history.reward.map { $0.returnCorrelation * 100 }, on: canvas, color: Palette.series[5], width: 3, markers: true)
        model.legend([.init("held-out label accuracy", Palette.series[0]), .init("rollout pairs ordered as the true return", Palette.series[1]),
                      .init("correlation of learned and true returns (×100)", Palette.series[5])], on: canvas, corner: .bottomRight)
        return canvas
    }

    static func configNumber(_ value: Double) -> String { value.configText }
}
