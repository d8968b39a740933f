import Foundation
import GridGRPO

/// `make label-efficiency`: runs with a learned reward over several seeds,
/// grouped by method (algorithm, labeller, query selection): the share of
/// start configurations the greedy policy solves optimally against the labels
/// spent, and a table of the labels each seed needed to the optimum.
public enum LabelEfficiencyComparison {
    public struct Run {
        public var method: String
        public var seed: UInt64
        public var labels: [Double] = []
        public var optimal: [Double] = []
        public var firstOptimal: (labels: Int, iteration: Int)?
        public var inputs: [Provenance.Input] = []
    }

    public static func methodName(_ config: PipelineConfig) -> String {
        let preference = config.preference
        let algorithm = config.algorithm == .grpo ? "GRPO" : "blog"
        let labeller = preference.source == .file ? "person"
            : "β " + (preference.beta.map { $0.configText } ?? "∞") + ", ε " + preference.errorRate.configText
        return "\(algorithm), \(labeller), \(preference.selection.rawValue)"
    }

    public static func loadRun(_ directory: String) throws -> Run {
        let configPath = directory + "/config.yaml"
        let config = try PipelineConfig.loadInput(path: configPath)
        guard config.preference.learnsReward else { throw GridGRPOError("\(configPath): preference.source is return: no labels to count") }
        // A sweep's run (SETTING/seed-N) is named by its setting too: two
        // settings may differ in keys the method's name does not show.
        let components = directory.split(separator: "/")
        let setting = components.count >= 2 && components[components.count - 1].hasPrefix("seed-") ? String(components[components.count - 2]) : nil
        var run = Run(method: (setting.map { $0 + ": " } ?? "") + methodName(config), seed: config.seed)
        run.inputs.append(try .input("config", path: configPath))
        let paths = (0...config.iterations).map { "\(directory)/\(StageGraph.iterationDirectory($0))/eval.h5" }
        let history = try PreferenceHistory(config: config, evaluationPaths: paths, rewardPaths: [])
        run.labels = history.labelsSpent.map(Double.init)
        run.optimal = history.optimalFraction
        run.firstOptimal = history.labelsToOptimum
        run.inputs += history.inputs
        return run
    }

    /// The value of a run's curve at x: that of the last iteration reached by x.
    static func value(_ xs: [Double], _ ys: [Double], at x: Double) -> Double {
        var result = ys.first ?? 0
        for (index, position) in xs.enumerated() where position <= x && index < ys.count { result = ys[index] }
        return result
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    public static func render(runs: [Run]) throws -> Canvas {
        let canvas = try Canvas(width: 1600, height: 900)
        let methods = Array(Set(runs.map(\.method))).sorted()
        let seeds = Set(runs.map(\.seed)).sorted()
        canvas.text("Label efficiency: configurations solved optimally against labels spent", at: Point(40, 30), size: 30, bold: true, vertical: .top)
        canvas.text("line: median over seeds \(seeds.map(String.init).joined(separator: ", ")) · band: min–max · greedy policy, exhaustive evaluation on the true reward",
                    at: Point(40, 74), size: 20, color: Palette.mutedText, vertical: .top)
        let xMax = max(1, runs.compactMap { $0.labels.last }.max() ?? 1)
        let axes = Axes(frame: Rect(160, 170, 1360, 600), x: 0...xMax, y: 0...100)
        axes.drawFrame(on: canvas, title: "Greedy policy optimal from …", xLabel: "labels spent", yLabel: "% of start configurations",
                       yFormat: { String(format: "%.0f%%", $0) })
        let grid = (0...400).map { xMax * Double($0) / 400 }
        for (index, method) in methods.enumerated() {
            let color = Palette.series[index % Palette.series.count]
            let curves = runs.filter { $0.method == method }.map { run in
                grid.map { x in value(run.labels, run.optimal, at: x) * 100 }
            }
            let low = grid.indices.map { i in curves.map { $0[i] }.min() ?? 0 }
            let high = grid.indices.map { i in curves.map { $0[i] }.max() ?? 0 }
            canvas.withClip(axes.frame) {
                canvas.polygon(zip(grid, high).map { axes.map($0, $1) } + zip(grid, low).reversed().map { axes.map($0, $1) }, fill: color.with(alpha: 0.18))
            }
            axes.plot(grid, grid.indices.map { i in median(curves.map { $0[i] }) }, on: canvas, color: color, width: 3.5)
        }
        axes.legend(methods.enumerated().map { .init($0.element, Palette.series[$0.offset % Palette.series.count]) }, on: canvas, corner: .bottomRight)
        return canvas
    }

    public static func table(runs: [Run]) -> String {
        let methods = Array(Set(runs.map(\.method))).sorted()
        let seeds = Set(runs.map(\.seed)).sorted()
        var lines = ["| method | seeds at the optimum | labels to optimum, median (min–max) | iterations to optimum | "
                     + seeds.map { "seed \($0)" }.joined(separator: " | ") + " |",
                     "|---|---:|---:|---:|" + seeds.map { _ in "---:|" }.joined()]
        for method in methods {
            let members = runs.filter { $0.method == method }
            let reached = members.compactMap(\.firstOptimal)
            let labels = reached.map { Double($0.labels) }, iterations = reached.map { Double($0.iteration) }
            func summary(_ values: [Double]) -> String {
                values.isEmpty ? "–" : String(format: "%.0f (%.0f–%.0f)", median(values), values.min() ?? 0, values.max() ?? 0)
            }
            let perSeed = seeds.map { seed -> String in
                guard let run = members.first(where: { $0.seed == seed }) else { return "" }
                return run.firstOptimal.map { "\($0.labels)" } ?? "not within \(Int(run.labels.last ?? 0))"
            }
            lines.append("| \(method) | \(reached.count)/\(members.count) | \(summary(labels)) | \(summary(iterations)) | " + perSeed.joined(separator: " | ") + " |")
        }
        lines += ["", "Labels to optimum: the labels spent up to the first iteration whose greedy policy was optimal from every start configuration (labels_spent of that eval.h5)."]
        return lines.joined(separator: "\n") + "\n"
    }

    public static func build(runDirectories: [String], output: String, tableOutput: String) throws -> String {
        guard !runDirectories.isEmpty else { throw GridGRPOError("no runs given") }
        let runs = try runDirectories.sorted().map(loadRun)
        let canvas = try render(runs: runs)
        let text = [("Title", "Configurations solved optimally against labels spent, per method over seeds"),
                    ("Software", "GridGRPO plot"), ("gridgrpo.schema", "gridgrpo.figure"), ("gridgrpo.schema_version", "1"),
                    ("gridgrpo.figure", "label_efficiency"),
                    ("gridgrpo.inputs", runs.flatMap(\.inputs).map { "\($0.name) sha256:\($0.sha256)" }.joined(separator: "\n"))]
        try canvas.writePNG(to: output, text: text.map { (key: $0.0, value: $0.1) })
        let table = self.table(runs: runs)
        try AtomicFile.write(Data(table.utf8), to: tableOutput)
        return "plot       " + URL(fileURLWithPath: output).lastPathComponent + "  \(runs.count) runs\n" + table
    }
}
