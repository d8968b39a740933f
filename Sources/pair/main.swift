import ArgumentParser
import GridGRPO

struct Pair: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a rollout: the blog's preference pairs, or GRPO's group-relative advantages.",
        discussion: """
        Reads the config and the iteration's rollout.h5.

        algorithm: preference: writes pairs.h5. Pair i compares reference episode i with \
        candidate episode P+i by total return. The reference is preferred only if its return \
        is strictly higher, so ties prefer the candidate (the blog's rule); ties are flagged.

        algorithm: grpo: writes groups.h5: each group's mean and standard deviation of returns \
        and each episode's advantage (R − mean) / (scale + ε), scale per grpo.scale; groups \
        whose returns are all equal are flagged, and dropped if grpo.drop_uniform_groups.
        """)

    @Option(help: "The run's pipeline config (YAML).") var config: String
    @Option(help: "rollout.h5 of this iteration.") var rollout: String
    @Option(help: "The iteration N ≥ 1.") var iteration: Int
    @Option(help: "Where to write pairs.h5 (preference) or groups.h5 (grpo).") var output: String

    func run() throws {
        try runStage { try Stages.pair(configPath: config, rolloutPath: rollout, iteration: iteration, output: output) }
    }
}

Pair.main()
