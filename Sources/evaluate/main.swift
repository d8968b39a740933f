import ArgumentParser
import GridGRPO

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a policy exhaustively against the exact optimum.",
        discussion: """
        Reads the config and an iteration's weights.h5; writes eval.h5 with one row per \
        start/goal configuration (N²·(N²−1), 600 on 5×5): greedy return, length, success and \
        the optimal return 1 − 0.1·(d − 1). Attributes summarise success rate, fraction \
        optimal, mean return, mean optimality gap, and the blog's sampled average return over \
        evaluation.sampled_episodes random starts with sampled actions.
        """)

    @Option(help: "The run's pipeline config (YAML).") var config: String
    @Option(help: "weights.h5 to evaluate.") var weights: String
    @Option(help: "The iteration the weights belong to (0 = initial).") var iteration: Int
    @Option(help: "Worker threads (default: the config's `threads`; 0 = every core). The output is the same bytes whatever the count.")
    var threads: Int?
    @Option(help: "Where to write eval.h5.") var output: String

    func run() throws {
        try runStage { try Stages.evaluate(configPath: config, weightsPath: weights, iteration: iteration, output: output, threads: threads) }
    }
}

Evaluate.main()
