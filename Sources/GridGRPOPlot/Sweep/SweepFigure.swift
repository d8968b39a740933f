import Foundation
import GridGRPO

/// `sweep.png`: a sweep's statistics in four panels: the sample-efficiency
/// curves (mean fraction optimal against environment steps), the fraction of
/// runs at the optimum within τ steps, the performance profile of the final
/// fraction optimal, and the median, IQM and mean of the environment steps to
/// the optimum per setting, every curve and estimate with its bootstrap interval.
public enum SweepFigure {
    public static func render(_ summary: SweepSummary) throws -> Canvas {
        let canvas = try Canvas(width: 2000, height: 1300)
        let percent = Int((summary.bootstrap.confidence * 100).rounded())
        canvas.text("Sweep '\(summary.name)': \(summary.settings.count) settings, \(summary.outcomes.count) runs",
                    at: Point(40, 30), size: 30, bold: true, vertical: .top)
        canvas.text("bands and bars: \(percent)% stratified bootstrap intervals over each setting's runs (\(summary.bootstrap.replicates) replicates); "
                    + "runs that never reached the optimum count at their budget",
                    at: Point(40, 74), size: 20, color: Palette.mutedText, vertical: .top)
        let left = 150.0, gap = 200.0, top = 180.0, height = 400.0, vGap = 180.0
        let width = (Double(canvas.width) - left - gap - 50) / 2
        func frame(_ index: Int) -> Rect { Rect(left + Double(index % 2) * (width + gap), top + Double(index / 2) * (height + vGap), width, height) }
        let colors = summary.settings.indices.map { Palette.series[$0 % Palette.series.count] }
        let xMax = max(summary.stepGrid.last ?? 1, 1e-9)
        let percentFormat: (Double) -> String = { String(format: "%.0f%%", $0 * 100) }

        let curvePanels: [(title: String, xLabel: String, yLabel: String, xs: [Double], curve: KeyPath<SweepSummary.Setting, [Bootstrap.Interval]>)] = [
            ("Sample efficiency: mean fraction optimal", "environment steps", "fraction optimal", summary.stepGrid, \.efficiency),
            ("Runs at the optimum within τ env steps", "τ (environment steps)", "fraction of runs", summary.stepGrid, \.reachedWithin),
            ("Performance profile: final fraction optimal > τ", "τ (final fraction of optimal start configurations)", "fraction of runs",
             summary.profileThresholds, \.profile),
        ]
        for (index, panel) in curvePanels.enumerated() {
            let axes = Axes(frame: frame(index), x: 0...(index == 2 ? 1 : xMax), y: 0...1)
            axes.drawFrame(on: canvas, title: panel.title, xLabel: panel.xLabel, yLabel: panel.yLabel, yFormat: percentFormat)
            for (settingIndex, setting) in summary.settings.enumerated() {
                let curve = setting[keyPath: panel.curve]
                guard curve.count == panel.xs.count, !curve.isEmpty else { continue }
                canvas.withClip(axes.frame) {
                    canvas.polygon(zip(panel.xs, curve).map { axes.map($0, $1.high) } + zip(panel.xs, curve).reversed().map { axes.map($0, $1.low) },
                                   fill: colors[settingIndex].with(alpha: 0.18))
                }
                axes.plot(panel.xs, curve.map(\.point), on: canvas, color: colors[settingIndex], width: 3.5)
            }
            if index == 0 {
                axes.legend(summary.settings.enumerated().map { .init($0.element.name, colors[$0.offset]) }, on: canvas, corner: .bottomRight)
            }
        }
        drawIntervals(summary, in: frame(3), colors: colors, on: canvas)
        return canvas
    }

    /// Median, IQM and mean of env steps to the optimum per setting, as
    /// points with horizontal interval bars, one row of three per setting.
    static func drawIntervals(_ summary: SweepSummary, in frame: Rect, colors: [Color], on canvas: Canvas) {
        let statistics = summary.settings.map { $0.metrics.first { $0.metric == .steps }?.statistics ?? [] }
        let high = statistics.flatMap { $0.map(\.high) }.filter(\.isFinite).max() ?? 1
        let rows = Double(max(summary.settings.count, 1))
        let axes = Axes(frame: frame, x: 0...niceRange(0, max(high, 1)).upperBound, y: 0...rows)
        canvas.rectangle(frame, fill: Palette.panel)
        let xTicks = niceTicks(axes.x.lowerBound, axes.x.upperBound, target: 6)
        let step = xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1
        for tick in xTicks {
            let p = axes.map(tick, 0)
            canvas.line(Point(p.x, frame.minY), Point(p.x, frame.maxY), color: Palette.grid, width: 1.5)
            canvas.text(tickLabel(tick, step: step), at: Point(p.x, frame.maxY + 12), size: 17, color: Palette.mutedText,
                        horizontal: .center, vertical: .top)
        }
        canvas.rectangle(frame, stroke: Palette.axis, width: 1.5)
        canvas.text("Env steps to the optimum: median, IQM, mean", at: Point(frame.minX, frame.minY - 14), size: 22, bold: true, vertical: .bottom)
        canvas.text("environment steps (censored runs at their budget)", at: Point(frame.center.x, frame.maxY + 42), size: 20,
                    horizontal: .center, vertical: .top)
        for (row, intervals) in statistics.enumerated() where intervals.count == 3 {
            let center = rows - Double(row) - 0.5
            let name = summary.settings[row].name
            canvas.text(name, at: Point(frame.minX + 10, axes.map(0, center + 0.5).y + 4), size: 16, color: colors[row], vertical: .top)
            for (index, interval) in intervals.enumerated() where interval.point.isFinite {
                let y = center - 0.1 + (1 - Double(index)) * 0.2
                let low = axes.map(interval.low, y), highPoint = axes.map(interval.high, y), point = axes.map(interval.point, y)
                canvas.line(low, highPoint, color: colors[row], width: 4)
                switch index {
                case 0: canvas.circle(point, radius: 7, fill: .white, stroke: colors[row], width: 3)
                case 1: canvas.circle(point, radius: 7, fill: colors[row], stroke: .white, width: 1.5)
                default: canvas.rectangle(Rect(point.x - 6, point.y - 6, 12, 12), fill: colors[row], stroke: .white, width: 1.5)
                }
            }
        }
        canvas.text("○ median   ● IQM   ■ mean", at: Point(frame.maxX - 10, frame.minY + 10), size: 17, color: Palette.mutedText,
                    horizontal: .right, vertical: .top)
    }

    /// Writes the figure with its provenance (the sweep file's digest and
    /// each run's final weights' digest) in tEXt chunks and no timestamp.
    public static func write(_ summary: SweepSummary, plan: SweepPlan, to path: String) throws {
        let canvas = try render(summary)
        let inputs = summary.outcomes.map { "\($0.relativePath) final weights sha256:\($0.finalWeightsSHA256)" }
        let text = [("Title", "Sweep \(summary.name): sample efficiency, runs at the optimum, performance profile, aggregate estimates"),
                    ("Software", "GridGRPO sweep"), ("gridgrpo.schema", "gridgrpo.figure"), ("gridgrpo.schema_version", "1"),
                    ("gridgrpo.figure", "sweep"), ("gridgrpo.sweep_file_sha256", plan.sweep.digest),
                    ("gridgrpo.inputs", inputs.joined(separator: "\n"))]
        try canvas.writePNG(to: path, text: text.map { (key: $0.0, value: $0.1) })
    }
}
