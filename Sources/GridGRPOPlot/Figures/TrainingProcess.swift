import Foundation
import GridGRPO

/// `training_process.png`: the pipeline's stage graph, computed from
/// the stage registry (`Stage`) and `StageGraph.plots` (what the Makefile
/// rules are generated from), with each edge labelled by the artifact it carries.
public enum TrainingProcessFigure {
    public static let caption = "The pipeline's stage graph and the artifact files on its edges"

    /// A data dependency: `consumer` reads `file` written by `producer`.
    public struct Edge: Equatable {
        public var producer: String
        public var consumer: String
        public var files: [String]
        /// The consumer reads the producer's output of the previous iteration.
        public var previousIteration: Bool
    }

    /// Nodes in stage-list order (the run's stages), then `plot`.
    public static func nodes(_ config: PipelineConfig) -> [String] {
        Stage.stages(of: config).map(\.rawValue) + ["plot"]
    }

    /// The edges of the generic iteration n ≥ 1 (and of initialize, for n = 0 → 1),
    /// merged per (producer, consumer, previous-iteration).
    public static func edges(_ config: PipelineConfig) -> [Edge] {
        let algorithm = config.algorithm, stages = Stage.stages(of: config)
        var result: [Edge] = []
        func add(_ producer: String, _ consumer: String, _ file: String, previous: Bool) {
            if let index = result.firstIndex(where: { $0.producer == producer && $0.consumer == consumer && $0.previousIteration == previous }) {
                if !result[index].files.contains(file) { result[index].files.append(file) }
            } else {
                result.append(Edge(producer: producer, consumer: consumer, files: [file], previousIteration: previous))
            }
        }
        for consumer in stages {
            for input in consumer.inputs(for: config) {
                let file = input.file(for: algorithm)
                if input.role == .reference {
                    // π_ref: the weights of an earlier iteration (initial, or refreshed every R)
                    add(Stage.initialize.rawValue, consumer.rawValue, file + " (reference)", previous: false)
                    continue
                }
                // A person's labels come from outside the DAG (make label-by-hand).
                if input.role == .hand { continue }
                // Producers of this file: in iteration n (offset 0) or n−1 (offset −1).
                for producer in stages where producer.output(for: algorithm) == file {
                    let sameIteration = input.iterationOffset == 0
                    if !producer.runs(at: 1) {
                        // initialize feeds iteration 1 through offset −1, and iteration 0's own stages through offset 0
                        let feeds = sameIteration ? consumer.runs(at: 0) : consumer.runs(at: 1)
                        if feeds && producer != consumer { add(producer.rawValue, consumer.rawValue, file, previous: false) }
                    } else if consumer.runs(at: 1) || !sameIteration {
                        add(producer.rawValue, consumer.rawValue, file, previous: !sameIteration)
                    }
                }
            }
        }
        for plot in StageGraph.plots(for: config) where plot.output.hasPrefix("figures/") {
            for input in plot.reads {
                switch input {
                case .best: add(Stage.checkpoint.rawValue, "plot", "best.h5", previous: false)
                case .outputs(let stage, _, let part):
                    add(stage.rawValue, "plot", stage.output(for: algorithm) + part + " (all)", previous: false)
                case .final(let stage, _):
                    add(stage.rawValue, "plot", stage.output(for: algorithm) + " (last)", previous: false)
                default: break
                }
            }
        }
        return result
    }

    public static func render(config: PipelineConfig) throws -> Canvas {
        // A run with a learned reward has two more stages and longer arcs above them.
        let learned = config.preference.learnsReward
        let canvas = try Canvas(width: 2400, height: learned ? 1320 : 1080)
        canvas.text("The training process: one make rule per stage and iteration", at: Point(40, 30), size: 30, bold: true, vertical: .top)
        let iterationStages = Stage.stages(of: config).filter { $0.runs(at: 1) }.map(\.rawValue).joined(separator: " → ")
        canvas.text("iteration 0: initialize → evaluate → checkpoint; iterations 1…\(config.iterations): \(iterationStages); then plot",
                    at: Point(40, 74), size: 20, color: Palette.mutedText, vertical: .top)
        let names = nodes(config)
        let stages = Dictionary(uniqueKeysWithValues: Stage.allCases.map { ($0.rawValue, $0) })
        let boxWidth = 250.0, boxHeight = 150.0
        let spacing = (Double(canvas.width) - 80 - boxWidth) / Double(names.count - 1)
        let rowY = learned ? 760.0 : 540.0
        func box(_ index: Int) -> Rect { Rect(40 + Double(index) * spacing, rowY - boxHeight / 2, boxWidth, boxHeight) }
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, $0.offset) })

        var labels: [(Point, String, Color)] = []
        for edge in edges(config) {
            guard let from = index[edge.producer], let to = index[edge.consumer] else { continue }
            let fromInitialize = stages[edge.producer].map { !$0.runs(at: 1) } == true
            let files = edge.files.filter { !$0.hasSuffix("(reference)") || edge.files.count == 1 }
            let label = files.map { $0.hasSuffix("(reference)") ? $0 : $0 + (edge.previousIteration ? "  (n−1)" : fromInitialize ? " (iter 0)" : "") }
                .joined(separator: ", ")
            let source = box(from), target = box(to)
            if edge.previousIteration {
                let color = Palette.series[3]
                if from == to {
                    let start = Point(source.center.x + 45, source.maxY), end = Point(source.center.x - 45, source.maxY)
                    canvas.curve(start, Point(start.x + 60, start.y + 150), Point(end.x - 60, end.y + 150), end,
                                 color: color, width: 2.5, dash: [9, 6], arrowHead: 16)
                    labels.append((Point(source.center.x, source.maxY + 125), label, color))
                } else {
                    let span = Double(abs(to - from))
                    let depth = 150 + 90 * span
                    let start = Point(source.minX + 25, source.maxY), end = Point(target.center.x + 20, target.maxY)
                    canvas.curve(start, Point(start.x, start.y + depth), Point(end.x, end.y + depth), end,
                                 color: color, width: 2.5, dash: [9, 6], arrowHead: 16)
                    labels.append((Point((start.x + end.x) / 2, source.maxY + depth * 0.75), label, color))
                }
            } else if to == from + 1 {
                canvas.arrow(Point(source.maxX + 4, rowY), Point(target.minX - 4, rowY), color: Palette.axis, width: 2.5, head: 16)
                // between adjacent boxes: the file above the arrow, any qualifier below it
                let middle = (source.maxX + target.minX) / 2
                let parts = label.components(separatedBy: " (")
                labels.append((Point(middle, rowY - 18), parts[0], Palette.text))
                if parts.count > 1 { labels.append((Point(middle, rowY + 20), "(" + parts[1], Palette.text)) }
            } else {
                let span = Double(to - from)
                let height = 60 + 62 * span
                let start = Point(source.center.x + 30, source.minY), end = Point(target.center.x - 30, target.minY)
                canvas.curve(start, Point(start.x, start.y - height), Point(end.x, end.y - height), end,
                             color: Palette.axis.with(alpha: 0.8), width: 2.5, arrowHead: 16)
                labels.append((Point((start.x + end.x) / 2, source.minY - height * 0.75), label, Palette.text))
            }
        }
        for (position, name) in names.enumerated() {
            let rect = box(position)
            let isPlot = name == "plot", isInit = stages[name].map { !$0.runs(at: 1) } == true
            let fill = isPlot ? Color(hex: 0xfff4e5) : isInit ? Color(hex: 0xeef6ee) : Color(hex: 0xe8f0fa)
            canvas.rectangle(rect, fill: fill, stroke: Palette.axis, width: 2.5, radius: 14)
            canvas.text(name, at: Point(rect.center.x, rect.minY + 18), size: 26, bold: true, horizontal: .center, vertical: .top)
            let executable = stages[name].map { $0.executable + ($0.selector.map { " " + $0 } ?? "") } ?? "plot"
            canvas.text(executable, at: Point(rect.center.x, rect.minY + 58), size: 18, color: Palette.mutedText, monospace: true,
                        horizontal: .center, vertical: .top)
            let output = stages[name].map { "→ " + $0.output(for: config.algorithm) } ?? "→ figures, report"
            canvas.text(output, at: Point(rect.center.x, rect.maxY - 22), size: 19, monospace: true, horizontal: .center, vertical: .bottom)
        }
        for (point, text, color) in labels {
            let width = canvas.textWidth(text, size: 17, monospace: true)
            canvas.rectangle(Rect(point.x - width / 2 - 6, point.y - 14, width + 12, 28), fill: Color.white.with(alpha: 0.9), radius: 5)
            canvas.text(text, at: point, size: 17, color: color, monospace: true, horizontal: .center, vertical: .middle)
        }
        let legendY = Double(canvas.height) - 50
        canvas.line(Point(40, legendY), Point(110, legendY), color: Palette.axis, width: 2.5)
        canvas.text("same iteration n", at: Point(122, legendY), size: 19, vertical: .middle)
        canvas.line(Point(360, legendY), Point(430, legendY), color: Palette.series[3], width: 2.5, dash: [9, 6])
        canvas.text("read by iteration n from iteration n−1", at: Point(442, legendY), size: 19, vertical: .middle)
        canvas.text("every stage also reads config.yaml", at: Point(900, legendY), size: 19, color: Palette.mutedText, vertical: .middle)
        return canvas
    }
}
