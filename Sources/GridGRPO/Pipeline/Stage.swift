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
/// checkpoint from iteration n−1's weights and best.
///
/// Adding a stage: a case here with its facts below, and its body in
/// `Stages` (dispatched from `run`). Nothing else names it.
public enum Stage: String, CaseIterable, Sendable {
    case initialize, rollout, pair, update, evaluate, checkpoint

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
        case .rollout, .pair, .update: return iteration >= 1
        }
    }

    /// The first iteration the stage runs at.
    public var firstIteration: Int { runs(at: 0) ? 0 : 1 }

    /// Whether the stage takes `--iteration` (every stage but the initial weights).
    public var takesIteration: Bool { self != .initialize }

    /// Whether the stage splits its work over threads (`--threads`, the config's `threads`).
    public var takesThreads: Bool { [.rollout, .update, .evaluate].contains(self) }

    /// The file the stage writes, in its iteration's folder.
    public func output(for algorithm: PipelineConfig.Algorithm) -> String {
        switch self {
        case .initialize, .update: return "weights.h5"
        case .rollout: return "rollout.h5"
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
        case .pair: return algorithm == .grpo ? .groups : .pairs
        case .evaluate: return .evaluation
        case .checkpoint: return .best
        }
    }

    /// The files the stage reads besides the config, in the order of its command line.
    public func inputs(for algorithm: PipelineConfig.Algorithm) -> [StageInput] {
        let grpo = algorithm == .grpo
        switch self {
        case .initialize: return []
        case .rollout: return [.init(.weights, offset: -1)]
        case .pair: return [.init(.rollout)]
        case .update:
            return [.init(.weights, offset: -1), .init(.rollout), grpo ? .init(.groups) : .init(.pairs)]
                + (grpo ? [.init(.reference, offset: -1)] : [])
        case .evaluate: return [.init(.weights)]
        case .checkpoint: return [.init(.previous, offset: -1), .init(.evaluation), .init(.weights)]
        }
    }

    /// The config sections the stage reads. Its parameter stamp
    /// `params/STAGE.json` holds exactly these, its rules depend on the stamp
    /// rather than the whole config, and its artifacts record them.
    public func sections(for algorithm: PipelineConfig.Algorithm) -> [PipelineConfig.Section] {
        let grpo = algorithm == .grpo
        // Every artifact records the run seed and algorithm, and every stage
        // checks the grid of what it reads.
        let common: [PipelineConfig.Section] = [.seed, .algorithm, .environment]
        switch self {
        case .initialize: return common + [.network]
        case .rollout: return common + [.network, .rollout] + (grpo ? [.grpo] : [])
        case .pair: return common + (grpo ? [.grpo] : [.rollout])
        case .update: return common + [.network, .update] + (grpo ? [.grpo] : [])
        case .evaluate: return common + [.network, .evaluation]
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
        case .pair:
            return "The blog's method: pair i compares reference episode i with candidate P+i by total return; the reference is preferred only if strictly higher, so ties prefer the candidate (flagged). grpo: each group's mean and standard deviation of returns and each episode's advantage (R − mean) / (scale + ε), scale per grpo.scale; uniform groups flagged, and dropped if grpo.drop_uniform_groups."
        case .update:
            return "The blog's method: update.epochs epochs of PPO-clip (advantage = return-to-go − V(s)) and value MSE over the preferred episodes in minibatches of update.minibatch_episodes, with Adam. grpo: grpo.inner_epochs passes of the clipped group-relative objective with the k3 KL penalty toward the reference policy, in minibatches of grpo.minibatch_groups groups; no value network. Writes /metrics too, and refuses to write weights that hold NaN or Inf."
        case .evaluate:
            return "One row per start/goal configuration (distinct floor cells, the goal reachable: N²·(N²−1) on the open grid, 600 on 5×5): greedy return, length, success and the optimal return 1 − 0.1·(d − 1), d the fewest moves by breadth-first search from the goal; attributes summarise success rate, fraction optimal, mean return, mean optimality gap, and the blog's sampled average return over evaluation.sampled_episodes random starts with sampled actions."
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

/// What an input file is to the stage that reads it. The role is the flag
/// (`--weights`), the name the provenance records (`input.weights`) and the
/// key of the stage body's paths.
public enum InputRole: String, CaseIterable, Sendable {
    case weights, rollout, pairs, groups, reference, previous, evaluation

    public var flag: String { "--" + rawValue }

    /// The `--help` line of the flag.
    public var help: String {
        switch self {
        case .weights: return "weights.h5 (of iteration N−1 for rollout and update, of iteration N for evaluate and checkpoint)"
        case .rollout: return "rollout.h5 of iteration N"
        case .pairs: return "pairs.h5 of iteration N (algorithm: preference)"
        case .groups: return "groups.h5 of iteration N (algorithm: grpo)"
        case .reference: return "weights.h5 of the reference policy's iteration (grpo with kl_beta > 0)"
        case .previous: return "best.h5 of iteration N−1 (omitted at iteration 0)"
        case .evaluation: return "eval.h5 of iteration N"
        }
    }
}

/// One input of a stage: which file of which iteration, relative to the
/// iteration the stage runs at.
public struct StageInput: Sendable, Equatable {
    public let role: InputRole
    public let iterationOffset: Int

    public init(_ role: InputRole, offset: Int = 0) {
        self.role = role
        self.iterationOffset = offset
    }

    /// The file name in its iteration folder.
    public func file(for algorithm: PipelineConfig.Algorithm) -> String {
        switch role {
        case .weights, .reference: return "weights.h5"
        case .rollout: return "rollout.h5"
        case .pairs: return "pairs.h5"
        case .groups: return "groups.h5"
        case .previous: return "best.h5"
        case .evaluation: return "eval.h5"
        }
    }

    /// The iteration whose file the stage reads at `iteration`, or nil when
    /// it reads none there (no earlier iteration; GRPO without a KL penalty
    /// never reads the reference policy).
    public func sourceIteration(at iteration: Int, config: PipelineConfig) -> Int? {
        if role == .reference {
            return config.grpo.klBeta > 0 ? config.grpo.referenceIteration(for: iteration) : nil
        }
        let source = iteration + iterationOffset
        return source >= 0 ? source : nil
    }
}
