import Foundation

extension Inspector {
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
            if let runConfig, let stage = Stage(rawValue: report.stage), stage.isPart(of: runConfig) {
                let expected = SHA256.hex(Array(StageGraph.parametersJSON(stage: stage, config: runConfig).utf8))
                if report.configDigest != expected {
                    let names = stage.sections(for: runConfig).map(\.rawValue).joined(separator: ", ")
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
