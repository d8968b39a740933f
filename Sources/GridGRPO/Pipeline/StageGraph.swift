import Foundation

/// The pipeline's stage list: which executable runs each stage, what it reads
/// and what it writes, per iteration. This one list generates the Makefile's
/// rules (`dag` prints them), so the DAG `make` runs is the DAG declared here.
///
/// Iteration 0 holds the initial weights, their evaluation and the first best
/// checkpoint; iteration n ≥ 1 runs rollout → pair → update → evaluate →
/// checkpoint from iteration n−1's weights and best.
public struct StageSpec: Sendable, Equatable {
    /// A file of the run: `iter-NNNN/<file>` at iteration n + `iterationOffset`,
    /// or the run's `config.yaml` when `file` is "config.yaml".
    public struct FileRef: Sendable, Equatable {
        public let file: String
        public let iterationOffset: Int
        public let flag: String
        /// GRPO's π_ref: `weights.h5` of the iteration `grpo.reference_refresh`
        /// selects for iteration n (`GRPOConfig.referenceIteration(for:)`).
        public let isReference: Bool

        public init(_ file: String, offset: Int = 0, flag: String, isReference: Bool = false) {
            self.file = file
            self.iterationOffset = offset
            self.flag = flag
            self.isReference = isReference
        }

        public static let reference = FileRef("weights.h5", offset: -1, flag: "--reference", isReference: true)

        /// The iteration whose file is read by the stage at `iteration`.
        public func sourceIteration(at iteration: Int, config: PipelineConfig) -> Int {
            isReference ? config.grpo.referenceIteration(for: iteration) : iteration + iterationOffset
        }
    }

    public let name: String
    public let executable: String
    public let purpose: String
    /// Extra fixed arguments (e.g. `--init`).
    public let arguments: [String]
    public let inputs: [FileRef]
    public let output: String
    /// Iterations the stage runs at: `0` only, or `1...` (every iteration from 1).
    public let firstIteration: Int
    public let onlyFirst: Bool

    /// The config sections the stage reads: its parameter stamp
    /// `params/NAME.json` holds exactly these, and its rules depend on the
    /// stamp rather than on the whole config, so editing another section
    /// reruns nothing here.
    public let sections: [PipelineConfig.Section]

    public func runs(at iteration: Int) -> Bool {
        onlyFirst ? iteration == firstIteration : iteration >= firstIteration
    }
}

public enum StageGraph {
    static let config = StageSpec.FileRef("config.yaml", flag: "--config")

    /// The stages of a run of `algorithm`. The blog's method pairs episodes
    /// (`pairs.h5`); GRPO scores groups (`groups.h5`) and its update also reads
    /// the reference policy's weights.
    public static func stages(for algorithm: PipelineConfig.Algorithm) -> [StageSpec] {
        let grpo = algorithm == .grpo
        let scored = grpo ? StageSpec.FileRef("groups.h5", flag: "--groups") : StageSpec.FileRef("pairs.h5", flag: "--pairs")
        var updateInputs = [config, .init("weights.h5", offset: -1, flag: "--weights"), .init("rollout.h5", flag: "--rollout"), scored]
        if grpo { updateInputs.append(.reference) }
        // Every artifact records the run seed and algorithm, and every stage
        // checks the grid of what it reads.
        let common: [PipelineConfig.Section] = [.seed, .algorithm, .environment]
        return [
            StageSpec(name: "initialize", executable: "update",
                      purpose: grpo ? "initial policy weights (PyTorch nn.Linear init) and empty Adam state; no value network"
                                    : "initial policy and value weights (PyTorch nn.Linear init) and empty Adam state",
                      arguments: ["--init"], inputs: [config], output: "weights.h5", firstIteration: 0, onlyFirst: true,
                      sections: common + [.network]),
            StageSpec(name: "rollout", executable: "rollout",
                      purpose: grpo ? "sample G episodes from each of S start configurations with the current policy"
                                    : "sample P reference and P candidate episodes with the current policy",
                      arguments: [], inputs: [config, .init("weights.h5", offset: -1, flag: "--weights")],
                      output: "rollout.h5", firstIteration: 1, onlyFirst: false,
                      sections: common + [.network, .rollout] + (grpo ? [.grpo] : [])),
            StageSpec(name: "pair", executable: "pair",
                      purpose: grpo ? "group statistics and each episode's group-relative advantage"
                                    : "pair reference i with candidate i; the higher return is preferred",
                      arguments: [], inputs: [config, .init("rollout.h5", flag: "--rollout")],
                      output: scored.file, firstIteration: 1, onlyFirst: false,
                      sections: common + (grpo ? [.grpo] : [.rollout])),
            StageSpec(name: "update", executable: "update",
                      purpose: grpo ? "GRPO: clipped ratio × group advantage, k3 KL to the reference policy, Adam"
                                    : "PPO-clip on the preferred episodes, value MSE to the returns-to-go, Adam",
                      arguments: [], inputs: updateInputs, output: "weights.h5", firstIteration: 1, onlyFirst: false,
                      sections: common + [.network, .update] + (grpo ? [.grpo] : [])),
            StageSpec(name: "evaluate", executable: "evaluate",
                      purpose: "greedy policy on every start/goal configuration vs the exact optimum; sampled average return",
                      arguments: [], inputs: [config, .init("weights.h5", flag: "--weights")],
                      output: "eval.h5", firstIteration: 0, onlyFirst: false,
                      sections: common + [.network, .evaluation]),
            StageSpec(name: "checkpoint", executable: "checkpoint",
                      purpose: "keep the best weights so far by exhaustive greedy mean return",
                      arguments: [], inputs: [config, .init("best.h5", offset: -1, flag: "--previous"),
                                              .init("eval.h5", flag: "--evaluation"), .init("weights.h5", flag: "--weights")],
                      output: "best.h5", firstIteration: 0, onlyFirst: false,
                      sections: common + [.network]),
        ]
    }

    /// What a figure (or the report) of the `plot` stage reads, after the last iteration.
    public enum PlotInput: String, Sendable, CaseIterable {
        /// The run's config.yaml.
        case config
        /// The final best.h5.
        case best
        /// Every iteration's eval.h5.
        case evaluations
        /// Every update's weights.h5 (iterations ≥ 1), for their /metrics.
        case updateWeights
        /// Every figure above it in the list (the report embeds them).
        case figures
        /// The stages' summary lines with their wall times (`stages.log`, which
        /// `make` appends to). Informational: not a prerequisite, so a rerun
        /// that only adds log lines does not redo the report.
        case stageLog
    }

    /// One output of the `plot` executable.
    public struct PlotSpec: Sendable, Equatable {
        public let output: String
        public let subcommand: String
        public let reads: [PlotInput]
        public let caption: String
    }

    /// The plot stage's outputs, under `figures/` except the report.
    public static let plots: [PlotSpec] = [
        PlotSpec(output: "figures/training_results.png", subcommand: "training-results",
                 reads: [.config, .best, .evaluations, .updateWeights],
                 caption: "Average return and success rate (left), policy and value loss (right) per iteration"),
        PlotSpec(output: "figures/network_architecture.png", subcommand: "network", reads: [.config, .best],
                 caption: "The best checkpoint's policy and value networks, connections shaded by the trained weights"),
        PlotSpec(output: "figures/training_process.png", subcommand: "process", reads: [.config],
                 caption: "The pipeline's stage graph and the artifact files on its edges"),
        PlotSpec(output: "figures/grid_world.png", subcommand: "grid-world", reads: [.config, .best],
                 caption: "The trained agent's greedy episodes from a few start configurations"),
        PlotSpec(output: "figures/policy_map.png", subcommand: "policy-map", reads: [.config, .best],
                 caption: "Greedy action in every cell for a few goals, cells shaded by V(s)"),
        PlotSpec(output: "report.html", subcommand: "report", reads: [.config, .best, .evaluations, .updateWeights, .figures, .stageLog],
                 caption: "A notebook-style report of the run"),
    ]

    /// The stage `name` of a run of `config`.
    public static func stage(named name: String, config: PipelineConfig) throws -> StageSpec {
        guard let stage = stages(for: config.algorithm).first(where: { $0.name == name }) else {
            throw GridGRPOError("no stage named '\(name)' in a run of algorithm \(config.algorithm.rawValue)")
        }
        return stage
    }

    /// The parameters (canonical JSON of its sections) the stage `name` of a
    /// run of `config` reads; nil if such a run has no such stage.
    public static func parametersJSON(stage name: String, config: PipelineConfig) -> String? {
        (try? stage(named: name, config: config)).map { config.parametersJSON($0.sections) }
    }

    /// The parameter stamp of every stage: `params/NAME.json` → its content.
    /// The plot stage's, `params/plot.json`, holds the whole config but
    /// `threads`, since the figures and the report show all of it.
    public static func parameterStamps(config: PipelineConfig) -> [(file: String, content: String)] {
        stages(for: config.algorithm).map { ("\(parametersDirectory)/\($0.name).json", config.parametersJSON($0.sections)) }
            + [("\(parametersDirectory)/plot.json", config.canonicalJSON)]
    }

    /// Writes every stage's stamp into `directory` (the run's `params/`),
    /// each only if its bytes differ from what is there, through a temporary
    /// file and a rename. The bytes are exactly the JSON, so a stamp's SHA-256
    /// is the `config_digest` its stage's artifacts record.
    public static func writeParameterStamps(config: PipelineConfig, directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw GridGRPOError("\(directory): cannot create the parameter stamp directory")
        }
        for stamp in parameterStamps(config: config) {
            let path = directory + "/" + (stamp.file.split(separator: "/").last.map(String.init) ?? stamp.file)
            let bytes = Data(stamp.content.utf8)
            if FileManager.default.contents(atPath: path) == bytes { continue }
            let temporary = path + ".tmp"
            guard FileManager.default.createFile(atPath: temporary, contents: bytes), rename(temporary, path) == 0 else {
                unlink(temporary)
                throw GridGRPOError("\(path): cannot write the parameter stamp")
            }
        }
    }

    /// Where the parameter stamps live, relative to the run directory.
    public static let parametersDirectory = "params"

    public static func iterationDirectory(_ iteration: Int) -> String {
        "iter-" + String(repeating: "0", count: max(0, 4 - String(iteration).count)) + String(iteration)
    }

    /// The Makefile fragment for a run of `iterations` iterations under the
    /// make variables `$(ARTIFACTS)` and `$(BIN)`. Every rule names all the files
    /// its stage reads, so `make -j` and single-artifact targets are sound.
    ///
    /// - Parameters:
    ///   - artifacts: the run directory as written into the rules; the default
    ///     `$(ARTIFACTS)` leaves it to the Makefile. A literal path makes the
    ///     rules self-contained, so several runs' rules can be included in one
    ///     make (`make compare`).
    ///   - prefix: prepended to the variables the fragment defines
    ///     (`FINAL_BEST`, `EVALUATIONS`, …) so several fragments can coexist.
    public static func makefile(config: PipelineConfig, artifacts: String = "$(ARTIFACTS)", prefix: String = "") -> String {
        let iterations = config.iterations
        var lines: [String] = [
            "# Generated by `dag` from the stage list in Sources/GridGRPO/Pipeline/StageGraph.swift.",
            "# Do not edit: `make` regenerates it whenever the run's config.yaml changes.",
            "\(prefix)ITERATIONS := \(iterations)",
            "\(prefix)LAST_ITERATION := \(iterationDirectory(iterations))",
            "",
        ]
        var evaluations: [String] = []
        // Stamps are written by `dag --stamps` when dag.mk is made; this rule
        // only brings back one that was deleted.
        lines.append("\(artifacts)/\(parametersDirectory)/%.json: | \(artifacts)/config.yaml $(BUILD_STAMP)")
        lines.append("\t$(Q)$(BIN)/dag --config \(artifacts)/config.yaml --stamps \(artifacts)/\(parametersDirectory) > /dev/null")
        lines.append("")
        for iteration in 0...iterations {
            for stage in stages(for: config.algorithm) where stage.runs(at: iteration) {
                let output = "\(artifacts)/\(iterationDirectory(iteration))/\(stage.output)"
                var prerequisites: [String] = []
                var arguments = stage.arguments
                for input in stage.inputs {
                    let source = input.sourceIteration(at: iteration, config: config)
                    if source < 0 { continue }
                    // GRPO without a KL penalty never reads the reference policy
                    if input.isReference && config.grpo.klBeta == 0 { continue }
                    if input.file == "config.yaml" {
                        // The stage reads config.yaml but depends on its stamp.
                        prerequisites.append("\(artifacts)/\(parametersDirectory)/\(stage.name).json")
                        arguments += [input.flag, "\(artifacts)/config.yaml"]
                        continue
                    }
                    let path = "\(artifacts)/\(iterationDirectory(source))/\(input.file)"
                    prerequisites.append(path)
                    arguments += [input.flag, path]
                }
                if stage.name != "initialize" { arguments += ["--iteration", String(iteration)] }
                arguments += ["--output", "$@"]
                lines.append("\(output): \(prerequisites.joined(separator: " ")) | $(BUILD_STAMP)")
                lines.append("\t$(Q)$(BIN)/\(stage.executable) \(arguments.joined(separator: " ")) | tee -a \(artifacts)/stages.log")
                if stage.name == "evaluate" { evaluations.append(output) }
            }
        }
        let updateWeights = (1...max(1, iterations)).map { "\(artifacts)/\(iterationDirectory($0))/weights.h5" }
        lines.append("")
        lines.append("\(prefix)FINAL_BEST := \(artifacts)/\(iterationDirectory(iterations))/best.h5")
        lines.append("\(prefix)EVALUATIONS := \(evaluations.joined(separator: " "))")
        lines.append("\(prefix)UPDATE_WEIGHTS := \(updateWeights.joined(separator: " "))")
        lines.append("\(prefix)ROLLOUTS := \((1...max(1, iterations)).map { "\(artifacts)/\(iterationDirectory($0))/rollout.h5" }.joined(separator: " "))")
        let figures = plots.filter { $0.output.hasPrefix("figures/") }.map { "\(artifacts)/\($0.output)" }
        lines.append("\(prefix)FIGURES := \(figures.joined(separator: " "))")
        lines.append("\(prefix)REPORT := \(plots.filter { !$0.output.hasPrefix("figures/") }.map { "\(artifacts)/\($0.output)" }.joined(separator: " "))")
        lines.append("")
        for plot in plots {
            let output = "\(artifacts)/\(plot.output)"
            var prerequisites: [String] = [], arguments: [String] = []
            for input in plot.reads {
                switch input {
                case .config:
                    prerequisites.append("\(artifacts)/\(parametersDirectory)/plot.json")
                    arguments += ["--config", "\(artifacts)/config.yaml"]
                case .best:
                    prerequisites.append("\(artifacts)/best.h5")
                    arguments += ["--best", "\(artifacts)/best.h5"]
                case .evaluations:
                    prerequisites.append("$(\(prefix)EVALUATIONS)")
                    arguments += ["--evaluations", "$(\(prefix)EVALUATIONS)"]
                case .updateWeights:
                    prerequisites.append("$(\(prefix)UPDATE_WEIGHTS)")
                    arguments += ["--weights", "$(\(prefix)UPDATE_WEIGHTS)"]
                case .figures:
                    prerequisites.append("$(\(prefix)FIGURES)")
                    arguments += ["--figures", "$(\(prefix)FIGURES)"]
                case .stageLog:
                    arguments += ["--log", "\(artifacts)/stages.log"]
                }
            }
            arguments += ["--output", "$@"]
            lines.append("\(output): \(prerequisites.joined(separator: " ")) | $(BUILD_STAMP)")
            lines.append("\t$(Q)$(BIN)/plot \(plot.subcommand) \(arguments.joined(separator: " ")) | tee -a \(artifacts)/stages.log")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
