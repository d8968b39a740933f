import ArgumentParser
import GridGRPO

struct Pair: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Form the blog's preference pairs from a rollout.",
        discussion: """
        Reads the config and the iteration's rollout.h5; writes pairs.h5. Pair i compares \
        reference episode i with candidate episode P+i by total return. The reference is \
        preferred only if its return is strictly higher, so ties prefer the candidate (the \
        blog's rule); ties are flagged in /tie.
        """)

    @Option(help: "The run's pipeline config (YAML).") var config: String
    @Option(help: "rollout.h5 of this iteration.") var rollout: String
    @Option(help: "The iteration N ≥ 1.") var iteration: Int
    @Option(help: "Where to write pairs.h5.") var output: String

    func run() throws {
        try runStage { try Stages.pair(configPath: config, rolloutPath: rollout, iteration: iteration, output: output) }
    }
}

Pair.main()
