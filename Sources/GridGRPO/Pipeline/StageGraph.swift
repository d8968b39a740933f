import Foundation

/// The run's files and make rules, derived from the stage registry (`Stage`)
/// and the plot stage's outputs (`StageGraph.plots`): `dag` prints the rules,
/// the Makefile includes them, so the DAG `make` runs is the one declared there.
public enum StageGraph {
    /// What a figure (or the report) of the `plot` stage reads, after the last iteration.
    public enum PlotInput: Sendable, Equatable {
        /// The run's config.yaml.
        case config
        /// The final best.h5.
        case best
        /// Every output of a stage over the run's iterations, given with `flag`
        /// (every eval.h5; every update's weights.h5 for its /metrics).
        /// `part` names what of them the plot reads, for the process figure.
        case outputs(of: Stage, flag: String, part: String)
        /// The last iteration's output of a stage, given with `flag` (the final reward model).
        case final(of: Stage, flag: String)
        /// Every figure above it in the list (the report embeds them).
        case figures
        /// The stages' timing records (`stages.jsonl`). Informational: not a
        /// prerequisite, so a rerun that only adds records does not redo the report.
        case records
    }

    /// One output of the `plot` executable.
    public struct PlotSpec: Sendable, Equatable {
        public let output: String
        public let subcommand: String
        public let reads: [PlotInput]
        public let caption: String
    }

    static let evaluations = PlotInput.outputs(of: .evaluate, flag: "--evaluations", part: "")
    static let updateWeights = PlotInput.outputs(of: .update, flag: "--weights", part: " /metrics")
    static let rewards = PlotInput.outputs(of: .reward, flag: "--rewards", part: " metrics")

    /// The plot stage's outputs for a run of `config`, under `figures/` except
    /// the report (last). A run with a learned reward has two more figures,
    /// and its report reads every reward.h5 too.
    public static func plots(for config: PipelineConfig) -> [PlotSpec] {
        guard config.preference.learnsReward else { return plots }
        let report = plots[plots.count - 1]
        return plots.dropLast() + preferencePlots
            + [PlotSpec(output: report.output, subcommand: report.subcommand, reads: report.reads + [rewards], caption: report.caption)]
    }

    /// The figures of a run with a learned reward.
    static let preferencePlots: [PlotSpec] = [
        PlotSpec(output: "figures/reward_map.png", subcommand: "reward-map", reads: [.config, .final(of: .reward, flag: "--reward")],
                 caption: "The learned reward r̃(s, a) beside the true reward, every cell and action, for a few goals"),
        PlotSpec(output: "figures/preferences.png", subcommand: "preferences", reads: [.config, evaluations, rewards],
                 caption: "Labels spent vs greedy optimality, and the reward model's held-out accuracy and return correlation per iteration"),
    ]

    /// The plot stage's outputs of a run with the blog's `return` source.
    public static let plots: [PlotSpec] = [
        PlotSpec(output: "figures/training_results.png", subcommand: "training-results",
                 reads: [.config, .best, evaluations, updateWeights],
                 caption: "Average return and success rate (left), policy and value loss (right) per iteration"),
        PlotSpec(output: "figures/network_architecture.png", subcommand: "network", reads: [.config, .best],
                 caption: "The best checkpoint's policy and value networks, connections shaded by the trained weights"),
        PlotSpec(output: "figures/training_process.png", subcommand: "process", reads: [.config],
                 caption: "The pipeline's stage graph and the artifact files on its edges"),
        PlotSpec(output: "figures/grid_world.png", subcommand: "grid-world", reads: [.config, .best],
                 caption: "The trained agent's greedy episodes from a few start configurations"),
        PlotSpec(output: "figures/policy_map.png", subcommand: "policy-map", reads: [.config, .best],
                 caption: "Greedy action in every cell for a few goals, cells shaded by V(s)"),
        PlotSpec(output: "report.html", subcommand: "report", reads: [.config, .best, evaluations, updateWeights, .figures, .records],
                 caption: "A notebook-style report of the run"),
    ]

    /// The parameters (canonical JSON of its sections) `stage` of a run of `config` reads.
    public static func parametersJSON(stage: Stage, config: PipelineConfig) -> String {
        config.parametersJSON(stage.sections(for: config))
    }

    /// Where the parameter stamps live, relative to the run directory.
    public static let parametersDirectory = "params"

    /// A stage's parameter stamp, relative to the run directory.
    public static func stampFile(_ stage: Stage) -> String { "\(parametersDirectory)/\(stage.rawValue).json" }

    /// The plot stage's stamp: the whole config but `threads`, since the
    /// figures and the report show all of it.
    public static let plotStampFile = "\(parametersDirectory)/plot.json"

    /// The parameter stamp of every stage of the run: `params/NAME.json` → its content.
    public static func parameterStamps(config: PipelineConfig) -> [(file: String, content: String)] {
        Stage.stages(of: config).map { (stampFile($0), parametersJSON(stage: $0, config: config)) }
            + [(plotStampFile, config.canonicalJSON)]
    }

    /// Writes every stage's stamp into `directory` (the run's `params/`),
    /// each only if its bytes differ from what is there, atomically. The
    /// bytes are exactly the JSON, so a stamp's SHA-256 is the
    /// `config_digest` its stage's artifacts record.
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
            try AtomicFile.write(bytes, to: path)
        }
        // The stamp of a stage the config no longer has (label after
        // switching back to `source: return`) would only mislead.
        for stage in Stage.allCases where !stage.isPart(of: config) {
            unlink(directory + "/" + stage.rawValue + ".json")
        }
    }

    public static func iterationDirectory(_ iteration: Int) -> String {
        "iter-" + String(repeating: "0", count: max(0, 4 - String(iteration).count)) + String(iteration)
    }

    /// Removes from the run in `directory` every artifact the run of
    /// `config` does not produce: iterations past `iterations`, and files of
    /// stages the config no longer has (pairs.h5 after switching to grpo), so
    /// nothing of an earlier config leaks into the run's results or verify.
    /// Only artifact files and their temporaries in `iter-NNNN` folders are
    /// touched; a folder left empty is removed. Returns the removed paths,
    /// relative to `directory`.
    @discardableResult
    public static func prune(config: PipelineConfig, directory: String) throws -> [String] {
        var produced = Set<String>()
        for iteration in 0...config.iterations {
            for stage in Stage.stages(of: config) where stage.runs(at: iteration) {
                produced.insert("\(iterationDirectory(iteration))/\(stage.output(for: config.algorithm))")
            }
        }
        let artifactNames = Set(Stage.allCases.flatMap { stage in PipelineConfig.Algorithm.allCases.map(stage.output(for:)) })
        let manager = FileManager.default
        var removed: [String] = []
        let folders = ((try? manager.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix("iter-") }.sorted()
        for folder in folders {
            let path = directory + "/" + folder
            guard let entries = try? manager.contentsOfDirectory(atPath: path) else { continue }
            for entry in entries {
                // the artifact the entry is, or is a writer's temporary of
                let temporaryOf = artifactNames.first { entry.hasPrefix(".\($0).") && entry.hasSuffix(".tmp") }
                guard let name = artifactNames.contains(entry) ? entry : temporaryOf,
                      !produced.contains("\(folder)/\(name)") else { continue }
                guard unlink(path + "/" + entry) == 0 else {
                    throw GridGRPOError("\(path)/\(entry): cannot remove (\(String(cString: strerror(errno)))), a file of an earlier config")
                }
                removed.append("\(folder)/\(entry)")
            }
            if (try? manager.contentsOfDirectory(atPath: path))?.isEmpty == true { rmdir(path) }
        }
        return removed
    }

    /// The make variable listing every output of `stage` over the run.
    public static func outputsVariable(_ stage: Stage, prefix: String = "") -> String {
        "\(prefix)OUTPUTS_\(stage.rawValue)"
    }

    /// The Makefile fragment for a run of `config` under the make variables
    /// `$(ARTIFACTS)` and `$(BIN)`. Every rule names all the files its stage
    /// reads, so `make -j` and single-artifact targets are sound.
    ///
    /// - Parameters:
    ///   - artifacts: the run directory as written into the rules; the default
    ///     `$(ARTIFACTS)` leaves it to the Makefile. A literal path makes the
    ///     rules self-contained, so several runs' rules can be included in one
    ///     make (`make compare`).
    ///   - prefix: prepended to the variables the fragment defines
    ///     (`FINAL_BEST`, `OUTPUTS_evaluate`, …) so several fragments can coexist.
    public static func makefile(config: PipelineConfig, artifacts: String = "$(ARTIFACTS)", prefix: String = "") -> String {
        let iterations = config.iterations
        let records = "\(artifacts)/\(StageRecord.fileName)"
        var lines: [String] = [
            "# Generated by `dag` from the stage registry in Sources/GridGRPO/Pipeline/Stage.swift.",
            "# Do not edit: `make` regenerates it whenever the run's config.yaml changes.",
            "\(prefix)ITERATIONS := \(iterations)",
            "\(prefix)LAST_ITERATION := \(iterationDirectory(iterations))",
            "",
        ]
        // Stamps are written by `dag --stamps` when dag.mk is made; this rule
        // only brings back one that was deleted.
        lines.append("\(artifacts)/\(parametersDirectory)/%.json: | \(artifacts)/config.yaml $(BUILD_STAMP)")
        lines.append("\t$(Q)$(BIN)/dag --config \(artifacts)/config.yaml --stamps \(artifacts)/\(parametersDirectory) > /dev/null")
        lines.append("")
        var outputs: [Stage: [String]] = [:]
        for iteration in 0...iterations {
            for stage in Stage.stages(of: config) where stage.runs(at: iteration) {
                var run = StageInvocation(stage: stage, iteration: iteration, config: config, directory: artifacts)
                outputs[stage, default: []].append(run.output)
                // The weights first: with -j, make starts ready stages in the
                // order it meets them, and the weights lead along the training
                // chain (rollout → pair → update, the critical path), so the
                // next rollout starts before this iteration's evaluate and
                // checkpoint, which run beside it. Make passes no prerequisite
                // to a recipe, so their order changes nothing else.
                let inputs = run.inputs.filter { $0.role == .weights } + run.inputs.filter { $0.role != .weights }
                let prerequisites = ["\(artifacts)/\(stampFile(stage))"] + inputs.map(\.path)
                lines.append("\(run.output): \(prerequisites.joined(separator: " ")) | $(BUILD_STAMP)")
                run.output = "$@"
                run.record = records
                lines.append("\t$(Q)$(BIN)/\(stage.executable) \(run.arguments.joined(separator: " "))")
            }
        }
        lines.append("")
        for stage in Stage.allCases {
            lines.append("\(outputsVariable(stage, prefix: prefix)) := \((outputs[stage] ?? []).joined(separator: " "))")
        }
        lines.append("\(prefix)FINAL_BEST := \(outputs[.checkpoint]?.last ?? "")")
        let plots = plots(for: config)
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
                    prerequisites.append("\(artifacts)/\(plotStampFile)")
                    arguments += ["--config", "\(artifacts)/config.yaml"]
                case .best:
                    prerequisites.append("\(artifacts)/best.h5")
                    arguments += ["--best", "\(artifacts)/best.h5"]
                case .outputs(let stage, let flag, _):
                    prerequisites.append("$(\(outputsVariable(stage, prefix: prefix)))")
                    arguments += [flag, "$(\(outputsVariable(stage, prefix: prefix)))"]
                case .final(let stage, let flag):
                    let last = outputs[stage]?.last ?? ""
                    prerequisites.append(last)
                    arguments += [flag, last]
                case .figures:
                    prerequisites.append("$(\(prefix)FIGURES)")
                    arguments += ["--figures", "$(\(prefix)FIGURES)"]
                case .records:
                    arguments += ["--records", records]
                }
            }
            arguments += ["--record", records, "--output", "$@"]
            lines.append("\(output): \(prerequisites.joined(separator: " ")) | $(BUILD_STAMP)")
            lines.append("\t$(Q)$(BIN)/plot \(plot.subcommand) \(arguments.joined(separator: " "))")
        }
        // Each stage and figure rule above is one command without shell
        // syntax, which GNU make starts itself, without a shell, when SHELL is
        // /bin/sh (the Makefile's is bash, a millisecond per command: README
        // "Speed"). `private`: the rules these outputs need keep theirs.
        let commands = Stage.allCases.map { "$(\(outputsVariable($0, prefix: prefix)))" } + ["$(\(prefix)FIGURES)", "$(\(prefix)REPORT)"]
        lines.append("")
        lines.append("\(commands.joined(separator: " ")): private SHELL := /bin/sh")
        if config.preference.source == .file { lines += handRules(config: config, artifacts: artifacts) }
        if prefix.isEmpty {
            lines.append("PLOT_STAMP := \(plotStampFile)")
            lines += rerunRules(config: config)
            lines += labelByHandRules(config: config)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `make STAGE ITER=n`: rerun one stage of one iteration now (its inputs
    /// are built first if missing); later stages see a newer file and rerun on
    /// the next `make`. ITER is a whole number, zero-padded or not (7, 0007).
    static func rerunRules(config: PipelineConfig) -> [String] {
        let names = Stage.stages(of: config).map(\.rawValue).joined(separator: " ")
        var lines = ["", ".PHONY: \(names)"]
        for stage in Stage.stages(of: config) {
            lines.append("OUTPUT_\(stage.rawValue) := \(stage.output(for: config.algorithm))")
            lines.append("FIRST_\(stage.rawValue) := \(stage.firstIteration)")
            lines.append("LAST_\(stage.rawValue) := \(stage.runs(at: 1) ? config.iterations : 0)")
        }
        lines += [
            "\(names):",
            "\t@case '$(ITER)' in ''|*[!0-9]*) echo \"usage: make $@ ITER=n (n a whole number from $(FIRST_$@) to $(LAST_$@), e.g. 7 or 0007)\"; exit 2;; esac; \\",
            "\tn=$$((10#$(ITER))); \\",
            "\tif [ $$n -lt $(FIRST_$@) ] || [ $$n -gt $(LAST_$@) ]; then echo \"make $@: ITER=$(ITER) is outside $(FIRST_$@)...$(LAST_$@) (the $@ stage runs at those iterations of this config)\"; exit 2; fi; \\",
            "\tfile=\"$(ARTIFACTS)/$$(printf 'iter-%04d' $$n)/$(OUTPUT_$@)\"; rm -f \"$$file\"; \\",
            "\t$(MAKE) --no-print-directory CONFIG='$(CONFIG)' ARTIFACTS='$(ARTIFACTS)' \"$$file\"",
        ]
        return lines
    }
}
