import ArgumentParser
import GridGRPO

struct Update: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the policy and value networks on the preferred episodes (or create the initial weights).",
        discussion: """
        With --init: reads only the config and writes iteration 0's weights.h5 (PyTorch \
        nn.Linear initialisation from the stream (seed, initialize, 0, network)).

        algorithm: preference (the blog's): reads the config, weights.h5 of iteration N−1, and \
        rollout.h5 and pairs.h5 of iteration N; runs update.epochs epochs of PPO-clip (advantage \
        = return-to-go − V(s)) and value MSE over the preferred episodes in minibatches of \
        update.minibatch_episodes, with Adam.

        algorithm: grpo: reads weights.h5 of iteration N−1, rollout.h5 and groups.h5 of \
        iteration N, and (kl_beta > 0) --reference, the weights.h5 of the reference policy's \
        iteration; runs grpo.inner_epochs passes of the clipped group-relative objective with \
        the k3 KL penalty, in minibatches of grpo.minibatch_groups groups. No value network.

        Writes weights.h5 of iteration N with /metrics. Refuses to write weights that hold NaN \
        or Inf.
        """)

    @Flag(help: "Write the initial weights (iteration 0) instead of updating.") var `init` = false
    @Option(help: "The run's pipeline config (YAML).") var config: String
    @Option(help: "weights.h5 of iteration N−1.") var weights: String?
    @Option(help: "rollout.h5 of iteration N.") var rollout: String?
    @Option(help: "pairs.h5 of iteration N (algorithm: preference).") var pairs: String?
    @Option(help: "groups.h5 of iteration N (algorithm: grpo).") var groups: String?
    @Option(help: "weights.h5 of the reference policy's iteration (grpo with kl_beta > 0).") var reference: String?
    @Option(help: "The iteration N ≥ 1 being produced.") var iteration: Int?
    @Option(help: "Worker threads (default: the config's `threads`; 0 = every core). The output is the same bytes whatever the count.")
    var threads: Int?
    @Option(help: "Where to write weights.h5.") var output: String

    func validate() throws {
        if `init` {
            guard weights == nil, rollout == nil, pairs == nil, groups == nil, reference == nil, iteration == nil else {
                throw ValidationError("--init takes only --config and --output")
            }
        } else {
            guard weights != nil, rollout != nil, (pairs != nil) != (groups != nil), iteration != nil else {
                throw ValidationError("an update needs --weights, --rollout, --iteration and either --pairs or --groups (or --init)")
            }
        }
    }

    func run() throws {
        if `init` {
            try runStage { try Stages.initialize(configPath: config, output: output) }
        } else if let weights, let rollout, let iteration {
            try runStage {
                try Stages.update(configPath: config, weightsPath: weights, rolloutPath: rollout, pairsPath: pairs,
                                  groupsPath: groups, referencePath: reference, iteration: iteration, output: output,
                                  threads: threads)
            }
        }
    }
}

Update.main()
