import Foundation

/// Where the policy's preferences come from, and the reward model learned from
/// them (docs/preferences.md). The default, `source: return`, is the blog's
/// rule: the pipeline compares true returns and has no label or reward stage.
/// Each property's initial value is its default; the `keys` table says the rest.
public struct PreferenceConfig: ConfigSection {
    public var source: Source = .return
    public var rationality: Double = 0
    public var errorRate: Double = 0
    public var edgeWeight: Double = 0
    public var revisitWeight: Double = 0
    public var labelsPerIteration: Int = 100
    public var selection: Selection = .random
    public var ensembleSize: Int = 3
    public var rewardHiddenSize: Int = 32
    public var rewardEpochs: Int = 4
    public var rewardMinibatch: Int = 16
    public var rewardLearningRate: Double = 0.003
    public var heldOutFraction: Double = 0.1
    public var warmStart: Bool = true
    public var normalization: Normalization = .scale
    public var rewardScale: Double = 0.1

    public enum Source: String, Codable, Sendable, CaseIterable {
        /// The blog's rule: the higher true return is preferred; no labels, no reward model.
        case `return`
        /// A simulated person (Bradley–Terry, with errors) labels pairs; a reward model learns from them.
        case labeller
        /// A person's labels, typed earlier with `make label-by-hand` (`label --interactive`).
        case file
    }

    public enum Selection: String, Codable, Sendable, CaseIterable {
        /// Pairs drawn uniformly from the iteration's candidates.
        case random
        /// The pairs on which the previous iteration's ensemble disagrees most (Christiano et al.).
        case disagreement
    }

    public enum Normalization: String, Codable, Sendable, CaseIterable {
        /// r̃ = s·r̂ / rms(r̂): the scale fixed, the per-step mean kept.
        case scale
        /// r̃ = s·(r̂ − mean) / std (Christiano et al.): zero mean, standard deviation s.
        case standardize
        /// r̃ = r̂.
        case none
    }

    public static let keys: [ConfigKey<PreferenceConfig>] = [
        .choice("source", \.source,
                "`return`: the blog's rule, the higher true return is preferred (no label or reward stage); `labeller`: a simulated "
                    + "person answers Bradley–Terry queries and a reward model learned from the labels replaces the reward; `file`: a "
                    + "person's labels typed with `make label-by-hand` ([preferences.md](preferences.md))"),
        .number("rationality", \.rationality, in: 0...1_000_000,
                "β of the labeller's choice P(a ≻ b) = σ(β·(U_a − U_b)); 0 means deterministic (β = ∞: the higher utility always wins, the blog's rule)"),
        .number("error_rate", \.errorRate, in: 0...1,
                "ε: with this probability the labeller answers a or b uniformly at random (Christiano et al. assumed 10%)"),
        .number("edge_weight", \.edgeWeight, in: 0...100,
                "utility U = return − edge_weight·(moves into the grid's edge or a wall) − revisit_weight·(moves onto a cell visited before in the episode)"),
        .number("revisit_weight", \.revisitWeight, in: 0...100, "see `edge_weight`"),
        .number("labels_per_iteration", \.labelsPerIteration, in: 1...1_000_000,
                "queries answered per iteration (the person's budget per iteration)", allowedNote: "1…candidate pairs per iteration"),
        .choice("selection", \.selection,
                "which candidate pairs are asked: `random`, or `disagreement`: those whose preference the previous iteration's "
                    + "ensemble members disagree on most (variance of σ(Σr̂_a − Σr̂_b); random at iteration 1)"),
        .number("ensemble_size", \.ensembleSize, in: 1...64, "k: reward models trained side by side (own initialisation and bootstrap of the labels)"),
        .number("reward_hidden_size", \.rewardHiddenSize, in: 1...1024, "width of both hidden layers of r̂(s, a): (2N² + 4) → h → h → 1"),
        .number("reward_epochs", \.rewardEpochs, in: 1...1000, "passes over all labels so far per iteration, per member"),
        .number("reward_minibatch", \.rewardMinibatch, in: 1...1_000_000, "labels per Adam step of the reward model"),
        .number("reward_learning_rate", \.rewardLearningRate, in: 1e-9...1, "Adam learning rate of the reward model (β₁, β₂, ε from `update`)"),
        .number("held_out_fraction", \.heldOutFraction, in: 0...0.9,
                "share of labels never trained on, for the held-out accuracy (each label's draw is fixed for the run)"),
        .flag("warm_start", \.warmStart, "start each iteration's training from the previous iteration's model (false: from the initial one)"),
        .choice("normalization", \.normalization,
                "how r̂ is normalised over the iteration's rollout steps: `scale` (divide by the root mean square), `standardize` "
                    + "(zero mean, as Christiano et al.), `none`"),
        .number("reward_scale", \.rewardScale, in: 1e-6...1000, "s: the learned reward's root mean square (`scale`) or standard deviation (`standardize`)"),
    ]

    public init() {}

    /// Whether the pipeline learns a reward from labels (and has the label and reward stages).
    public var learnsReward: Bool { source != .return }

    /// The labeller's β; nil when deterministic.
    public var beta: Double? { rationality == 0 ? nil : rationality }
}

extension PipelineConfig {
    /// One config per combination of the choices that change a stage's inputs
    /// or sections: each algorithm with the blog's `return` source, and with
    /// a person's labels and disagreement selection (which reads the most).
    /// Flags, help and the generated tables cover these.
    public static var variants: [PipelineConfig] {
        PipelineConfig.Algorithm.allCases.flatMap { algorithm -> [PipelineConfig] in
            var plain = PipelineConfig()
            plain.algorithm = algorithm
            var learned = plain
            learned.preference.source = .file
            learned.preference.selection = .disagreement
            learned.preference.ensembleSize = max(2, learned.preference.ensembleSize)
            return [plain, learned]
        }
    }

    /// A short name of a variant for tables and help: `preference`, `grpo`,
    /// `preference, learned reward`, …
    public var variantName: String {
        algorithm.rawValue + (preference.learnsReward ? ", learned reward" : "")
    }

    /// The pairs the label stage may ask about in one iteration: the blog's
    /// P (reference i, candidate i), or for GRPO every pair within a group.
    public var candidatePairCount: Int {
        algorithm == .grpo ? grpo.groupsPerIteration * (grpo.groupSize * (grpo.groupSize - 1) / 2) : rollout.pairs
    }
}
