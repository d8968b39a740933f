import ArgumentParser
import GridGRPO

struct Rollout: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sample the iteration's reference and candidate episodes with the current policy.",
        discussion: """
        Reads the config and the previous iteration's weights.h5; writes rollout.h5 holding \
        2·rollout.pairs episodes (P reference, then P candidate), stored ragged: per-step agent \
        cell, action, reward, behaviour log-prob and discounted return-to-go (γ = rollout.gamma), \
        per-episode start, goal, return, length and success. Episode e draws from the random \
        stream (seed, rollout, iteration, e) only.
        """)

    @Option(help: "The run's pipeline config (YAML).") var config: String
    @Option(help: "weights.h5 of iteration N−1 (policy used to act).") var weights: String
    @Option(help: "The iteration N ≥ 1 this rollout belongs to.") var iteration: Int
    @Option(help: "Worker threads (default: the config's `threads`; 0 = every core). The output is the same bytes whatever the count.")
    var threads: Int?
    @Option(help: "Where to write rollout.h5.") var output: String

    func run() throws {
        try runStage { try Stages.rollout(configPath: config, weightsPath: weights, iteration: iteration, output: output, threads: threads) }
    }
}

Rollout.main()
