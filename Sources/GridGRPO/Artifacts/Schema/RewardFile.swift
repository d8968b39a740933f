/// `reward.h5`: the reward model r̂(s, a) of an iteration (an ensemble of
/// MLPs with their Adam states), the normalisation the policy's stages apply,
/// and what its training measured.
public enum RewardLayout {
    public static let gridSize = Attribute<Int64>("grid_size")
    public static let ensembleSize = Attribute<Int64>("ensemble_size")
    public static let hiddenSize = Attribute<Int64>("hidden_size")
    public static let normalization = Attribute<String>("normalization")
    public static let rewardShift = Attribute<Float>("reward_shift")
    public static let rewardScale = Attribute<Float>("reward_scale")
    public static let labelCount = Attribute<Int64>("label_count")
    public static let trainingCount = Attribute<Int64>("training_label_count")
    public static let heldOutCount = Attribute<Int64>("held_out_count")
    public static let heldOutAccuracy = Attribute<Double>("held_out_accuracy")
    public static let heldOutLoss = Attribute<Double>("held_out_loss")
    public static let trainingAccuracy = Attribute<Double>("training_accuracy")
    public static let returnCorrelation = Attribute<Double>("return_correlation")
    public static let pairAgreement = Attribute<Double>("pair_agreement")

    /// `/ensemble/member_K`: each member's `state_dict` tensors.
    public static let ensemble = "ensemble"
    /// `/adam/member_K/exp_avg/…`, `exp_avg_sq/…`, attribute `step`.
    public static let adam = "adam"
    public static func member(_ index: Int) -> String { "member_\(index)" }

    public static let metrics = "metrics"
    public static let trainingLoss = Dataset<Float>("training_loss", in: metrics)

    public static let layout = ArtifactLayout(
        file: "reward.h5", groups: [ensemble, adam, metrics, "\(ensemble)/member_K", "\(adam)/member_K"],
        datasets: [trainingLoss.path],
        attributes: [gridSize.name, ensembleSize.name, hiddenSize.name, normalization.name, rewardShift.name, rewardScale.name,
                     labelCount.name, trainingCount.name, heldOutCount.name, heldOutAccuracy.name, heldOutLoss.name,
                     trainingAccuracy.name, returnCorrelation.name, pairAgreement.name, NetworkLayout.adamStep.name])
}

/// What the reward stage measured.
public struct RewardMetrics: Equatable, Sendable {
    public var labelCount = 0
    public var trainingCount = 0
    public var heldOutCount = 0
    /// Share of held-out strict labels the ensemble's mean reward orders as the
    /// labeller did; NaN without held-out strict labels.
    public var heldOutAccuracy = Double.nan
    public var heldOutLoss = Double.nan
    public var trainingAccuracy = Double.nan
    /// Pearson correlation, over the iteration's rollout, of the learned (normalised) and the true episode returns.
    public var returnCorrelation = Double.nan
    /// Share of the rollout's candidate pairs with unequal true returns that the learned returns order the same way.
    public var pairAgreement = Double.nan
    /// Per epoch, the mean Bradley–Terry loss over the members.
    public var trainingLoss: [Float] = []

    public init() {}
}

extension ArtifactSchema {
    public static func writeReward(_ ensemble: RewardEnsemble, metrics: RewardMetrics, config: PipelineConfig,
                                   provenance: Provenance, to path: String) throws {
        typealias Layout = RewardLayout
        try writeArtifact(to: path, provenance: provenance, world: config.world) { root in
            try root.setAttribute(Layout.gridSize, Int64(config.environment.gridSize))
            try root.setAttribute(Layout.ensembleSize, Int64(ensemble.members.count))
            try root.setAttribute(Layout.hiddenSize, Int64(config.preference.rewardHiddenSize))
            try root.setAttribute(Layout.normalization, config.preference.normalization.rawValue)
            try root.setAttribute(Layout.rewardShift, ensemble.shift)
            try root.setAttribute(Layout.rewardScale, ensemble.scale)
            try root.setAttribute(Layout.labelCount, Int64(metrics.labelCount))
            try root.setAttribute(Layout.trainingCount, Int64(metrics.trainingCount))
            try root.setAttribute(Layout.heldOutCount, Int64(metrics.heldOutCount))
            try root.setAttribute(Layout.heldOutAccuracy, metrics.heldOutAccuracy)
            try root.setAttribute(Layout.heldOutLoss, metrics.heldOutLoss)
            try root.setAttribute(Layout.trainingAccuracy, metrics.trainingAccuracy)
            try root.setAttribute(Layout.returnCorrelation, metrics.returnCorrelation)
            try root.setAttribute(Layout.pairAgreement, metrics.pairAgreement)
            let members = try root.createGroup(Layout.ensemble)
            let adam = try root.createGroup(Layout.adam)
            for (index, member) in ensemble.members.enumerated() {
                try writeNetwork(member, to: try members.createGroup(Layout.member(index)))
                try writeAdam(ensemble.optimizers[index], network: member, to: try adam.createGroup(Layout.member(index)))
            }
            let group = try root.createGroup(Layout.metrics)
            try group.write(Layout.trainingLoss, metrics.trainingLoss)
        }
    }

    /// A reward model of the config's shape (grid, `ensemble_size`,
    /// `reward_hidden_size`), its weights and moments finite, its
    /// normalisation finite with a positive scale, its rates in 0...1 or NaN.
    public static func readReward(path: String, config: PipelineConfig) throws -> (ensemble: RewardEnsemble, metrics: RewardMetrics, provenance: Provenance) {
        typealias Layout = RewardLayout
        return try readArtifact(path, .reward, world: config.world) { root, provenance in
            let world = config.world, preference = config.preference
            let (grid, size, hidden) = (try root.attribute(Layout.gridSize), try root.attribute(Layout.ensembleSize), try root.attribute(Layout.hiddenSize))
            guard grid == world.size, size == preference.ensembleSize, hidden == preference.rewardHiddenSize else {
                throw GridGRPOError("\(path): a reward model for grid \(grid), \(size) members of width \(hidden), but the config needs grid \(world.size), ensemble_size \(preference.ensembleSize), reward_hidden_size \(preference.rewardHiddenSize)")
            }
            let template = RewardEnsemble.template(world: world, hiddenSize: preference.rewardHiddenSize)
            var ensemble = RewardEnsemble(members: [], optimizers: [])
            let members = try root.openGroup(Layout.ensemble), adam = try root.openGroup(Layout.adam)
            for index in 0..<preference.ensembleSize {
                let member = try readNetwork(from: members, name: Layout.member(index), path: path, like: template)
                ensemble.members.append(member)
                ensemble.optimizers.append(try readAdam(from: try adam.openGroup(Layout.member(index)), path: path, network: member))
            }
            ensemble.shift = try root.attribute(Layout.rewardShift)
            ensemble.scale = try root.attribute(Layout.rewardScale)
            guard ensemble.shift.isFinite, ensemble.scale.isFinite, ensemble.scale > 0 else {
                throw GridGRPOError("\(path): \(Layout.rewardShift.name) \(ensemble.shift) and \(Layout.rewardScale.name) \(ensemble.scale) must be finite, the scale positive")
            }
            let metrics = try rewardMetrics(from: root, path: path, config: config)
            return (ensemble, metrics, provenance)
        }
    }
}

extension ArtifactSchema {
    /// Only the measurements of a reward.h5 of a run of `config` (its
    /// attributes and /metrics), for curves over a run; the networks are not read.
    public static func readRewardMetrics(path: String, config: PipelineConfig) throws -> (metrics: RewardMetrics, provenance: Provenance) {
        try readArtifact(path, .reward, world: config.world) { root, provenance in
            (try rewardMetrics(from: root, path: path, config: config), provenance)
        }
    }

    /// The measurements, each checked in its domain: counts that add up,
    /// rates in 0...1 and a correlation in −1...1 (or NaN where there was
    /// nothing to measure), finite non-negative losses.
    static func rewardMetrics(from root: HDF5Group, path: String, config: PipelineConfig) throws -> RewardMetrics {
        typealias Layout = RewardLayout
        let bounds = try ArtifactBounds(config: config, path: path)
        let check = DomainCheck(path: path)
        var metrics = RewardMetrics()
        metrics.labelCount = try check.count(try root.attribute(Layout.labelCount), in: 1...max(1, bounds.labels), Layout.labelCount.name)
        metrics.trainingCount = try check.count(try root.attribute(Layout.trainingCount), in: 0...metrics.labelCount, Layout.trainingCount.name)
        metrics.heldOutCount = try check.count(try root.attribute(Layout.heldOutCount), in: 0...metrics.labelCount, Layout.heldOutCount.name)
        metrics.heldOutAccuracy = try root.attribute(Layout.heldOutAccuracy)
        metrics.heldOutLoss = try root.attribute(Layout.heldOutLoss)
        metrics.trainingAccuracy = try root.attribute(Layout.trainingAccuracy)
        metrics.returnCorrelation = try root.attribute(Layout.returnCorrelation)
        metrics.pairAgreement = try root.attribute(Layout.pairAgreement)
        let group = try root.openGroup(Layout.metrics)
        let losses = try group.read(Layout.trainingLoss, shape: [config.preference.rewardEpochs])
        metrics.trainingLoss = losses
        let rates = [metrics.heldOutAccuracy, metrics.trainingAccuracy, metrics.pairAgreement]
        guard metrics.trainingCount >= 1, metrics.heldOutCount >= 0, metrics.trainingCount + metrics.heldOutCount == metrics.labelCount else {
            throw GridGRPOError("\(path): label counts \(metrics.trainingCount) + \(metrics.heldOutCount) ≠ \(metrics.labelCount)")
        }
        guard rates.allSatisfy({ $0.isNaN || (0...1).contains($0) }),
              metrics.returnCorrelation.isNaN || (-1.000001...1.000001).contains(metrics.returnCorrelation),
              metrics.heldOutLoss.isNaN || metrics.heldOutLoss >= 0 else {
            throw GridGRPOError("\(path): an accuracy, agreement or correlation attribute is outside its range")
        }
        guard !losses.isEmpty, losses.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw GridGRPOError("\(path): \(Layout.trainingLoss.path) must be a non-empty list of finite, non-negative losses")
        }
        return metrics
    }
}
