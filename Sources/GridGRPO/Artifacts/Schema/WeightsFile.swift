/// `weights.h5`: the networks (`NetworkLayout`), Adam's state and, from
/// iteration 1 on, what the update measured.
public enum WeightsLayout {
    /// Absent in the initial weights.
    public static let metrics = "metrics"
    public static let policyLoss = Dataset<Float>("policy_loss", in: metrics)
    /// The blog's method only.
    public static let valueLoss = Dataset<Float>("value_loss", in: metrics)
    /// GRPO only.
    public static let referenceKL = Dataset<Float>("reference_kl", in: metrics)
    public static let clipFraction = Dataset<Float>("clip_fraction", in: metrics)
    public static let approxKL = Dataset<Float>("approx_kl", in: metrics)
    /// On `/metrics`.
    public static let droppedGroups = Attribute<Int64>("dropped_groups")
    public static let meanAdvantage = Attribute<Float>("mean_advantage")
    public static let trainingSteps = Attribute<Int64>("training_steps")
    public static let gradientSteps = Attribute<Int64>("gradient_steps")

    public static let layout = ArtifactLayout(
        file: "weights.h5",
        groups: [NetworkLayout.policy, NetworkLayout.value, NetworkLayout.adam,
                 "\(NetworkLayout.adam)/\(NetworkLayout.policy)", "\(NetworkLayout.adam)/\(NetworkLayout.value)",
                 "\(NetworkLayout.adam)/\(NetworkLayout.policy)/\(NetworkLayout.firstMoment)",
                 "\(NetworkLayout.adam)/\(NetworkLayout.policy)/\(NetworkLayout.secondMoment)",
                 "\(NetworkLayout.adam)/\(NetworkLayout.value)/\(NetworkLayout.firstMoment)",
                 "\(NetworkLayout.adam)/\(NetworkLayout.value)/\(NetworkLayout.secondMoment)", metrics],
        datasets: [policyLoss.path, valueLoss.path, referenceKL.path, clipFraction.path, approxKL.path],
        attributes: [NetworkLayout.adamStep.name, droppedGroups.name, meanAdvantage.name, trainingSteps.name, gradientSteps.name])
}

extension ArtifactSchema {
    public static func writeWeights(_ agent: Agent, metrics: UpdateMetrics?, provenance: Provenance, to path: String) throws {
        typealias Layout = WeightsLayout
        try writeArtifact(to: path, provenance: provenance) { root in
            try writeNetwork(agent.policy, to: try root.createGroup(NetworkLayout.policy))
            if let value = agent.value { try writeNetwork(value, to: try root.createGroup(NetworkLayout.value)) }
            let adam = try root.createGroup(NetworkLayout.adam)
            try writeAdam(agent.policyOptimizer, network: agent.policy, to: try adam.createGroup(NetworkLayout.policy))
            if let value = agent.value, let optimizer = agent.valueOptimizer {
                try writeAdam(optimizer, network: value, to: try adam.createGroup(NetworkLayout.value))
            }
            if let metrics {
                let group = try root.createGroup(Layout.metrics)
                try group.write(Layout.policyLoss, metrics.policyLoss)
                if !metrics.valueLoss.isEmpty { try group.write(Layout.valueLoss, metrics.valueLoss) }
                if !metrics.referenceKL.isEmpty { try group.write(Layout.referenceKL, metrics.referenceKL) }
                try group.setAttribute(Layout.droppedGroups, Int64(metrics.droppedGroups))
                try group.write(Layout.clipFraction, metrics.clipFraction)
                try group.write(Layout.approxKL, metrics.approxKL)
                try group.setAttribute(Layout.meanAdvantage, metrics.meanAdvantage)
                try group.setAttribute(Layout.trainingSteps, Int64(metrics.trainingSteps))
                try group.setAttribute(Layout.gradientSteps, Int64(metrics.gradientSteps))
            }
        }
    }

    public static func readWeights(path: String, config: PipelineConfig) throws -> (agent: Agent, metrics: UpdateMetrics?, provenance: Provenance) {
        try readArtifact(path, .weights) { root, provenance in
            try checkAlgorithm(root, path: path, config: config)
            var agent = templateAgent(config)
            agent.policy = try readNetwork(from: root, name: NetworkLayout.policy, path: path, like: agent.policy)
            let adam = try root.openGroup(NetworkLayout.adam)
            agent.policyOptimizer = try readAdam(from: try adam.openGroup(NetworkLayout.policy), path: path, network: agent.policy)
            if let template = agent.value {
                let value = try readNetwork(from: root, name: NetworkLayout.value, path: path, like: template)
                agent.value = value
                agent.valueOptimizer = try readAdam(from: try adam.openGroup(NetworkLayout.value), path: path, network: value)
            }
            let metrics = root.contains(WeightsLayout.metrics) ? try readMetrics(from: root, path: path) : nil
            return (agent, metrics, provenance)
        }
    }

    /// Only the `/metrics` group of an update's `weights.h5`.
    public static func readUpdateMetrics(path: String) throws -> (metrics: UpdateMetrics, provenance: Provenance) {
        try readArtifact(path, .weights) { root, provenance in
            (try readMetrics(from: root, path: path), provenance)
        }
    }

    static func readMetrics(from root: HDF5Group, path: String) throws -> UpdateMetrics {
        typealias Layout = WeightsLayout
        guard root.contains(Layout.metrics) else {
            throw GridGRPOError("\(path): has no /\(Layout.metrics) group (initial weights carry none; pass the weights of iterations 1 and later)")
        }
        let group = try root.openGroup(Layout.metrics)
        var metrics = UpdateMetrics()
        metrics.policyLoss = try group.read(Layout.policyLoss).values
        if group.contains(Layout.valueLoss) { metrics.valueLoss = try group.read(Layout.valueLoss).values }
        if group.contains(Layout.referenceKL) { metrics.referenceKL = try group.read(Layout.referenceKL).values }
        metrics.droppedGroups = Int(try group.attribute(Layout.droppedGroups))
        metrics.clipFraction = try group.read(Layout.clipFraction).values
        metrics.approxKL = try group.read(Layout.approxKL).values
        metrics.meanAdvantage = try group.attribute(Layout.meanAdvantage)
        metrics.trainingSteps = Int(try group.attribute(Layout.trainingSteps))
        metrics.gradientSteps = Int(try group.attribute(Layout.gradientSteps))
        guard !metrics.policyLoss.isEmpty, metrics.valueLoss.isEmpty || metrics.policyLoss.count == metrics.valueLoss.count else {
            throw GridGRPOError("\(path): \(Layout.policyLoss.path) must be non-empty and \(Layout.valueLoss.path), if present, of the same length")
        }
        return metrics
    }
}
