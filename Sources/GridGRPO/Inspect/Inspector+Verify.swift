import Foundation

extension Inspector {
    public struct Problem: Codable, Equatable {
        public var file: String
        public var message: String
    }

    /// Checks every file `make` produces in a run directory (`RunFiles`):
    /// config.yaml and dag.mk, each artifact (its recorded inputs against
    /// the files on disk, its parameters against the run's config, its
    /// recorded config against its digest, its folder, its values as the
    /// readers check them), the final best.h5 and every best.h5's content,
    /// the parameter stamps, the figures and the report (their recorded
    /// digests), and files the config does not produce. A broken file makes
    /// everything made from it suspect too; the message names the chain back
    /// to the break. Each problem ends with the advice that clears it.
    public static func verify(runDirectory: String) throws -> (checked: Int, problems: [Problem]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: runDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw GridGRPOError("\(runDirectory): not a run directory")
        }
        var verifier = RunVerifier(directory: runDirectory)
        verifier.checkConfig()
        verifier.checkArtifacts()
        verifier.checkRun()
        verifier.checkPlots()
        verifier.checkRecordedInputs()
        verifier.propagate()
        return (verifier.files.count, verifier.problems)
    }
}

/// The state of one `verify`: the run's files, its config (nil when
/// config.yaml is missing or unreadable) and what was found.
struct RunVerifier {
    let directory: String
    let files: [String]
    var layout: RunFiles?
    var problems: [Inspector.Problem] = []
    /// file → why it cannot be trusted
    var broken: [String: String] = [:]
    var inputsOf: [String: [Provenance.Input]] = [:]
    var digests: [String: String?] = [:]

    init(directory: String) {
        self.directory = directory
        files = RunVerifier.list(directory)
    }

    /// The run's own files: its top-level artifacts, report, rules and
    /// config, and everything in its iter-NNNN, figures and params folders
    /// (not other runs kept below it, such as compare/, nor logs or hidden files).
    static func list(_ directory: String) -> [String] {
        let manager = FileManager.default
        var files: [String] = []
        for entry in ((try? manager.contentsOfDirectory(atPath: directory)) ?? []).sorted() where !entry.hasPrefix(".") {
            if entry.hasSuffix(".h5") || [RunFiles.configFile, RunFiles.rulesFile, "report.html"].contains(entry) { files.append(entry) }
            if entry.hasPrefix("iter-") || entry == "figures" || entry == StageGraph.parametersDirectory {
                for file in ((try? manager.contentsOfDirectory(atPath: directory + "/" + entry)) ?? []).sorted() where !file.hasPrefix(".") {
                    files.append(entry + "/" + file)
                }
            }
        }
        return files
    }

    mutating func report(_ file: String, _ message: String, advice: String? = nil, broken reason: String? = nil) {
        let advice = advice ?? layout?.advice(file, in: directory) ?? "delete \(file) and rerun make"
        problems.append(Inspector.Problem(file: file, message: "\(message); \(advice)"))
        if let reason { broken[file] = reason }
    }

    mutating func digest(_ relative: String) -> String? {
        if let known = digests[relative] { return known }
        let value = try? SHA256.hex(ofFile: directory + "/" + relative)
        digests[relative] = value
        return value
    }

    mutating func checkConfig() {
        let path = directory + "/" + RunFiles.configFile
        do {
            layout = RunFiles(config: try PipelineConfig.loadInput(path: path))
        } catch let error as GridGRPOError {
            let what = FileManager.default.fileExists(atPath: path) ? "cannot be read (\(error.message))" : "is missing"
            report(RunFiles.configFile, "\(what), so nothing can be checked against the run's config",
                   advice: "rerun make with CONFIG= the config this run was made from (make installs it here as \(RunFiles.configFile))")
        } catch {
            report(RunFiles.configFile, "cannot be read (\(error))", advice: "rerun make with CONFIG= the config this run was made from")
        }
    }

    /// Everything made from a broken file is suspect: report the chain.
    mutating func propagate() {
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
                problems.append(Inspector.Problem(file: file, message: "made from a file that cannot be trusted: " + chain.joined(separator: " ← ")
                                                  + "; fix \(chain.last ?? file) as its message says (make then remakes this one)"))
                broken[file] = "downstream"
                changed = true
            }
        }
    }
}
