import Foundation
import GridGRPO

/// `report.html`: one self-contained page that reads like an executed
/// notebook: the config, what each stage does, the figures (embedded), the
/// results, seconds per stage, and the provenance of every artifact read.
public enum Report {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
    static func number(_ value: Double) -> String { value.isFinite ? String(format: "%.4f", value) : "–" }

    /// The report's own provenance, machine-readable for `inspect --verify`:
    /// the config's digest and the SHA-256 of every file the report was made
    /// from (config.yaml, each eval.h5 and weights.h5, best.h5, each figure).
    public static let provenanceMarker = ReportProvenance.marker

    static func provenanceRecord(configPath: String, config: PipelineConfig, history: RunHistory, figurePaths: [String]) throws -> String {
        var inputs = ([try Provenance.Input.input("config", path: configPath)] + history.inputs).map {
            ReportProvenance.Input(name: $0.name, sha256: $0.sha256)
        }
        for path in figurePaths {
            inputs.append(.init(name: "figures/" + URL(fileURLWithPath: path).lastPathComponent, sha256: try SHA256.hex(ofFile: path)))
        }
        let record = ReportProvenance(configDigest: "sha256:" + config.digest, inputs: inputs)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(record), as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
        return provenanceMarker + json + "</script>\n"
    }

    public static func build(configPath: String, evaluationPaths: [String], weightsPaths: [String], bestPath: String,
                             figurePaths: [String], recordsPath: String?, rewardPaths: [String] = [], output: String) throws -> String {
        let config = try PipelineConfig.loadInput(path: configPath)
        let history = try RunHistory(config: config, evaluationPaths: evaluationPaths, weightsPaths: weightsPaths, bestPath: bestPath)
        let configText = (try? String(contentsOfFile: configPath, encoding: .utf8)) ?? ""
        var html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <title>GridGRPO run report</title>
        <style>
        body { font-family: "DejaVu Sans", system-ui, sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.5; }
        h1 { font-size: 1.8em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
        .cell { border-left: 4px solid #1f77b4; background: #f7f9fc; padding: .6em 1em; margin: 1em 0; }
        .cell .label { font-size: .8em; color: #666; font-family: "DejaVu Sans Mono", monospace; }
        pre, code { font-family: "DejaVu Sans Mono", monospace; font-size: .9em; }
        pre { background: #f4f4f4; padding: .8em; overflow-x: auto; }
        table { border-collapse: collapse; margin: .5em 0; font-size: .92em; }
        th, td { border: 1px solid #ddd; padding: .25em .6em; text-align: right; } th { background: #f0f0f0; }
        td.text, th.text { text-align: left; }
        img { max-width: 100%; border: 1px solid #eee; }
        figcaption { color: #555; font-size: .9em; margin-bottom: 1.5em; }
        details { margin: .5em 0; }
        </style></head><body>
        <h1>GridGRPO run report</h1>
        <p>\(config.algorithm == .grpo ? "Group Relative Policy Optimization (no value network)" : "The blog's preference method (preference pairs + PPO with a value network)") on the \(WorldPicks.name(config.world)),
        seed \(config.seed), \(config.iterations) iterations. Every number below was read from the run's HDF5 artifacts; every figure was rendered from them by the <code>plot</code> stage.</p>

        """

        // Config
        html += "<h2>1. Config</h2>\n<div class=\"cell\"><div class=\"label\">In [1]: cat config.yaml</div>\n"
        html += "<pre>\(escape(configText))</pre>\n"
        let world = config.world
        if world.layout != .open {
            html += "<p>The \(escape(world.layout.rawValue)) layout this config gives (seed \(config.seed); <code>.</code> floor, <code>#</code> wall, <code>~</code> lava; \(world.configurationCount) start configurations):</p>\n"
            html += "<pre>\(escape(world.map.rows.map { $0.map(String.init).joined(separator: " ") }.joined(separator: "\n")))</pre>\n"
        }
        html += "<p>Resolved config digest: <code>sha256:\(config.digest)</code> (each artifact records, as <code>config</code> and <code>config_digest</code>, only the sections its stage reads: <code>params/STAGE.json</code>).</p></div>\n"

        // Stages
        html += "<h2>2. Stages</h2>\n<div class=\"cell\"><div class=\"label\">In [2]: the stage list the Makefile is generated from</div>\n"
        html += "<table><tr><th class=\"text\">stage</th><th class=\"text\">executable</th><th class=\"text\">purpose</th><th class=\"text\">reads</th><th class=\"text\">writes</th><th>iterations</th></tr>\n"
        for stage in Stage.stages(of: config) {
            let reads = stage.inputs(for: config).map { input in
                input.role == .hand ? "\(StageInput.handDirectory)/labels-n.h5" : input.file(for: config.algorithm) + (input.iterationOffset == -1 ? " (n−1)" : "")
            }.joined(separator: ", ")
            let runs = stage.runs(at: 1) ? "\(stage.firstIteration)…\(config.iterations)" : "0"
            let executable = [stage.executable] + (stage.selector.map { [$0] } ?? [])
            html += "<tr><td class=\"text\"><b>\(stage.rawValue)</b></td><td class=\"text\"><code>\(escape(executable.joined(separator: " ")))</code></td>"
            html += "<td class=\"text\">\(escape(stage.purpose(for: config.algorithm)))</td><td class=\"text\">\(escape(reads))</td><td class=\"text\">\(stage.output(for: config.algorithm))</td><td>\(runs)</td></tr>\n"
        }
        html += "<tr><td class=\"text\"><b>plot</b></td><td class=\"text\"><code>plot …</code></td><td class=\"text\">figures and this report</td>"
        html += "<td class=\"text\">config.yaml, best.h5, eval.h5 (all), weights.h5 /metrics (all)</td><td class=\"text\">figures/*.png, report.html</td><td>after \(config.iterations)</td></tr>\n</table></div>\n"

        // Results
        let best = history.best
        html += "<h2>3. Results</h2>\n<div class=\"cell\"><div class=\"label\">In [3]: best.h5 and every eval.h5</div>\n<table>\n"
        let rows: [(String, String)] = [
            ("best iteration (highest exhaustive greedy mean return; ties keep the earlier)", "\(best.iteration)"),
            ("first iteration optimal from every start configuration", best.firstAllOptimalIteration.map(String.init) ?? "not reached"),
            ("success rate of the best policy (greedy, all \(config.world.allConfigurations().count) configurations)", percent(best.summary.successRate)),
            ("fraction of configurations solved in the fewest moves", percent(best.summary.optimalFraction)),
            ("mean return / mean optimal return", "\(number(best.summary.meanReturn)) / \(number(best.summary.meanOptimalReturn))"),
            ("mean optimality gap", number(best.summary.meanOptimalityGap)),
            ("blog's sampled average return (\(best.summary.sampledEpisodes) episodes)", number(best.summary.sampledAverageReturn)),
        ]
        for (label, value) in rows { html += "<tr><td class=\"text\">\(escape(label))</td><td>\(value)</td></tr>\n" }
        html += "</table>\n"
        if let recordsPath, let records = try? StageRecord.read(path: recordsPath) {
            let times = StageRecord.totals(records)
            if !times.isEmpty {
                html += "<p>Seconds per stage, from the stages' own timing records in <code>\(StageRecord.fileName)</code> (inside each process, start-up excluded; reruns included):</p>\n"
                html += "<table><tr><th class=\"text\">stage</th><th>runs</th><th>total s</th><th>mean ms</th></tr>\n"
                for time in times {
                    html += "<tr><td class=\"text\">\(escape(time.stage))</td><td>\(time.runs)</td><td>\(String(format: "%.2f", time.milliseconds / 1000))</td><td>\(String(format: "%.1f", time.milliseconds / Double(time.runs)))</td></tr>\n"
                }
                html += "</table>\n"
            }
        }
        html += "<details><summary>Per-iteration metrics</summary>\n<table><tr><th>iteration</th><th>success</th><th>optimal</th><th>mean return</th><th>sampled return</th><th>gap</th><th>policy loss</th><th>value loss</th></tr>\n"
        for (index, iteration) in history.iterations.enumerated() {
            let e = history.evaluations[index]
            html += "<tr><td>\(iteration)</td><td>\(percent(e.successRate))</td><td>\(percent(e.optimalFraction))</td><td>\(number(e.meanReturn))</td>"
            html += "<td>\(number(e.sampledAverageReturn))</td><td>\(number(e.meanOptimalityGap))</td><td>\(number(history.policyLoss[index]))</td><td>\(number(history.valueLoss[index]))</td></tr>\n"
        }
        html += "</table></details></div>\n"
        if config.preference.learnsReward {
            html += try preferenceSection(config: config, evaluationPaths: evaluationPaths, rewardPaths: rewardPaths)
        }

        // Figures
        html += "<h2>4. Figures</h2>\n"
        for (index, path) in figurePaths.enumerated() {
            guard let data = FileManager.default.contents(atPath: path) else { throw GridGRPOError("\(path): cannot read figure") }
            // The caption is the figure's Title text chunk, read without decoding the image.
            let text = try PNGText.text(of: data, path: path)
            let name = URL(fileURLWithPath: path).lastPathComponent
            html += "<div class=\"cell\"><div class=\"label\">In [\(4 + index)]: plot → figures/\(escape(name))</div>\n"
            html += "<figure><img alt=\"\(escape(name))\" src=\"data:image/png;base64,\(data.base64EncodedString())\">\n"
            html += "<figcaption>\(escape(text["Title"] ?? name))</figcaption></figure></div>\n"
        }

        // Provenance
        html += "<h2>5. Provenance</h2>\n<div class=\"cell\"><div class=\"label\">In [\(4 + figurePaths.count)]: the attributes every artifact carries</div>\n"
        html += "<p>For each file this report read: the stage and iteration that wrote it, its SHA-256 now, and the digests it recorded of its own inputs. "
        html += "A file whose recorded input digest differs from that input's digest here belongs to another run.</p>\n"
        html += "<table><tr><th class=\"text\">file</th><th class=\"text\">stage</th><th>iteration</th><th class=\"text\">sha256</th><th class=\"text\">inputs (recorded sha256)</th></tr>\n"
        let digests = Dictionary(history.inputs.map { ($0.name, $0.sha256) }, uniquingKeysWith: { first, _ in first })
        for (name, provenance) in history.provenances {
            let inputs = provenance.inputs.map { "\($0.name) \($0.sha256.prefix(12))" }.joined(separator: "<br>")
            html += "<tr><td class=\"text\"><code>\(escape(name))</code></td><td class=\"text\">\(provenance.stage)</td><td>\(provenance.iteration)</td>"
            html += "<td class=\"text\"><code>\((digests[name] ?? "").prefix(16))…</code></td><td class=\"text\"><code>\(inputs)</code></td></tr>\n"
        }
        html += "</table></div>\n"
        html += try provenanceRecord(configPath: configPath, config: config, history: history, figurePaths: figurePaths)
        html += "</body></html>\n"

        try AtomicFile.write(Data(html.utf8), to: output)
        return "plot       report.html  \(html.utf8.count / 1024) KB, \(figurePaths.count) figures"
    }
}
