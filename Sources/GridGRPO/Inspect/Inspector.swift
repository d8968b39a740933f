import Foundation

/// What `inspect` shows: any artifact's schema, provenance and datasets with
/// summary statistics; a rollout episode replayed as the blog's text frames;
/// the evaluation rows furthest from optimal; and a whole run's provenance
/// checked against the files on disk.
public enum Inspector {
    public struct InputInfo: Codable, Equatable {
        public var role: String
        public var name: String
        public var sha256: String
    }

    public struct DatasetInfo: Codable, Equatable {
        public var path: String
        public var type: String
        public var shape: [Int]
        public var min: Double?
        public var max: Double?
        public var mean: Double?
        /// Euclidean norm, for floating-point datasets (weights: the layer's norm).
        public var norm: Double?
    }

    public struct FileReport: Codable, Equatable {
        public var file: String
        public var schema: String
        public var schemaVersion: Int
        public var stage: String
        public var iteration: Int
        public var seed: Int64
        public var configDigest: String
        public var inputs: [InputInfo]
        /// The file's other root attributes (metrics, summaries), as text.
        public var attributes: [String: String]
        public var datasets: [DatasetInfo]
    }

    static let provenanceAttributes = Set(ProvenanceLayout.fixed)

    /// Reads any GridGRPO artifact without knowing its kind in advance.
    public static func describe(path: String) throws -> FileReport {
        try withHDF5 {
            let reader = try HDF5Reader(path: path)
            let root = reader.root
            guard root.hasAttribute(ProvenanceLayout.schema.name) else {
                throw GridGRPOError("\(path): not a GridGRPO artifact (no '\(ProvenanceLayout.schema.name)' attribute)")
            }
            let schema = try root.attribute(ProvenanceLayout.schema)
            guard let kind = ArtifactKind.allCases.first(where: { $0.schemaName == schema }) else {
                throw GridGRPOError("\(path): unknown schema '\(schema)'")
            }
            let provenance = try Provenance.read(from: root, path: path, expecting: kind)
            var attributes: [String: String] = [:]
            for name in root.attributeNames() where !provenanceAttributes.contains(name) && !name.hasPrefix(ProvenanceLayout.inputPrefix) {
                attributes[name] = try root.attributeText(name)
            }
            var datasets: [DatasetInfo] = []
            func walk(_ group: HDF5Group, prefix: String) throws {
                for name in group.memberNames() {
                    let path = prefix + "/" + name
                    if group.isGroup(name) {
                        let child = try group.openGroup(name)
                        for attribute in child.attributeNames() {
                            attributes[String(path.dropFirst()) + "@" + attribute] = try child.attributeText(attribute)
                        }
                        try walk(child, prefix: path)
                        continue
                    }
                    let (type, shape) = try group.describeDataset(name)
                    var info = DatasetInfo(path: path, type: type, shape: shape)
                    let values = try group.readAsDouble(name)
                    if !values.isEmpty {
                        info.min = values.min()
                        info.max = values.max()
                        info.mean = values.reduce(0, +) / Double(values.count)
                        if type.hasPrefix("float") { info.norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot() }
                    }
                    datasets.append(info)
                }
            }
            try walk(root, prefix: "")
            return FileReport(file: path, schema: schema, schemaVersion: ArtifactKind.version, stage: provenance.stage,
                              iteration: provenance.iteration, seed: Int64(bitPattern: provenance.seed),
                              configDigest: provenance.configDigest,
                              inputs: provenance.inputs.map { InputInfo(role: $0.role, name: $0.name, sha256: $0.sha256) },
                              attributes: attributes, datasets: datasets)
        }
    }

    static func format(_ value: Double?) -> String {
        guard let value else { return "–" }
        if value == value.rounded() && abs(value) < 1e9 { return String(Int64(value)) }
        return String(format: "%.4g", value)
    }

    public static func text(_ report: FileReport) -> String {
        var lines = [
            "\(report.file)",
            "  schema      \(report.schema) v\(report.schemaVersion)",
            "  made by     \(report.stage), iteration \(report.iteration), seed \(report.seed)",
            "  config      sha256:\(report.configDigest.prefix(16))…",
        ]
        for input in report.inputs {
            lines.append("  input       \(input.role.padding(toLength: 10, withPad: " ", startingAt: 0)) \(input.name)  sha256:\(input.sha256.prefix(12))…")
        }
        if !report.attributes.isEmpty {
            lines.append("  attributes")
            for (name, value) in report.attributes.sorted(by: { $0.key < $1.key }) {
                lines.append("    \(name) = \(value.count > 90 ? String(value.prefix(90)) + "…" : value)")
            }
        }
        lines.append("  datasets")
        let width = max(20, report.datasets.map(\.path.count).max() ?? 0)
        lines.append("    " + "path".padding(toLength: width, withPad: " ", startingAt: 0) + "  type     shape          min        max        mean       norm")
        for d in report.datasets {
            let shape = "[" + d.shape.map(String.init).joined(separator: ", ") + "]"
            lines.append("    " + d.path.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                         + d.type.padding(toLength: 8, withPad: " ", startingAt: 0) + " "
                         + shape.padding(toLength: 14, withPad: " ", startingAt: 0)
                         + [d.min, d.max, d.mean, d.norm].map { format($0).padding(toLength: 10, withPad: " ", startingAt: 0) }.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    static func config(from provenance: Provenance, path: String) throws -> PipelineConfig {
        do {
            return try JSONDecoder().decode(PipelineConfig.self, from: Data(provenance.configJSON.utf8))
        } catch {
            throw GridGRPOError("\(path): its recorded config cannot be read (\(error))")
        }
    }

    /// One episode of a rollout as the blog's text frames.
    public static func replay(rolloutPath: String, episode: Int) throws -> String {
        let gridSize = try withHDF5 { Int(try HDF5Reader(path: rolloutPath).root.attribute(RolloutLayout.gridSize)) }
        let world = GridWorld(size: gridSize, maxSteps: 1)
        let (episodes, _) = try ArtifactSchema.readRollout(path: rolloutPath, world: world)
        guard (0..<episodes.count).contains(episode) else {
            throw GridGRPOError("--episode \(episode) is outside 0...\(episodes.count - 1) (\(rolloutPath) holds \(episodes.count) episodes)")
        }
        let goal = episodes.goals[episode]
        var lines = ["episode \(episode) of \(rolloutPath): \(episodes.length(episode)) moves, return \(String(format: "%.1f", episodes.returns[episode])), "
                     + (episodes.successes[episode] ? "reached the goal" : "cut at max_steps"),
                     (episodes.groups.isEmpty ? "" : "group \(episodes.groups[episode]), ") + "start:", world.render(agent: episodes.starts[episode], goal: goal)]
        for (index, step) in episodes.steps(episode).enumerated() {
            let next = world.move(episodes.agentCells[step], episodes.actions[step])
            lines.append("")
            lines.append("Step \(index + 1): Agent chooses \(GridWorld.actionNames[episodes.actions[step]].uppercased())"
                         + String(format: "  (reward %+.1f, log π %.3f, return-to-go %.3f)", episodes.rewards[step], episodes.logProbs[step], episodes.returnsToGo[step]))
            lines.append(world.render(agent: next, goal: goal))
        }
        if episodes.successes[episode] { lines.append(""); lines.append("Goal reached!") }
        return lines.joined(separator: "\n")
    }

    public struct EvaluationRow: Codable, Equatable {
        public var agent: [Int]
        public var goal: [Int]
        public var distance: Int
        public var length: Int
        public var returned: Float
        public var optimalReturn: Float
        public var gap: Float
        public var success: Bool
    }

    /// The `count` configurations furthest from optimal (largest gap first;
    /// ties by longer distance, then configuration order).
    public static func worst(evaluationPath: String, count: Int) throws -> [EvaluationRow] {
        let reader = try ArtifactSchema.readEvaluation(path: evaluationPath)
        let world = try config(from: reader.provenance, path: evaluationPath).world
        let evaluation = reader.evaluation
        let gaps = evaluation.optimalityGaps
        let order = (0..<evaluation.count).sorted {
            (gaps[$0], evaluation.distances[$0], -$0) > (gaps[$1], evaluation.distances[$1], -$1)
        }
        return order.prefix(max(0, count)).map { i in
            EvaluationRow(agent: [evaluation.agents[i] / world.size, evaluation.agents[i] % world.size],
                          goal: [evaluation.goals[i] / world.size, evaluation.goals[i] % world.size],
                          distance: evaluation.distances[i], length: evaluation.lengths[i], returned: evaluation.returns[i],
                          optimalReturn: evaluation.optimalReturns[i], gap: gaps[i], success: evaluation.successes[i])
        }
    }

    public static func text(_ rows: [EvaluationRow]) -> String {
        var lines = ["agent (row, col)  goal (row, col)  distance  moves  return   optimal  gap     reached"]
        for row in rows {
            lines.append("(\(row.agent[0]), \(row.agent[1]))".padding(toLength: 18, withPad: " ", startingAt: 0)
                         + "(\(row.goal[0]), \(row.goal[1]))".padding(toLength: 17, withPad: " ", startingAt: 0)
                         + String(row.distance).padding(toLength: 10, withPad: " ", startingAt: 0)
                         + String(row.length).padding(toLength: 7, withPad: " ", startingAt: 0)
                         + String(format: "%-8.3f %-8.3f %-7.3f ", row.returned, row.optimalReturn, row.gap) + (row.success ? "yes" : "no"))
        }
        return lines.joined(separator: "\n")
    }

    public struct Problem: Codable, Equatable {
        public var file: String
        public var message: String
    }

    /// Checks every artifact of a run directory: each recorded input must exist
    /// and still have the recorded digest, and each artifact must have been made
    /// with the run's config. A broken link makes everything made from it
    /// suspect too; the message names the chain back to the break.
    public static func verify(runDirectory: String) throws -> (checked: Int, problems: [Problem]) {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: runDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw GridGRPOError("\(runDirectory): not a run directory")
        }
        // The run's own artifacts: its top level and its iter-NNNN folders (not
        // other runs kept below it, such as compare/).
        var files: [String] = []
        let entries = (try? fm.contentsOfDirectory(atPath: runDirectory)) ?? []
        for entry in entries.sorted() {
            if entry.hasSuffix(".h5") && !entry.hasPrefix(".") { files.append(entry) }
            if entry.hasPrefix("iter-") {
                for file in ((try? fm.contentsOfDirectory(atPath: runDirectory + "/" + entry)) ?? []).sorted()
                    where file.hasSuffix(".h5") && !file.hasPrefix(".") {
                    files.append(entry + "/" + file)
                }
            }
        }
        var digests: [String: String] = [:]
        func digest(_ relative: String) -> String? {
            if let known = digests[relative] { return known }
            let value = try? SHA256.hex(ofFile: runDirectory + "/" + relative)
            digests[relative] = value
            return value
        }
        let runConfig = try? PipelineConfig.load(path: runDirectory + "/config.yaml")
        var problems: [Problem] = []
        var broken: [String: String] = [:]   // file → why it cannot be trusted
        var inputsOf: [String: [Provenance.Input]] = [:]
        for file in files {
            let path = runDirectory + "/" + file
            let report: FileReport
            do {
                report = try describe(path: path)
            } catch let error as GridGRPOError {
                problems.append(Problem(file: file, message: error.message))
                broken[file] = "unreadable"
                continue
            }
            inputsOf[file] = report.inputs.map { Provenance.Input(role: $0.role, name: $0.name, sha256: $0.sha256) }
            if let runConfig, let stage = try? StageGraph.stage(named: report.stage, config: runConfig) {
                let expected = SHA256.hex(Array(runConfig.parametersJSON(stage.sections).utf8))
                if report.configDigest != expected {
                    let names = stage.sections.map(\.rawValue).joined(separator: ", ")
                    problems.append(Problem(file: file, message: "made with parameters sha256:\(report.configDigest.prefix(12))…, but the run's config.yaml gives the \(report.stage) stage (\(names)) sha256:\(expected.prefix(12))… (a file of another run or an older config: rerun make)"))
                    broken[file] = "other config"
                }
            } else if runConfig != nil {
                problems.append(Problem(file: file, message: "made by a '\(report.stage)' stage, which a run of the run's config.yaml does not have (a file of another run)"))
                broken[file] = "other config"
            }
            for input in report.inputs {
                guard let actual = digest(input.name) else {
                    problems.append(Problem(file: file, message: "its \(input.role) input \(input.name) is missing"))
                    broken[file] = "missing input"
                    continue
                }
                if actual != input.sha256 {
                    problems.append(Problem(file: file, message: "its \(input.role) input \(input.name) changed since: recorded sha256:\(input.sha256.prefix(12))…, now sha256:\(actual.prefix(12))… (stale: rerun make)"))
                    broken[file] = "stale input"
                }
            }
        }
        // Everything made from a broken file is suspect: report the chain.
        var changed = true
        while changed {
            changed = false
            for file in files where broken[file] == nil {
                guard let source = inputsOf[file]?.first(where: { broken[$0.name] != nil }) else { continue }
                var chain = [file, source.name]
                var cursor = source.name
                while let next = inputsOf[cursor]?.first(where: { broken[$0.name] != nil && !chain.contains($0.name) }) {
                    chain.append(next.name)
                    cursor = next.name
                }
                problems.append(Problem(file: file, message: "made from a file that cannot be trusted: " + chain.joined(separator: " ← ")))
                broken[file] = "downstream"
                changed = true
            }
        }
        return (files.count, problems)
    }
}
