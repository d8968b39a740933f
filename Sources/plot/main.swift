import ArgumentParser
import GridGRPO
import GridGRPOPlot

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Render the run's figures (PNG) and report (HTML) from its HDF5 artifacts.",
        discussion: """
        Each subcommand reads only the config and the files named on its command line and \
        writes one file. PNGs carry their provenance (config digest, seed, input digests) in \
        tEXt chunks and no timestamp, so rerunning gives identical bytes.
        """,
        subcommands: [TrainingResults.self, NetworkArchitecture.self, TrainingProcess.self, GridWorldPaths.self, PolicyMap.self,
                      RewardMap.self, Preferences.self, ReportCommand.self, LabelEfficiency.self])
}

struct Common: ParsableArguments {
    @Option(help: "The run's pipeline config (YAML).") var config: String
    @Option(help: "Where to write the figure.") var output: String
    @Option(help: "Append the stage's timing record (a JSON line) to this file, e.g. the run's stages.jsonl.") var record: String?

    /// Runs the subcommand `name` with its summary line and timing record.
    func run(_ name: String, _ body: () throws -> String) throws {
        try runStage("plot " + name, record: record, body)
    }
}

struct TrainingResults: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training-results",
        abstract: "training_results.png: return, success rate, policy and value loss per iteration.")

    @OptionGroup var common: Common
    @Option(help: "The final best.h5 (marks the best iteration).") var best: String
    @Option(parsing: .upToNextOption, help: "Every iteration's eval.h5.") var evaluations: [String]
    @Option(parsing: .upToNextOption, help: "Every update's weights.h5 (iterations ≥ 1; their /metrics).") var weights: [String] = []

    func run() throws {
        try common.run("training-results") {
            try Figures.trainingResults(configPath: common.config, evaluationPaths: evaluations, weightsPaths: weights,
                                        bestPath: best, output: common.output)
        }
    }
}

/// The options of a figure drawn from best.h5 alone.
struct BestOptions: ParsableArguments {
    @OptionGroup var common: Common
    @Option(help: "best.h5 whose networks are drawn.") var best: String
}

struct NetworkArchitecture: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "network_architecture.png: the best checkpoint's networks, connections shaded by weight.")
    @OptionGroup var options: BestOptions
    func run() throws {
        try options.common.run("network") { try Figures.fromBest(.networkArchitecture, configPath: options.common.config, bestPath: options.best, output: options.common.output) }
    }
}

struct GridWorldPaths: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grid-world",
        abstract: "grid_world.png: the best policy's greedy episodes from a few start configurations.")
    @OptionGroup var options: BestOptions
    func run() throws {
        try options.common.run("grid-world") { try Figures.fromBest(.gridWorld, configPath: options.common.config, bestPath: options.best, output: options.common.output) }
    }
}

struct PolicyMap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy-map",
        abstract: "policy_map.png: greedy action arrows and V(s) shading for a few goal cells.")
    @OptionGroup var options: BestOptions
    func run() throws {
        try options.common.run("policy-map") { try Figures.fromBest(.policyMap, configPath: options.common.config, bestPath: options.best, output: options.common.output) }
    }
}

struct TrainingProcess: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "training_process.png: the stage graph the Makefile runs, with the artifact on each edge.")

    @OptionGroup var common: Common

    func run() throws {
        try common.run("process") { try Figures.trainingProcess(configPath: common.config, output: common.output) }
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "report.html: a self-contained, notebook-style page of the run (figures embedded).")

    @OptionGroup var common: Common
    @Option(help: "The final best.h5.") var best: String
    @Option(parsing: .upToNextOption, help: "Every iteration's eval.h5.") var evaluations: [String]
    @Option(parsing: .upToNextOption, help: "Every update's weights.h5 (iterations ≥ 1).") var weights: [String] = []
    @Option(parsing: .upToNextOption, help: "The figures to embed.") var figures: [String] = []
    @Option(help: "The run's stage timing records, stages.jsonl (optional).") var records: String?
    @Option(parsing: .upToNextOption, help: "Every reward.h5 (a run with a learned reward).") var rewards: [String] = []

    func run() throws {
        try common.run("report") {
            try Report.build(configPath: common.config, evaluationPaths: evaluations, weightsPaths: weights, bestPath: best,
                             figurePaths: figures, recordsPath: records, rewardPaths: rewards, output: common.output)
        }
    }
}

struct RewardMap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reward-map",
        abstract: "reward_map.png: the learned reward r̃(s, a) beside the true reward for a few goals (a run with a learned reward).")
    @OptionGroup var common: Common
    @Option(help: "The last iteration's reward.h5.") var reward: String
    func run() throws {
        try common.run("reward-map") { try Figures.rewardMap(configPath: common.config, rewardPath: reward, output: common.output) }
    }
}

struct Preferences: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preferences",
        abstract: "preferences.png: labels spent vs greedy optimality, and the reward model per iteration (a run with a learned reward).")
    @OptionGroup var common: Common
    @Option(parsing: .upToNextOption, help: "Every iteration's eval.h5.") var evaluations: [String]
    @Option(parsing: .upToNextOption, help: "Every reward.h5.") var rewards: [String] = []
    func run() throws {
        try common.run("preferences") {
            try Figures.preferences(configPath: common.config, evaluationPaths: evaluations, rewardPaths: rewards, output: common.output)
        }
    }
}

struct LabelEfficiency: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label-efficiency",
        abstract: "label_efficiency.png and label_efficiency.md: configurations solved optimally against labels spent, per method over seeds.",
        discussion: "Reads each run directory's config.yaml and every iteration's eval.h5 (runs with a learned reward).")
    @Option(parsing: .upToNextOption, help: "Run directories (artifacts of complete runs with a learned reward).") var runs: [String]
    @Option(help: "Where to write the figure.") var output: String
    @Option(help: "Where to write the Markdown table.") var table: String
    func run() throws {
        try runStage("plot label-efficiency") { try LabelEfficiencyComparison.build(runDirectories: runs, output: output, tableOutput: table) }
    }
}

Plot.main()
