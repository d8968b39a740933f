import Foundation
import Testing
@testable import GridGRPO
@testable import GridGRPOPlot

@Suite("Plotting: ticks, pixels, PNG chunks, figures")
struct PlotTests {
    @Test func niceTicksAreRoundNumbersCoveringTheRange() {
        #expect(niceTicks(0, 10, target: 6) == [0, 2, 4, 6, 8, 10])
        #expect(niceTicks(0, 1, target: 5) == [0, 0.25, 0.5, 0.75, 1])
        #expect(niceTicks(-0.45, 1.24, target: 6) == [0, 0.5, 1.0])
        #expect(niceTicks(3, 97, target: 6) == [20, 40, 60, 80])
        #expect(tickLabel(0.25, step: 0.25) == "0.25")
        #expect(tickLabel(40, step: 20) == "40")
        let range = niceRange(-9.1, 0.82)
        #expect(range.lowerBound <= -9.1 && range.upperBound >= 0.82)
    }

    func isClose(_ pixel: (red: UInt8, green: UInt8, blue: UInt8), _ color: Color, tolerance: Int = 12) -> Bool {
        abs(Int(pixel.red) - Int((color.red * 255).rounded())) <= tolerance
            && abs(Int(pixel.green) - Int((color.green * 255).rounded())) <= tolerance
            && abs(Int(pixel.blue) - Int((color.blue * 255).rounded())) <= tolerance
    }

    @Test func aCurvesPixelsLieWhereTheDataSay() throws {
        let canvas = try Canvas(width: 600, height: 400)
        let axes = Axes(frame: Rect(100, 50, 400, 300), x: 0...10, y: 0...10)
        canvas.rectangle(axes.frame, fill: Palette.panel)
        let red = Palette.series[3]
        axes.plot([0, 5, 10], [2, 8, 2], on: canvas, color: red, width: 4)
        let path = temporaryDirectory("curve") + "/curve.png"
        try canvas.writePNG(to: path, text: [])
        let png = try DecodedPNG(path: path)
        #expect(png.width == 600 && png.height == 400)
        // on the curve: the data points and the midpoint of a segment, mapped by hand
        // x = 100 + x/10·400, y = 350 − y/10·300
        let onCurve: [(Double, Double)] = [(200, 200), (300, 110), (499, 289)]  // (2.5, 5), (5, 8), (10, 2) mapped
        for (x, y) in onCurve {
            #expect(isClose(png.pixel(Int(x), Int(y)), red), "(\(x), \(y)) should be on the curve")
        }
        // off the curve: the panel background
        #expect(isClose(png.pixel(300, 300), Palette.panel))
        #expect(isClose(png.pixel(150, 100), Palette.panel))
        // outside the frame: white
        #expect(isClose(png.pixel(20, 20), .white))
    }

    @Test func textIsRenderedWithRealGlyphs() throws {
        let canvas = try Canvas(width: 400, height: 120)
        canvas.text("GridGRPO 123", at: Point(20, 60), size: 40, color: .black, bold: true, vertical: .middle)
        let width = canvas.textWidth("GridGRPO 123", size: 40, bold: true)
        #expect(width > 200 && width < 380)
        let path = temporaryDirectory("text") + "/text.png"
        try canvas.writePNG(to: path, text: [])
        let png = try DecodedPNG(path: path)
        func dark(in xs: Range<Int>, _ ys: Range<Int>) -> Int {
            var count = 0
            for y in ys { for x in xs where png.pixel(x, y).red < 100 { count += 1 } }
            return count
        }
        let inside = dark(in: 20..<(20 + Int(width)), 35..<85)
        #expect(inside > 800, "glyph pixels: \(inside)")
        #expect(dark(in: 0..<400, 95..<120) == 0)
        #expect(dark(in: 0..<400, 0..<25) == 0)
        // antialiased: some pixels are neither background nor ink
        var grey = 0
        for y in 35..<85 { for x in 20..<(20 + Int(width)) where (60..<200).contains(png.pixel(x, y).red) { grey += 1 } }
        #expect(grey > 50)
    }

    /// PNG chunk types read straight from the file bytes.
    func chunkTypes(_ path: String) throws -> [String] {
        let bytes = try #require(FileManager.default.contents(atPath: path)).map { $0 }
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var types: [String] = []
        var offset = 8
        while offset + 8 <= bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            types.append(String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self))
            offset += 12 + length
        }
        return types
    }

    @Test func provenanceGoesInTextChunksAndThereIsNoTimestamp() throws {
        let canvas = try Canvas(width: 50, height: 40)
        canvas.circle(Point(25, 20), radius: 10, fill: Palette.agent)
        let directory = temporaryDirectory("chunks")
        let text = [(key: "gridgrpo.config_digest", value: "sha256:abc"), (key: "gridgrpo.inputs", value: "a.h5 sha256:1\nb.h5 sha256:2")]
        try canvas.writePNG(to: directory + "/a.png", text: text)
        try canvas.writePNG(to: directory + "/b.png", text: text)
        let types = try chunkTypes(directory + "/a.png")
        #expect(types.first == "IHDR" && types.last == "IEND")
        #expect(types.filter { $0 == "tEXt" }.count == 2)
        #expect(!types.contains("tIME"))
        let decoded = try DecodedPNG(path: directory + "/a.png")
        #expect(decoded.text == ["gridgrpo.config_digest": "sha256:abc", "gridgrpo.inputs": "a.h5 sha256:1\nb.h5 sha256:2"])
        #expect(FileManager.default.contents(atPath: directory + "/a.png") == FileManager.default.contents(atPath: directory + "/b.png"))
    }

    func smallRun(_ algorithm: PipelineConfig.Algorithm = .preference) throws -> SmallRun {
        try SmallRun(algorithm: algorithm)
    }

    @Test func trainingResultsDrawsTheDataWhereItBelongsAndRerunsIdentically() throws {
        let run = try smallRun()
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let a = run.directory + "/figures/a.png", b = run.directory + "/figures/b.png"
        _ = try Figures.trainingResults(configPath: run.config, evaluationPaths: run.evaluations, weightsPaths: run.weights, bestPath: run.best, output: a)
        _ = try Figures.trainingResults(configPath: run.config, evaluationPaths: run.evaluations.reversed(), weightsPaths: run.weights, bestPath: run.best, output: b)
        #expect(FileManager.default.contents(atPath: a) == FileManager.default.contents(atPath: b))
        let png = try DecodedPNG(path: a)
        #expect(png.width == 2000 && png.height == 1200)
        #expect(png.text["gridgrpo.figure"] == "training_results")
        #expect(png.text["gridgrpo.inputs"]?.contains("iter-0002/eval.h5 sha256:\(try SHA256.hex(ofFile: run.evaluations[2]))") == true)

        // The success-rate curve passes through each iteration's measured value.
        let config = try PipelineConfig.load(path: run.config)
        let history = try RunHistory(config: config, evaluationPaths: run.evaluations, weightsPaths: run.weights, bestPath: run.best)
        let panels = TrainingResultsFigure.layout(history: history, width: 2000)
        for (index, iteration) in history.iterations.enumerated() where iteration > 0 && iteration < 3 {
            let point = panels.success.map(Double(iteration), history.evaluations[index].successRate * 100)
            let pixel = png.pixel(Int(point.x.rounded()), Int(point.y.rounded()))
            let green = Palette.series[2], purple = Palette.series[4]
            #expect(isClose(pixel, green, tolerance: 40) || isClose(pixel, purple, tolerance: 40),
                    "iteration \(iteration): pixel \(pixel) at \(point) is not on the success curves")
        }
    }

    @Test(arguments: PipelineConfig.Algorithm.allCases)
    func everyFigureRendersForEitherAlgorithm(_ algorithm: PipelineConfig.Algorithm) throws {
        let run = try smallRun(algorithm)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        for figure in Figures.BestFigure.allCases {
            let path = run.directory + "/figures/\(figure.rawValue).png"
            _ = try Figures.fromBest(figure, configPath: run.config, bestPath: run.best, output: path)
            let png = try DecodedPNG(path: path)
            #expect(png.width >= 1600)
            #expect(png.text["gridgrpo.figure"] == figure.rawValue)
        }
        _ = try Figures.trainingProcess(configPath: run.config, output: run.directory + "/figures/process.png")
        #expect(try DecodedPNG(path: run.directory + "/figures/process.png").width == 2400)
        _ = try Figures.trainingResults(configPath: run.config, evaluationPaths: run.evaluations, weightsPaths: run.weights,
                                        bestPath: run.best, output: run.directory + "/figures/results.png")
        _ = try Report.build(configPath: run.config, evaluationPaths: run.evaluations, weightsPaths: run.weights, bestPath: run.best,
                             figurePaths: [run.directory + "/figures/results.png"], recordsPath: nil, output: run.directory + "/report.html")
        let report = try String(contentsOfFile: run.directory + "/report.html", encoding: .utf8)
        #expect(report.contains(algorithm == .grpo ? "Group Relative Policy Optimization" : "preference pairs"))
    }

    @Test func theProcessGraphComesFromTheStageList() {
        func holds(_ edges: [TrainingProcessFigure.Edge], _ producer: String, _ consumer: String, _ file: String,
                   previous: Bool) -> Bool {
            edges.contains { $0.producer == producer && $0.consumer == consumer && $0.files.contains(file) && $0.previousIteration == previous }
        }
        let edges = TrainingProcessFigure.edges(PipelineConfig())
        func has(_ producer: String, _ consumer: String, _ file: String, previous: Bool) -> Bool {
            holds(edges, producer, consumer, file, previous: previous)
        }
        #expect(has("rollout", "pair", "rollout.h5", previous: false))
        #expect(has("pair", "update", "pairs.h5", previous: false))
        #expect(has("update", "rollout", "weights.h5", previous: true))
        #expect(has("update", "update", "weights.h5", previous: true))
        #expect(has("checkpoint", "checkpoint", "best.h5", previous: true))
        #expect(has("initialize", "rollout", "weights.h5", previous: false))
        #expect(has("evaluate", "plot", "eval.h5 (all)", previous: false))
        #expect(!edges.contains { $0.producer == "rollout" && $0.previousIteration })
        #expect(!edges.contains { $0.producer == "label" || $0.consumer == "reward" })

        // with a learned reward: rollout → label → reward → pair and update, labels and models carried over
        var config = PipelineConfig()
        config.preference.source = .labeller
        config.preference.selection = .disagreement
        let learned = TrainingProcessFigure.edges(config)
        func hasLearned(_ producer: String, _ consumer: String, _ file: String, previous: Bool) -> Bool {
            holds(learned, producer, consumer, file, previous: previous)
        }
        #expect(hasLearned("rollout", "label", "rollout.h5", previous: false))
        #expect(hasLearned("label", "reward", "labels.h5", previous: false))
        #expect(hasLearned("label", "label", "labels.h5", previous: true))
        #expect(hasLearned("reward", "label", "reward.h5", previous: true))
        #expect(hasLearned("reward", "pair", "reward.h5", previous: false))
        #expect(hasLearned("reward", "update", "reward.h5", previous: false))
        #expect(hasLearned("label", "evaluate", "labels.h5", previous: false))
        #expect(TrainingProcessFigure.nodes(config) == ["initialize", "rollout", "label", "reward", "pair", "update", "evaluate", "checkpoint", "plot"])
    }

    /// A run with a learned reward draws its two figures and a report section.
    @Test func thePreferenceFiguresAndReportSection() throws {
        let run = try SmallRun(algorithm: .preference, learned: true)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let map = run.directory + "/figures/reward_map.png", curves = run.directory + "/figures/preferences.png"
        _ = try Figures.rewardMap(configPath: run.config, rewardPath: run.rewards.last ?? "", output: map)
        _ = try Figures.preferences(configPath: run.config, evaluationPaths: run.evaluations, rewardPaths: run.rewards, output: curves)
        for (path, name) in [(map, "reward_map"), (curves, "preferences")] {
            let png = try DecodedPNG(path: path)
            #expect(png.width >= 1600 && png.text["gridgrpo.figure"] == name)
        }
        // the true reward's +1 for the move onto the goal is the darkest blue of the top row:
        // goal 0 of the 3×3 grid, the move left from cell 1 is the left triangle of the second cell
        let png = try DecodedPNG(path: map)
        let pixel = png.pixel(130 + 120 + 20, 190 + 60)
        #expect(isClose(pixel, Palette.positive, tolerance: 30), "\(pixel)")
        _ = try Report.build(configPath: run.config, evaluationPaths: run.evaluations, weightsPaths: run.weights, bestPath: run.best,
                             figurePaths: [curves], recordsPath: nil, rewardPaths: run.rewards, output: run.directory + "/report.html")
        let report = try String(contentsOfFile: run.directory + "/report.html", encoding: .utf8)
        #expect(report.contains("Preferences: learning the reward from labels") && report.contains("held-out accuracy"))
        let history = try PreferenceHistory(config: try PipelineConfig.load(path: run.config), evaluationPaths: run.evaluations, rewardPaths: run.rewards)
        #expect(history.labelsSpent == [0, 6, 12, 18] && history.rewardIterations == [1, 2, 3])
    }

    @Test func badInputIsAClearErrorAndNoFigure() throws {
        let run = try smallRun()
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let output = run.directory + "/figures/bad.png"
        #expect(throws: GridGRPOError("no eval.h5 files given: the run is empty (run `make` first)")) {
            try Figures.trainingResults(configPath: run.config, evaluationPaths: [], weightsPaths: [], bestPath: run.best, output: output)
        }
        // iteration 0's weights have no update metrics
        #expect(throws: GridGRPOError("\(run.directory)/iter-0000/weights.h5: has no /metrics group (initial weights carry none; pass the weights of iterations 1 and later)")) {
            try Figures.trainingResults(configPath: run.config, evaluationPaths: run.evaluations,
                                        weightsPaths: [run.directory + "/iter-0000/weights.h5"], bestPath: run.best, output: output)
        }
        #expect(throws: GridGRPOError("no weights.h5 with update metrics given for iteration 1")) {
            try Figures.trainingResults(configPath: run.config, evaluationPaths: run.evaluations, weightsPaths: [], bestPath: run.best, output: output)
        }
        #expect(throws: GridGRPOError("\(run.evaluations[1]): is a 'gridgrpo.evaluation' file, expected 'gridgrpo.best'")) {
            try Figures.fromBest(.policyMap, configPath: run.config, bestPath: run.evaluations[1], output: output)
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
