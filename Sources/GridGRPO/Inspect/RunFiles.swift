import Foundation

/// Every file `make` produces in a run directory for a config, relative to
/// the directory, with what each is and the files its make rule depends on:
/// what `inspect --verify` checks a run against, and how it tells whether a
/// rerun of make would regenerate a file (a prerequisite newer than it).
public struct RunFiles {
    public enum Role: Equatable {
        /// An iteration's artifact, written by `stage`.
        case artifact(Stage, iteration: Int)
        /// The top-level best.h5: a copy of the last iteration's.
        case finalBest
        /// A figure or the report of the plot stage.
        case plot(StageGraph.PlotSpec)
        /// A parameter stamp, with the bytes it must hold.
        case stamp(String)
        case config
        case rules
    }

    public let config: PipelineConfig
    public private(set) var roles: [String: Role] = [:]
    public private(set) var prerequisites: [String: [String]] = [:]

    public static let configFile = "config.yaml"
    public static let rulesFile = "dag.mk"
    public static let finalBest = "best.h5"

    public init(config: PipelineConfig) {
        self.config = config
        roles[Self.configFile] = .config
        roles[Self.rulesFile] = .rules
        prerequisites[Self.rulesFile] = [Self.configFile]
        var outputs: [Stage: [String]] = [:]
        for iteration in 0...config.iterations {
            for stage in Stage.allCases where stage.runs(at: iteration) {
                let run = StageInvocation(stage: stage, iteration: iteration, config: config, directory: "")
                let output = String(run.output.dropFirst())
                roles[output] = .artifact(stage, iteration: iteration)
                prerequisites[output] = [StageGraph.stampFile(stage)] + run.inputs.map { String($0.path.dropFirst()) }
                outputs[stage, default: []].append(output)
            }
        }
        for stamp in StageGraph.parameterStamps(config: config) { roles[stamp.file] = .stamp(stamp.content) }
        let last = outputs[.checkpoint]?.last ?? ""
        roles[Self.finalBest] = .finalBest
        prerequisites[Self.finalBest] = [last, StageGraph.plotStampFile]
        let plots = StageGraph.plots(for: config)
        let figures = plots.map(\.output).filter { $0.hasPrefix("figures/") }
        for plot in plots {
            roles[plot.output] = .plot(plot)
            prerequisites[plot.output] = plot.reads.flatMap { input -> [String] in
                switch input {
                case .config: return [StageGraph.plotStampFile]
                case .best: return [Self.finalBest]
                case .outputs(let stage, _, _): return outputs[stage] ?? []
                case .final(let stage, _): return outputs[stage]?.last.map { [$0] } ?? []
                case .figures: return figures
                case .records: return []
                }
            }
        }
    }

    /// The last iteration's best.h5, which the top-level one copies.
    public var lastBest: String { StageGraph.iterationDirectory(config.iterations) + "/" + Self.finalBest }

    /// Whether `make` would remake `file` in `directory` now: it is missing,
    /// or a prerequisite (recursively, as make sees it) is missing or newer.
    public func makeWouldRemake(_ file: String, in directory: String) -> Bool {
        var seen = Set<String>()
        func remade(_ file: String) -> Bool {
            guard seen.insert(file).inserted else { return false }
            guard let time = modificationTime(directory + "/" + file) else { return true }
            for prerequisite in prerequisites[file] ?? [] {
                if remade(prerequisite) { return true }
                if let other = modificationTime(directory + "/" + prerequisite), other > time { return true }
            }
            return false
        }
        return remade(file)
    }

    /// The advice that clears a problem with `file`: rerunning make where
    /// make would remake it, else deleting it first (make then remakes it and
    /// everything made from it).
    public func advice(_ file: String, in directory: String) -> String {
        makeWouldRemake(file, in: directory) ? "rerun make" : "delete \(file) and rerun make"
    }
}

func modificationTime(_ path: String) -> Double? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    return Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9
}
