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
        groups: WorldLayout.groups + [NetworkLayout.policy, NetworkLayout.value, NetworkLayout.adam,
                 "\(NetworkLayout.adam)/\(NetworkLayout.policy)", "\(NetworkLayout.adam)/\(NetworkLayout.value)",
                 "\(NetworkLayout.adam)/\(NetworkLayout.policy)/\(NetworkLayout.firstMoment)",
                 "\(NetworkLayout.adam)/\(NetworkLayout.policy)/\(NetworkLayout.secondMoment)",
                 "\(NetworkLayout.adam)/\(NetworkLayout.value)/\(NetworkLayout.firstMoment)",
                 "\(NetworkLayout.adam)/\(NetworkLayout.value)/\(NetworkLayout.secondMoment)", metrics],
        datasets: WorldLayout.datasets + [policyLoss.path, valueLoss.path, referenceKL.path, clipFraction.path, approxKL.path],
        attributes: WorldLayout.attributes + [NetworkLayout.adamStep.name, droppedGroups.name, meanAdvantage.name, trainingSteps.name, gradientSteps.name])
}

extension ArtifactSchema {
    public static func writeWeights(_ agent: Agent, world: GridWorld, metrics: UpdateMetrics?, provenance: Provenance, to path: String) throws {
        typealias Layout = WeightsLayout
        try writeArtifact(to: path, provenance: provenance, world: world) { root in
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
        try readArtifact(path, .weights, world: config.world) { root, provenance in
            let (policy, value) = try readNetworks(from: root, path: path, config: config, value: true)
            let adam = try root.openGroup(NetworkLayout.adam)
            let policyOptimizer = try readAdam(from: try adam.openGroup(NetworkLayout.policy), path: path, network: policy)
            let valueOptimizer = try value.map { try readAdam(from: try adam.openGroup(NetworkLayout.value), path: path, network: $0) }
            let agent = Agent(policy: policy, value: value, policyOptimizer: policyOptimizer, valueOptimizer: valueOptimizer)
            let metrics = root.contains(WeightsLayout.metrics) ? try readMetrics(from: root, path: path, config: config, exact: false) : nil
            return (agent, metrics, provenance)
        }
    }

    /// The networks of a `weights.h5` only, checked as `readWeights` checks
    /// them: the policy, and the value network when `value` is true (the
    /// blog's method). Adam's state and the metrics, which rollout, evaluate
    /// and checkpoint never use, stay unread: a 3×3 evaluate opens 6 of the
    /// file's 36 datasets instead of all (README "Speed").
    public static func readNetworks(path: String, config: PipelineConfig, value: Bool) throws -> (policy: MLP, value: MLP?, provenance: Provenance) {
        try readArtifact(path, .weights, world: config.world) { root, provenance in
            let (policy, valueNet) = try readNetworks(from: root, path: path, config: config, value: value)
            return (policy, valueNet, provenance)
        }
    }

    /// The networks the config's algorithm implies (a value network only for
    /// the blog's method, and only when `value`), each read and checked by
    /// `readNetwork`; a file holding the other algorithm's networks is refused.
    static func readNetworks(from root: HDF5Group, path: String, config: PipelineConfig, value: Bool) throws -> (policy: MLP, value: MLP?) {
        try checkAlgorithm(root, path: path, config: config)
        let template = templateAgent(config)
        let policy = try readNetwork(from: root, name: NetworkLayout.policy, path: path, like: template.policy)
        let valueNet = try template.value.flatMap { value ? try readNetwork(from: root, name: NetworkLayout.value, path: path, like: $0) : nil }
        return (policy, valueNet)
    }

    /// Only the `/metrics` group of an update's `weights.h5`.
    public static func readUpdateMetrics(path: String, config: PipelineConfig) throws -> (metrics: UpdateMetrics, provenance: Provenance) {
        try readArtifact(path, .weights, world: config.world) { root, provenance in
            (try readMetrics(from: root, path: path, config: config, exact: true), provenance)
        }
    }

    /// Every series has one entry per epoch the config runs (update.epochs,
    /// or grpo.inner_epochs), finite; the value loss only for the blog's
    /// method, the reference KL only for GRPO; the counts within the rollout's.
    /// `exact`: the reader holds the whole config (plot), so the epochs and
    /// counts must be the configured ones; a stage reading weights declares
    /// only its own sections (`Stage.sections`), so it checks the series
    /// against each other and bounds them, without reading `update` or `grpo`.
    static func readMetrics(from root: HDF5Group, path: String, config: PipelineConfig, exact: Bool) throws -> UpdateMetrics {
        typealias Layout = WeightsLayout
        guard root.contains(Layout.metrics) else {
            throw GridGRPOError("\(path): has no /\(Layout.metrics) group (initial weights carry none; pass the weights of iterations 1 and later)")
        }
        let bounds = try ArtifactBounds(config: config, path: path)
        let check = DomainCheck(path: path), epochs = bounds.epochs, grpo = config.algorithm == .grpo
        let group = try root.openGroup(Layout.metrics)
        let finite = -Float.greatestFiniteMagnitude...Float.greatestFiniteMagnitude
        var length: Int?
        let maximumEpochs = 100_000
        func series(_ dataset: Dataset<Float>, expected: Bool, range: ClosedRange<Float>, _ what: String) throws -> [Float] {
            guard group.contains(dataset) == expected else {
                throw check.fail(dataset.path, expected ? "is missing" : "is present, but a \(config.algorithm.rawValue) update writes none")
            }
            guard expected else { return [] }
            let values = exact ? try group.read(dataset, shape: [epochs]) : try group.read(dataset, atMost: maximumEpochs)
            try check.require(values.count == (length ?? values.count), dataset.path, "has \(values.count) entries, but \(Layout.policyLoss.path) has \(length ?? 0)")
            length = values.count
            try check.values(values, in: range, dataset.path, what)
            return values
        }
        var metrics = UpdateMetrics()
        metrics.policyLoss = try series(Layout.policyLoss, expected: true, range: finite, "losses")
        metrics.valueLoss = try series(Layout.valueLoss, expected: !grpo, range: 0...Float.greatestFiniteMagnitude, "mean squared errors")
        metrics.referenceKL = try series(Layout.referenceKL, expected: grpo, range: finite, "KL estimates")
        metrics.clipFraction = try series(Layout.clipFraction, expected: true, range: 0...1, "fractions")
        metrics.approxKL = try series(Layout.approxKL, expected: true, range: finite, "KL estimates")
        let metricsName = { (name: String) in "/\(Layout.metrics)@\(name)" }
        metrics.droppedGroups = try check.count(try group.attribute(Layout.droppedGroups), in: 0...(grpo ? (exact ? bounds.groupCount : Int(Int32.max)) : 0), metricsName(Layout.droppedGroups.name))
        metrics.meanAdvantage = try group.attribute(Layout.meanAdvantage)
        try check.value(Double(metrics.meanAdvantage), in: -Double(Float.greatestFiniteMagnitude)...Double(Float.greatestFiniteMagnitude), metricsName(Layout.meanAdvantage.name))
        metrics.trainingSteps = try check.count(try group.attribute(Layout.trainingSteps), in: 0...(exact ? bounds.maximumSteps : Int(Int32.max)), metricsName(Layout.trainingSteps.name))
        metrics.gradientSteps = try check.count(try group.attribute(Layout.gradientSteps), in: 0...Int(Int32.max), metricsName(Layout.gradientSteps.name))
        return metrics
    }
}
