import ArgumentParser
import GridGRPO

struct Checkpoint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Keep the best model so far.",
        discussion: """
        Reads the config, an iteration's eval.h5 and weights.h5, and (from iteration 1 on) the \
        previous iteration's best.h5; writes this iteration's best.h5: the policy and value \
        weights with the highest exhaustive greedy mean return so far, the iteration that \
        produced them, its evaluation summary, and the first iteration whose greedy policy was \
        optimal from every configuration. Ties keep the earlier iteration.
        """)

    @Option(help: "The run's pipeline config (YAML).") var config: String
    @Option(help: "eval.h5 of this iteration.") var evaluation: String
    @Option(help: "weights.h5 of this iteration.") var weights: String
    @Option(help: "best.h5 of the previous iteration (omit at iteration 0).") var previous: String?
    @Option(help: "The iteration.") var iteration: Int
    @Option(help: "Where to write best.h5.") var output: String

    func run() throws {
        try runStage {
            try Stages.checkpoint(configPath: config, evaluationPath: evaluation, weightsPath: weights,
                                  previousPath: previous, iteration: iteration, output: output)
        }
    }
}

Checkpoint.main()
