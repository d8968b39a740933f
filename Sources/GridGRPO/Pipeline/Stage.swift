import Foundation

/// The stage registry: every stage of an iteration, what it reads and writes,
/// which config sections it depends on and which executable runs it. This is
/// the only place these facts are written. Derived from it: the make rules
/// (`StageGraph.makefile`), the stages' command lines (`Stage.command`, used by
/// make, `make bench` and the tests), the executables' flags and `--help`
/// (`StageCommand`), the parameter stamps, the provenance an artifact records,
/// the process figure and the config reference's "read by" column.
///
/// Iteration 0 holds the initial weights, their evaluation and the first best
/// checkpoint; iteration n ≥ 1 runs rollout → pair → update → evaluate →
/// checkpoint from iteration n−1's weights and best. A run that learns its
/// reward from labels (`preference.source` other than `return`) also runs
/// label → reward between rollout and pair (`isPart(of:)`).
///
/// Adding a stage: a case here with its facts below, and its body in
/// `Stages` (dispatched from `run`). Nothing else names it.
public enum Stage: String, CaseIterable, Sendable {
    case initialize, rollout, label, reward, pair, update, evaluate, checkpoint

    /// Whether a run of `config` has the stage: label and reward only when
    /// it learns its reward from labels.
    public func isPart(of config: PipelineConfig) -> Bool {
        switch self {
        case .label, .reward: return config.preference.learnsReward
        default: return true
        }
    }

    /// The stages of a run of `config`, in registry order.
    public static func stages(of config: PipelineConfig) -> [Stage] {
        allCases.filter { $0.isPart(of: config) }
    }

    /// The executable that runs the stage. `initialize` is `update --init`:
    /// the pipeline's six executables stay what the blog's stages are called.
    public var executable: String {
        self == .initialize ? "update" : rawValue
    }

    /// A fixed flag selecting this stage when its executable runs several.
    public var selector: String? { self == .initialize ? "--init" : nil }

    /// Iterations the stage runs at.
    public func runs(at iteration: Int) -> Bool {
        switch self {
        case .initialize: return iteration == 0
        case .evaluate, .checkpoint: return iteration >= 0
        case .rollout, .label, .reward, .pair, .update: return iteration >= 1
        }
    }

    /// The first iteration the stage runs at.
    public var firstIteration: Int { runs(at: 0) ? 0 : 1 }

    /// Whether the stage takes `--iteration` (every stage but the initial weights).
    public var takesIteration: Bool { self != .initialize }

    /// Whether the stage splits its work over threads (`--threads`, the config's `threads`).
    public var takesThreads: Bool { [.rollout, .label, .reward, .update, .evaluate].contains(self) }

    /// Flags without a value the stage takes, with their help.
    public var switches: [(flag: String, help: String)] {
        self == .label ? [("--interactive", "Ask a person in the terminal instead of the simulated labeller: each pair side by side as the blog's text frames; answer 1, 2, = (tie), s (skip) or q (quit). Writes the labels marked as a person's (typed); no stage overwrites such a file.")] : []
    }

    /// The file the stage writes, in its iteration's folder.
    public func output(for algorithm: PipelineConfig.Algorithm) -> String {
        switch self {
        case .initialize, .update: return "weights.h5"
        case .rollout: return "rollout.h5"
        case .label: return "labels.h5"
        case .reward: return "reward.h5"
        case .pair: return algorithm == .grpo ? "groups.h5" : "pairs.h5"
        case .evaluate: return "eval.h5"
        case .checkpoint: return "best.h5"
        }
    }

    /// The artifact kind of the output.
    public func outputKind(for algorithm: PipelineConfig.Algorithm) -> ArtifactKind {
        switch self {
        case .initialize, .update: return .weights
        case .rollout: return .rollout
        case .label: return .labels
        case .reward: return .reward
        case .pair: return algorithm == .grpo ? .groups : .pairs
        case .evaluate: return .evaluation
        case .checkpoint: return .best
        }
    }

    /// The files the stage reads besides the config, in the order of its command line.
    public func inputs(for config: PipelineConfig) -> [StageInput] {
        let grpo = config.algorithm == .grpo, preference = config.preference
        let learned = preference.learnsReward
        switch self {
        case .initialize: return []
        case .rollout: return [.init(.weights, offset: -1)]
        case .label:
            return [.init(.rollout), .init(.labels, offset: -1)]
                + (preference.selection == .disagreement ? [.init(.reward, offset: -1)] : [])
                + (preference.source == .file ? [.init(.hand)] : [])
        case .reward: return [.init(.labels)] + (preference.warmStart ? [.init(.reward, offset: -1)] : []) + [.init(.rollout)]
        case .pair: return [.init(.rollout)] + (learned ? [.init(.reward)] : [])
        case .update:
            return [.init(.weights, offset: -1), .init(.rollout), grpo ? .init(.groups) : .init(.pairs)]
                + (grpo ? [.init(.reference, offset: -1)] : [])
                + (learned && !grpo ? [.init(.reward)] : [])
        case .evaluate: return [.init(.weights)] + (learned ? [.init(.labels)] : [])
        case .checkpoint: return [.init(.previous, offset: -1), .init(.evaluation), .init(.weights)]
        }
    }

    /// The config sections the stage reads. Its parameter stamp
    /// `params/STAGE.json` holds exactly these, its rules depend on the stamp
    /// rather than the whole config, and its artifacts record them.
    /// A run whose `preference.source` is `return` (every run before
    /// preferences existed) declares no `preference`: its stamps and artifacts
    /// are unchanged.
    public func sections(for config: PipelineConfig) -> [PipelineConfig.Section] {
        let grpo = config.algorithm == .grpo, learned = config.preference.learnsReward
        // Every artifact records the run seed and algorithm, and every stage
        // checks the grid of what it reads. The label and reward stages find
        // the candidate pairs as pair does (rollout.pairs, or grpo's groups).
        let common: [PipelineConfig.Section] = [.seed, .algorithm, .environment]
        let candidates: [PipelineConfig.Section] = grpo ? [.grpo] : [.rollout]
        switch self {
        case .initialize: return common + [.network]
        case .rollout: return common + [.network, .rollout] + (grpo ? [.grpo] : [])
        case .label: return common + candidates + [.preference]
        // Adam's β₁, β₂, ε come from `update`.
        case .reward: return common + candidates + [.update, .preference]
        case .pair: return common + candidates + (learned ? [.preference] : [])
        // The learned returns-to-go use rollout.gamma.
        case .update: return common + [.network, .update] + (grpo ? [.grpo] : []) + (learned && !grpo ? [.rollout, .preference] : [])
        case .evaluate: return common + [.network, .evaluation] + (learned ? [.preference] : [])
        case .checkpoint: return common + [.network]
        }
    }

    /// One line on what the stage does, for `--help`, the report and the process figure.
    public func purpose(for algorithm: PipelineConfig.Algorithm) -> String {
        let grpo = algorithm == .grpo
        switch self {
        case .initialize:
            return grpo ? "initial policy weights (PyTorch nn.Linear init) and empty Adam state; no value network"
                        : "initial policy and value weights (PyTorch nn.Linear init) and empty Adam state"
        case .rollout:
            return grpo ? "sample G episodes from each of S start configurations with the current policy"
                        : "sample P reference and P candidate episodes with the current policy"
        case .label:
            return "ask the labeller (simulated, or a person) about a budget of the rollout's pairs; keep every label so far"
        case .reward:
            return "train the reward model ensemble r̂(s, a) on every label so far (Bradley–Terry), normalise it on the rollout"
        case .pair:
            return grpo ? "group statistics and each episode's group-relative advantage"
                        : "pair reference i with candidate i; the higher return is preferred"
        case .update:
            return grpo ? "GRPO: clipped ratio × group advantage, k3 KL to the reference policy, Adam"
                        : "PPO-clip on the preferred episodes, value MSE to the returns-to-go, Adam"
        case .evaluate:
            return "greedy policy on every start/goal configuration vs the exact optimum; sampled average return"
        case .checkpoint:
            return "keep the best weights so far by exhaustive greedy mean return"
        }
    }

    /// What the output holds and how it is computed, for `--help`.
    public var details: String {
        switch self {
        case .initialize:
            return "PyTorch nn.Linear initialisation (uniform ±1/√fan_in) of the policy (and, for the blog's method, the value network) from the stream (seed, initialize, 0, network), and an empty Adam state."
        case .rollout:
            return "The blog's method: 2·rollout.pairs episodes (P reference, then P candidate); grpo: grpo.group_size episodes from each of grpo.groups_per_iteration starts. Stored ragged: per step the agent cell, action, reward, behaviour log-prob and discounted return-to-go (γ = rollout.gamma); per episode the start, goal, return, length and success. Episode e draws from the stream (seed, rollout, iteration, e) only."
        case .label:
            return "A run with preference.source labeller or file. Candidates: the blog's pairs (reference i, candidate P+i), or for grpo every pair within a group. preference.labels_per_iteration of them are asked, chosen at random (stream (seed, label, iteration, 0)) or by the previous reward model's disagreement (its members' variance of σ(Σr̂_a − Σr̂_b)). The simulated labeller answers P(a ≻ b) = ε/2 + (1−ε)·σ(β·(U_a − U_b)), U the true return less the weighted edge moves and revisits, a tie ½ when U_a = U_b, each answer from the stream (seed, label, iteration, candidate + 1). source: file copies a person's labels from hand/labels-NNNN.h5 (make label-by-hand ITER=n). The output holds every label so far with both episodes' steps; a file a person typed is never overwritten."
        case .reward:
            return "Trains preference.ensemble_size MLPs r̂(s, a) ((2N² + 4) → h → h → 1) with Adam on the Bradley–Terry cross-entropy of every label so far but the held-out ones, warm-started from the previous iteration's model: preference.reward_epochs bootstrap epochs per member from the stream (seed, reward, iteration, member). Then normalises the members' mean over the rollout's steps (preference.normalization) and records the training loss, the held-out accuracy and loss, and on the rollout the correlation of learned and true episode returns."
        case .pair:
            return "The blog's method: pair i compares reference episode i with candidate P+i by total return; the reference is preferred only if strictly higher, so ties prefer the candidate (flagged). With a learned reward the return is the learned one, Σ r̃ over the episode (reward.h5). grpo: each group's mean and standard deviation of returns and each episode's advantage (R − mean) / (scale + ε), scale per grpo.scale; uniform groups flagged, and dropped if grpo.drop_uniform_groups; with a learned reward, of the learned returns."
        case .update:
            return "The blog's method: update.epochs epochs of PPO-clip (advantage = return-to-go − V(s)) and value MSE over the preferred episodes in minibatches of update.minibatch_episodes, with Adam; with a learned reward, G_t and the value targets are its discounted returns-to-go. grpo: grpo.inner_epochs passes of the clipped group-relative objective with the k3 KL penalty toward the reference policy, in minibatches of grpo.minibatch_groups groups; no value network. Writes /metrics too, and refuses to write weights that hold NaN or Inf."
        case .evaluate:
            return "One row per start/goal configuration (distinct floor cells, the goal reachable: N²·(N²−1) on the open grid, 600 on 5×5): greedy return, length, success and the optimal return 1 − 0.1·(d − 1), d the fewest moves by breadth-first search from the goal; attributes summarise success rate, fraction optimal, mean return, mean optimality gap, and the blog's sampled average return over evaluation.sampled_episodes random starts with sampled actions. Always on the true reward; a run with a learned reward also records the labels spent so far (labels.h5) and the greedy policy's mean edge moves and revisits."
        case .checkpoint:
            return "The weights with the highest exhaustive greedy mean return so far, the iteration that produced them, its evaluation summary, and the first iteration whose greedy policy was optimal from every configuration. A tie keeps the earlier iteration."
        }
    }

    /// The stage a file's `stage` attribute names.
    public init(recorded name: String, path: String) throws {
        guard let stage = Stage(rawValue: name) else {
            throw GridGRPOError("\(path): made by an unknown stage '\(name)' (stages: \(Stage.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self = stage
    }
}

