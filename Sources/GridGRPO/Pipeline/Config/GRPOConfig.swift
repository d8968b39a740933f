import Foundation

/// Group Relative Policy Optimization's keys, read when `algorithm: grpo`
/// (docs/grpo.md). Adam's β₁, β₂ and ε come from the `update` section. Each
/// property's initial value is its default; the `keys` table says the rest.
public struct GRPOConfig: ConfigSection {
    public var groupSize: Int = 4
    public var groupsPerIteration: Int = 64
    public var scale: AdvantageScale = .group
    public var advantageEpsilon: Double = 1e-4
    public var lossAggregation: LossAggregation = .sequenceMean
    public var clipEpsilon: Double = 0.2
    public var clipEpsilonHigh: Double = 0.2
    public var innerEpochs: Int = 2
    public var minibatchGroups: Int = 16
    public var learningRate: Double = 0.003
    public var klBeta: Double = 0.01
    public var referenceRefresh: Int = 0
    public var dropUniformGroups: Bool = false

    public static let keys: [ConfigKey<GRPOConfig>] = [
        .number("group_size", \.groupSize, in: 2...4096, "G: episodes sampled from each start configuration"),
        .number("groups_per_iteration", \.groupsPerIteration, in: 1...1_000_000, "S: start configurations (groups) per iteration"),
        .choice("scale", \.scale, "denominator of the advantage: group std (GRPO), batch std, or none (Dr. GRPO)"),
        .number("advantage_epsilon", \.advantageEpsilon, in: 1e-12...1, "ε in Â = (R − mean) / (std + ε)"),
        .choice("loss_aggregation", \.lossAggregation,
                "how step losses are combined: mean per episode then over episodes (GRPO), mean over all steps (DAPO), "
                    + "or each episode's sum over `environment.max_steps` (Dr. GRPO)"),
        .number("clip_epsilon", \.clipEpsilon, in: 0.001...1, "lower clip ε: ratios below 1 − ε are clipped"),
        .number("clip_epsilon_high", \.clipEpsilonHigh, in: 0.001...10,
                "upper clip ε: ratios above 1 + ε are clipped (DAPO's clip-higher when larger than `clip_epsilon`)"),
        .number("inner_epochs", \.innerEpochs, in: 1...1000, "μ: passes over the iteration's groups"),
        .number("minibatch_groups", \.minibatchGroups, in: 1...1_000_000, "groups per Adam step",
                allowedNote: "1…grpo.groups_per_iteration"),
        .number("learning_rate", \.learningRate, in: 1e-9...1, "Adam learning rate of the policy (β₁, β₂, ε from `update`)"),
        .number("kl_beta", \.klBeta, in: 0...100, "β of the k3 KL penalty toward the reference policy π_ref (0 = none, π_ref is not read)"),
        .number("reference_refresh", \.referenceRefresh, in: 0...100_000,
                "0: π_ref is the initial policy; R > 0: refreshed every R iterations (iteration n uses iteration R·⌊(n−1)/R⌋'s weights; the DAG's π_ref inputs follow it)"),
        .flag("drop_uniform_groups", \.dropUniformGroups, "skip groups whose returns are all equal (DAPO's dynamic sampling)"),
    ]

    public init() {}

    /// The iteration whose weights are π_ref for the update of iteration n ≥ 1.
    public func referenceIteration(for iteration: Int) -> Int {
        referenceRefresh == 0 ? 0 : referenceRefresh * ((iteration - 1) / referenceRefresh)
    }
}
