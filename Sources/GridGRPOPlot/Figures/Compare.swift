import Foundation
import GridGRPO

/// `make compare`: the blog's method, GRPO and Dr. GRPO over several seeds.
/// Reads each run's config, every iteration's eval.h5 summary and rollout.h5
/// step count, and the stages' own wall times in its stages.jsonl.
public enum Comparison {
    /// One run's learning curve against environment steps and training seconds.
    public struct Run {
        public var directory: String
        public var method: String
        public var seed: UInt64
        /// Per iteration 0…N: cumulative environment steps and training seconds
        /// (rollout + pair + update stage times) up to it, and its evaluation.
        public var steps: [Double] = []
        public var seconds: [Double] = []
        public var successRate: [Double] = []
        public var optimalityGap: [Double] = []
        public var optimalFraction: [Double] = []
        public var firstOptimal: Int?
        /// The world, as the figure's title names it ("5×5 grid world").
        public var world = ""
        public var inputs: [Provenance.Input] = []
    }

    /// The method's name as the figure and table show it.
    public static func methodName(_ config: PipelineConfig) -> String {
        switch config.algorithm {
        case .preference: return "blog (preference + PPO)"
        case .grpo:
            switch (config.grpo.scale, config.grpo.lossAggregation) {
            case (.group, .sequenceMean): return "GRPO"
            case (.none, .constant): return "Dr. GRPO"
            case (let scale, let aggregation): return "GRPO (\(scale.rawValue), \(aggregation.rawValue))"
            }
        }
    }

    public static func loadRun(_ directory: String) throws -> Run {
        let configPath = directory + "/config.yaml"
        let config = try PipelineConfig.loadInput(path: configPath)
        let curves = try RunCurves.load(directory: directory, config: config)
        var run = Run(directory: directory, method: methodName(config), seed: config.seed)
        run.world = WorldPicks.name(config.world)
        run.steps = curves.steps
        run.seconds = curves.seconds
        run.successRate = curves.successRate
        run.optimalityGap = curves.optimalityGap
        run.firstOptimal = curves.firstOptimal
        run.inputs = [try .input("config", path: configPath)] + (try curves.evaluationPaths.map { try .input("evaluation", path: $0) })
        return run
    }

    /// The value of a run's curve at x: that of the last iteration reached by x.
    static func value(_ xs: [Double], _ ys: [Double], at x: Double) -> Double {
        var result = ys[0]
        for (index, position) in xs.enumerated() where position <= x { result = ys[index] }
        return result
    }

    /// Methods in a fixed order: the blog's first, then GRPO, then its variants.
    static func methods(_ runs: [Run]) -> [String] {
        let known = ["blog (preference + PPO)", "GRPO", "Dr. GRPO"]
        let names = Set(runs.map(\.method))
        return known.filter(names.contains) + names.subtracting(known).sorted()
    }

    public static func render(runs: [Run]) throws -> Canvas {
        let canvas = try Canvas(width: 2000, height: 1250)
        let methods = self.methods(runs)
        let seeds = Set(runs.map(\.seed)).sorted()
        let worlds = Set(runs.map(\.world)).sorted().joined(separator: ", ")
        canvas.text("The blog's method, GRPO and Dr. GRPO on the \(worlds)", at: Point(40, 30), size: 30, bold: true, vertical: .top)
        canvas.text("line: median over seeds \(seeds.map(String.init).joined(separator: ", ")) · band: min–max · exhaustive greedy evaluation over all start configurations",
                    at: Point(40, 74), size: 20, color: Palette.mutedText, vertical: .top)
        let left = 150.0, gap = 200.0, top = 170.0, height = 390.0, vGap = 170.0
        let width = (Double(canvas.width) - left - gap - 50) / 2
        let panels: [(x: KeyPath<Run, [Double]>, y: KeyPath<Run, [Double]>, title: String, xLabel: String, yLabel: String, percent: Bool)] = [
            (\.steps, \.successRate, "Success rate vs environment steps", "environment steps", "success rate", true),
            (\.seconds, \.successRate, "Success rate vs training seconds", "seconds (rollout + pair + update)", "success rate", true),
            (\.steps, \.optimalityGap, "Optimality gap vs environment steps", "environment steps", "mean optimality gap", false),
            (\.seconds, \.optimalityGap, "Optimality gap vs training seconds", "seconds (rollout + pair + update)", "mean optimality gap", false),
        ]
        for (index, panel) in panels.enumerated() {
            let frame = Rect(left + Double(index % 2) * (width + gap), top + Double(index / 2) * (height + vGap), width, height)
            // Show up to half as far again as the slowest run needed to reach the optimum.
            let longest = runs.map { $0[keyPath: panel.x].last ?? 0 }.max() ?? 1
            let reached = runs.compactMap { run in run.firstOptimal.map { run[keyPath: panel.x][$0] } }
            let xMax = reached.count == runs.count ? min(longest, 1.5 * (reached.max() ?? longest)) : longest
            let yMax = panel.percent ? 1.0 : (runs.flatMap { $0[keyPath: panel.y] }.max() ?? 1)
            let axes = Axes(frame: frame, x: 0...max(xMax, 1e-9), y: panel.percent ? 0...1 : 0...niceRange(0, yMax).upperBound)
            axes.drawFrame(on: canvas, title: panel.title, xLabel: panel.xLabel, yLabel: panel.yLabel,
                           yFormat: panel.percent ? { String(format: "%.0f%%", $0 * 100) } : nil)
            let grid = (0...300).map { xMax * Double($0) / 300 }
            for (methodIndex, method) in methods.enumerated() {
                let color = Palette.series[methodIndex % Palette.series.count]
                let members = runs.filter { $0.method == method }
                let curves = members.map { run in grid.map { value(run[keyPath: panel.x], run[keyPath: panel.y], at: $0) } }
                let low = grid.indices.map { i in curves.map { $0[i] }.min() ?? 0 }
                let high = grid.indices.map { i in curves.map { $0[i] }.max() ?? 0 }
                let median = grid.indices.map { i -> Double in
                    let sorted = curves.map { $0[i] }.sorted()
                    return sorted.isEmpty ? 0 : sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
                }
                canvas.withClip(frame) {
                    canvas.polygon(zip(grid, high).map { axes.map($0, $1) } + zip(grid, low).reversed().map { axes.map($0, $1) },
                                   fill: color.with(alpha: 0.18))
                }
                axes.plot(grid, median, on: canvas, color: color, width: 3.5)
            }
            if index == 0 {
                axes.legend(methods.enumerated().map { .init($0.element, Palette.series[$0.offset % Palette.series.count]) },
                            on: canvas, corner: .bottomRight)
            }
        }
        return canvas
    }

    /// A Markdown table: per method, the seeds that reached the optimum and the
    /// iterations, environment steps and training seconds it took (median and
    /// range), and the best fraction of configurations solved optimally (the
    /// highest of any iteration, median and range over every seed).
    public static func table(runs: [Run]) -> String {
        let methods = self.methods(runs)
        func summary(_ values: [Double], format: String) -> String {
            guard !values.isEmpty else { return "–" }
            let sorted = values.sorted()
            let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            return String(format: "\(format) (\(format)–\(format))", median, sorted.first!, sorted.last!)
        }
        var lines = ["| method | seeds at the optimum | iterations to optimum | env steps to optimum | training seconds to optimum | best fraction optimal |",
                     "|---|---:|---:|---:|---:|---:|"]
        for method in methods {
            let members = runs.filter { $0.method == method }
            let reached = members.compactMap { run in run.firstOptimal.map { (run, $0) } }
            lines.append("| \(method) | \(reached.count)/\(members.count) | \(summary(reached.map { Double($0.1) }, format: "%.0f")) | "
                         + "\(summary(reached.map { $0.0.steps[$0.1] }, format: "%.0f")) | \(summary(reached.map { $0.0.seconds[$0.1] }, format: "%.2f")) | "
                         + "\(summary(members.map { 100 * ($0.optimalFraction.max() ?? 0) }, format: "%.1f%%")) |")
        }
        lines.append("")
        lines.append("Median (min–max) over the seeds that reached the optimum; best fraction optimal over every seed. Seconds: the rollout, pair and update stages' own wall times (stages.jsonl), process start-up and evaluation excluded.")
        return lines.joined(separator: "\n") + "\n"
    }

    public static func build(runDirectories: [String], output: String, tableOutput: String) throws -> String {
        guard !runDirectories.isEmpty else { throw GridGRPOError("no runs given to compare") }
        let runs = try runDirectories.sorted().map(loadRun)
        let canvas = try render(runs: runs)
        let text = [("Title", "Success rate and optimality gap against environment steps and training seconds, per method over seeds"),
                    ("Software", "GridGRPO plot"), ("gridgrpo.schema", "gridgrpo.figure"), ("gridgrpo.schema_version", "1"),
                    ("gridgrpo.figure", "compare"),
                    ("gridgrpo.inputs", runs.flatMap(\.inputs).map { "\($0.name) sha256:\($0.sha256)" }.joined(separator: "\n"))]
        try canvas.writePNG(to: output, text: text.map { (key: $0.0, value: $0.1) })
        let table = self.table(runs: runs)
        try AtomicFile.write(Data(table.utf8), to: tableOutput)
        return "plot       " + URL(fileURLWithPath: output).lastPathComponent + "  \(runs.count) runs\n" + table
    }
}
