/// The HDF5 layout of each artifact kind: how the domain values are written
/// and read back, with the checks a reader needs (schema, shapes, ranges,
/// finite weights). `docs/artifacts.md` documents the same layout for h5py users.
public enum ArtifactSchema {

    // MARK: rollout.h5

    public static func writeRollout(_ episodes: Episodes, world: GridWorld, gamma: Double, provenance: Provenance, to path: String) throws {
        let writer = try RolloutWriter(path: path, world: world, gamma: gamma, provenance: provenance, grouped: !episodes.groups.isEmpty)
        try writer.append(episodes)
        try writer.commit()
    }

    /// The step count a rollout.h5 records, without reading its episodes.
    public static func readRolloutSummary(path: String) throws -> Int {
        try withHDF5 {
            let reader = try HDF5Reader(path: path)
            _ = try Provenance.read(from: reader.root, path: path, expecting: .rollout)
            return Int(try reader.root.attribute("step_count", as: Int64.self))
        }
    }

    public static func readRollout(path: String, world: GridWorld) throws -> (episodes: Episodes, provenance: Provenance) {
        try withHDF5 {
            let reader = try HDF5Reader(path: path)
            let root = reader.root
            let provenance = try Provenance.read(from: root, path: path, expecting: .rollout)
            let gridSize = try root.attribute("grid_size", as: Int64.self)
            guard gridSize == world.size else {
                throw GridGRPOError("\(path): made for grid_size \(gridSize), but the config says \(world.size)")
            }
            let perEpisode = try root.openGroup("episodes")
            let offsets = try perEpisode.read("offsets", as: Int64.self).values.map(Int.init)
            guard let first = offsets.first, first == 0, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw GridGRPOError("\(path): /episodes/offsets must start at 0 and never decrease")
            }
            let count = offsets.count - 1
            let stepCount = offsets[count]
            var episodes = Episodes()
            episodes.offsets = offsets
            episodes.starts = try perEpisode.read("agent_start", as: UInt8.self, shape: [count]).map(Int.init)
            episodes.goals = try perEpisode.read("goal", as: UInt8.self, shape: [count]).map(Int.init)
            episodes.returns = try perEpisode.read("return", as: Float.self, shape: [count])
            episodes.successes = try perEpisode.read("success", as: UInt8.self, shape: [count]).map { $0 != 0 }
            if perEpisode.contains("group") {
                episodes.groups = try perEpisode.read("group", as: Int32.self, shape: [count]).map(Int.init)
            }
            let steps = try root.openGroup("steps")
            episodes.agentCells = try steps.read("agent_cell", as: UInt8.self, shape: [stepCount]).map(Int.init)
            episodes.actions = try steps.read("action", as: UInt8.self, shape: [stepCount]).map(Int.init)
            episodes.rewards = try steps.read("reward", as: Float.self, shape: [stepCount])
            episodes.logProbs = try steps.read("log_prob", as: Float.self, shape: [stepCount])
            episodes.returnsToGo = try steps.read("return_to_go", as: Float.self, shape: [stepCount])
            let cells = world.cellCount
            guard (episodes.starts + episodes.goals + episodes.agentCells).allSatisfy({ $0 < cells }) else {
                throw GridGRPOError("\(path): a cell index is outside the \(world.size)×\(world.size) grid")
            }
            guard episodes.actions.allSatisfy({ $0 < GridWorld.actionCount }) else {
                throw GridGRPOError("\(path): /steps/action holds a value outside 0...3")
            }
            guard (episodes.logProbs + episodes.returnsToGo + episodes.rewards).allSatisfy({ $0.isFinite }) else {
                throw GridGRPOError("\(path): /steps holds NaN or Inf")
            }
            return (episodes, provenance)
        }
    }

    // MARK: pairs.h5

    public static func writePairs(_ pairs: PreferencePairs, provenance: Provenance, to path: String) throws {
        try withHDF5 {
            let writer = try HDF5Writer(path: path)
            let root = writer.root
            try provenance.write(to: root)
            try root.setAttribute("pair_count", Int64(pairs.count))
            try root.setAttribute("tie_count", Int64(pairs.ties.filter { $0 }.count))
            try root.setAttribute("tie_rule", "reference preferred only if its return is strictly higher; ties prefer the candidate")
            try root.write("preferred", pairs.preferred.map(Int32.init))
            try root.write("rejected", pairs.rejected.map(Int32.init))
            try root.write("preferred_return", pairs.preferredReturns)
            try root.write("rejected_return", pairs.rejectedReturns)
            try root.write("tie", pairs.ties.map { UInt8($0 ? 1 : 0) })
            try writer.commit()
        }
    }

    public static func readPairs(path: String, episodeCount: Int) throws -> (pairs: PreferencePairs, provenance: Provenance) {
        try withHDF5 {
            let reader = try HDF5Reader(path: path)
            let root = reader.root
            let provenance = try Provenance.read(from: root, path: path, expecting: .pairs)
            let (preferred, shape) = try root.read("preferred", as: Int32.self)
            guard shape.count == 1 else { throw GridGRPOError("\(path): /preferred must be one-dimensional") }
            var pairs = PreferencePairs()
            pairs.preferred = preferred.map(Int.init)
            pairs.rejected = try root.read("rejected", as: Int32.self, shape: shape).map(Int.init)
            pairs.preferredReturns = try root.read("preferred_return", as: Float.self, shape: shape)
            pairs.rejectedReturns = try root.read("rejected_return", as: Float.self, shape: shape)
            pairs.ties = try root.read("tie", as: UInt8.self, shape: shape).map { $0 != 0 }
            guard (pairs.preferred + pairs.rejected).allSatisfy({ $0 >= 0 && $0 < episodeCount }) else {
                throw GridGRPOError("\(path): an episode index is outside the rollout's \(episodeCount) episodes (pairs from another rollout?)")
            }
            return (pairs, provenance)
        }
    }

    // MARK: groups.h5 (GRPO)

    public static func writeGroups(_ groups: GroupAdvantages, config: GRPOConfig, provenance: Provenance, to path: String) throws {
        try withHDF5 {
            let writer = try HDF5Writer(path: path)
            let root = writer.root
            try provenance.write(to: root)
            try root.setAttribute("group_size", Int64(groups.groupSize))
            try root.setAttribute("group_count", Int64(groups.groupCount))
            try root.setAttribute("scale", config.scale.rawValue)
            try root.setAttribute("advantage_epsilon", config.advantageEpsilon)
            try root.setAttribute("drop_uniform_groups", Int64(config.dropUniformGroups ? 1 : 0))
            try root.setAttribute("uniform_groups", Int64(groups.uniform.filter { $0 }.count))
            try root.setAttribute("dropped_groups", Int64(groups.droppedGroups))
            try root.write("group_mean", groups.means)
            try root.write("group_std", groups.standardDeviations)
            try root.write("uniform", groups.uniform.map { UInt8($0 ? 1 : 0) })
            try root.write("advantage", groups.advantages, compress: true)
            try root.write("kept", groups.kept.map { UInt8($0 ? 1 : 0) }, compress: true)
            try writer.commit()
        }
    }

    public static func readGroups(path: String, episodeCount: Int) throws -> (groups: GroupAdvantages, provenance: Provenance) {
        try withHDF5 {
            let reader = try HDF5Reader(path: path)
            let root = reader.root
            let provenance = try Provenance.read(from: root, path: path, expecting: .groups)
            let groupSize = Int(try root.attribute("group_size", as: Int64.self))
            let groupCount = Int(try root.attribute("group_count", as: Int64.self))
            guard groupSize >= 1, groupSize * groupCount == episodeCount else {
                throw GridGRPOError("\(path): \(groupCount) groups of \(groupSize) do not match the rollout's \(episodeCount) episodes (groups from another rollout?)")
            }
            var groups = GroupAdvantages(groupSize: groupSize)
            groups.means = try root.read("group_mean", as: Float.self, shape: [groupCount])
            groups.standardDeviations = try root.read("group_std", as: Float.self, shape: [groupCount])
            groups.uniform = try root.read("uniform", as: UInt8.self, shape: [groupCount]).map { $0 != 0 }
            groups.advantages = try root.read("advantage", as: Float.self, shape: [episodeCount])
            groups.kept = try root.read("kept", as: UInt8.self, shape: [episodeCount]).map { $0 != 0 }
            guard groups.advantages.allSatisfy({ $0.isFinite }) else { throw GridGRPOError("\(path): /advantage holds NaN or Inf") }
            return (groups, provenance)
        }
    }

    // MARK: Networks (weights.h5 and best.h5)

    static func writeNetwork(_ network: MLP, to group: HDF5Group) throws {
        for tensor in network.tensors {
            try group.write(tensor.key, Array(network.parameters[tensor.range]), shape: tensor.shape)
        }
    }

    static func readNetwork(from root: HDF5Group, name: String, path: String, like template: MLP) throws -> MLP {
        let group = try root.openGroup(name)
        var network = template
        for tensor in template.tensors {
            let (values, shape) = try group.read(tensor.key, as: Float.self)
            guard shape == tensor.shape else {
                throw GridGRPOError("\(path): /\(name)/\(tensor.key) has shape \(shape), but the config (grid_size, hidden_size) needs \(tensor.shape)")
            }
            guard values.allSatisfy({ $0.isFinite }) else {
                throw GridGRPOError("\(path): /\(name)/\(tensor.key) holds NaN or Inf")
            }
            network.parameters.replaceSubrange(tensor.range, with: values)
        }
        return network
    }

    static func writeAdam(_ adam: Adam, network: MLP, to group: HDF5Group) throws {
        try group.setAttribute("step", Int64(adam.step))
        let firstMoment = try group.createGroup("exp_avg")
        let secondMoment = try group.createGroup("exp_avg_sq")
        for tensor in network.tensors {
            try firstMoment.write(tensor.key, Array(adam.firstMoment[tensor.range]), shape: tensor.shape)
            try secondMoment.write(tensor.key, Array(adam.secondMoment[tensor.range]), shape: tensor.shape)
        }
    }

    static func readAdam(from group: HDF5Group, path: String, network: MLP) throws -> Adam {
        var adam = Adam(parameterCount: network.parameters.count)
        adam.step = Int(try group.attribute("step", as: Int64.self))
        let firstMoment = try group.openGroup("exp_avg")
        let secondMoment = try group.openGroup("exp_avg_sq")
        for tensor in network.tensors {
            let m = try firstMoment.read(tensor.key, as: Float.self, shape: tensor.shape)
            let v = try secondMoment.read(tensor.key, as: Float.self, shape: tensor.shape)
            guard (m + v).allSatisfy({ $0.isFinite }), v.allSatisfy({ $0 >= 0 }) else {
                throw GridGRPOError("\(path): Adam moments of \(tensor.key) hold NaN, Inf or a negative second moment")
            }
            adam.firstMoment.replaceSubrange(tensor.range, with: m)
            adam.secondMoment.replaceSubrange(tensor.range, with: v)
        }
        return adam
    }

    // MARK: weights.h5

    public static func writeWeights(_ agent: Agent, metrics: UpdateMetrics?, provenance: Provenance, to path: String) throws {
        try withHDF5 {
            let writer = try HDF5Writer(path: path)
            let root = writer.root
            try provenance.write(to: root)
            try writeNetwork(agent.policy, to: try root.createGroup("policy"))
            if let value = agent.value { try writeNetwork(value, to: try root.createGroup("value")) }
            let adam = try root.createGroup("adam")
            try writeAdam(agent.policyOptimizer, network: agent.policy, to: try adam.createGroup("policy"))
            if let value = agent.value, let optimizer = agent.valueOptimizer {
                try writeAdam(optimizer, network: value, to: try adam.createGroup("value"))
            }
            if let metrics {
                let group = try root.createGroup("metrics")
                try group.write("policy_loss", metrics.policyLoss)
                if !metrics.valueLoss.isEmpty { try group.write("value_loss", metrics.valueLoss) }
                if !metrics.referenceKL.isEmpty { try group.write("reference_kl", metrics.referenceKL) }
                try group.setAttribute("dropped_groups", Int64(metrics.droppedGroups))
                try group.write("clip_fraction", metrics.clipFraction)
                try group.write("approx_kl", metrics.approxKL)
                try group.setAttribute("mean_advantage", metrics.meanAdvantage)
                try group.setAttribute("training_steps", Int64(metrics.trainingSteps))
                try group.setAttribute("gradient_steps", Int64(metrics.gradientSteps))
            }
            try writer.commit()
        }
    }

    /// The template network shapes a config implies (a value network only for
    /// the blog's method).
    public static func templateAgent(_ config: PipelineConfig) -> Agent {
        let world = config.world
        let policy = MLP(inputSize: world.observationSize, hiddenSize: config.network.hiddenSize, outputSize: GridWorld.actionCount)
        let value = MLP(inputSize: world.observationSize, hiddenSize: config.network.hiddenSize, outputSize: 1)
        let withValue = config.algorithm == .preference
        return Agent(policy: policy, value: withValue ? value : nil, policyOptimizer: Adam(parameterCount: policy.parameters.count),
                     valueOptimizer: withValue ? Adam(parameterCount: value.parameters.count) : nil)
    }

    static func checkAlgorithm(_ root: HDF5Group, path: String, config: PipelineConfig) throws {
        let hasValue = root.contains("value")
        if config.algorithm == .preference && !hasValue {
            throw GridGRPOError("\(path): has no /value network, but the config's algorithm is preference (a GRPO run's weights?)")
        }
        if config.algorithm == .grpo && hasValue {
            throw GridGRPOError("\(path): has a /value network, but the config's algorithm is grpo (the blog's method's weights?)")
        }
    }

    public static func readWeights(path: String, config: PipelineConfig) throws -> (agent: Agent, metrics: UpdateMetrics?, provenance: Provenance) {
        try withHDF5 {
            let reader = try HDF5Reader(path: path)
            let root = reader.root
            let provenance = try Provenance.read(from: root, path: path, expecting: .weights)
            try checkAlgorithm(root, path: path, config: config)
            var agent = templateAgent(config)
            agent.policy = try readNetwork(from: root, name: "policy", path: path, like: agent.policy)
            let adam = try root.openGroup("adam")
            agent.policyOptimizer = try readAdam(from: try adam.openGroup("policy"), path: path, network: agent.policy)
            if let template = agent.value {
                let value = try readNetwork(from: root, name: "value", path: path, like: template)
                agent.value = value
                agent.valueOptimizer = try readAdam(from: try adam.openGroup("value"), path: path, network: value)
            }
            let metrics = root.contains("metrics") ? try readMetrics(from: root, path: path) : nil
            return (agent, metrics, provenance)
        }
    }

    // MARK: eval.h5

    static func writeSummary(_ summary: EvaluationSummary, to group: HDF5Group) throws {
        try group.setAttribute("success_rate", summary.successRate)
        try group.setAttribute("optimal_fraction", summary.optimalFraction)
        try group.setAttribute("mean_return", summary.meanReturn)
        try group.setAttribute("mean_optimal_return", summary.meanOptimalReturn)
        try group.setAttribute("mean_optimality_gap", summary.meanOptimalityGap)
        try group.setAttribute("all_optimal", Int64(summary.allOptimal ? 1 : 0))
        try group.setAttribute("sampled_average_return", summary.sampledAverageReturn)
        try group.setAttribute("sampled_episodes", Int64(summary.sampledEpisodes))
    }

    static func readSummary(from group: HDF5Group) throws -> EvaluationSummary {
        EvaluationSummary(
            successRate: try group.attribute("success_rate", as: Double.self),
            optimalFraction: try group.attribute("optimal_fraction", as: Double.self),
            meanReturn: try group.attribute("mean_return", as: Double.self),
            meanOptimalReturn: try group.attribute("mean_optimal_return", as: Double.self),
            meanOptimalityGap: try group.attribute("mean_optimality_gap", as: Double.self),
            allOptimal: try group.attribute("all_optimal", as: Int64.self) != 0,
            sampledAverageReturn: try group.attribute("sampled_average_return", as: Double.self),
            sampledEpisodes: Int(try group.attribute("sampled_episodes", as: Int64.self)))
    }

    public static func writeEvaluation(_ evaluation: Evaluation, provenance: Provenance, to path: String) throws {
        try withHDF5 {
            let writer = try HDF5Writer(path: path)
            let root = writer.root
            try provenance.write(to: root)
            try root.setAttribute("configuration_count", Int64(evaluation.count))
            try writeSummary(evaluation.summary, to: root)
            try root.write("agent", evaluation.agents.map(Int32.init))
            try root.write("goal", evaluation.goals.map(Int32.init))
            try root.write("distance", evaluation.distances.map(Int32.init))
            try root.write("optimal_return", evaluation.optimalReturns)
            try root.write("return", evaluation.returns)
            try root.write("length", evaluation.lengths.map(Int32.init))
            try root.write("success", evaluation.successes.map { UInt8($0 ? 1 : 0) })
            try root.write("optimal", (0..<evaluation.count).map { UInt8(evaluation.isOptimal($0) ? 1 : 0) })
            try writer.commit()
        }
    }

    /// Only the summary attributes of an `eval.h5`, for curves over many iterations.
    public static func readEvaluationSummary(path: String) throws -> (summary: EvaluationSummary, provenance: Provenance) {
        try withHDF5 {
            let reader = try HDF5Reader(path: path)
            let provenance = try Provenance.read(from: reader.root, path: path, expecting: .evaluation)
            return (try readSummary(from: reader.root), provenance)
        }
    }

    /// Only the `/metrics` group of an update's `weights.h5`.
    public static func readUpdateMetrics(path: String) throws -> (metrics: UpdateMetrics, provenance: Provenance) {
        try withHDF5 {
            let reader = try HDF5Reader(path: path)
            let provenance = try Provenance.read(from: reader.root, path: path, expecting: .weights)
            return (try readMetrics(from: reader.root, path: path), provenance)
        }
    }

    static func readMetrics(from root: HDF5Group, path: String) throws -> UpdateMetrics {
        guard root.contains("metrics") else {
            throw GridGRPOError("\(path): has no /metrics group (initial weights carry none; pass the weights of iterations 1 and later)")
        }
        let group = try root.openGroup("metrics")
        var metrics = UpdateMetrics()
        metrics.policyLoss = try group.read("policy_loss", as: Float.self).values
        if group.contains("value_loss") { metrics.valueLoss = try group.read("value_loss", as: Float.self).values }
        if group.contains("reference_kl") { metrics.referenceKL = try group.read("reference_kl", as: Float.self).values }
        metrics.droppedGroups = Int(try group.attribute("dropped_groups", as: Int64.self))
        metrics.clipFraction = try group.read("clip_fraction", as: Float.self).values
        metrics.approxKL = try group.read("approx_kl", as: Float.self).values
        metrics.meanAdvantage = try group.attribute("mean_advantage", as: Float.self)
        metrics.trainingSteps = Int(try group.attribute("training_steps", as: Int64.self))
        metrics.gradientSteps = Int(try group.attribute("gradient_steps", as: Int64.self))
        guard !metrics.policyLoss.isEmpty, metrics.valueLoss.isEmpty || metrics.policyLoss.count == metrics.valueLoss.count else {
            throw GridGRPOError("\(path): /metrics/policy_loss must be non-empty and /metrics/value_loss, if present, of the same length")
        }
        return metrics
    }

    public static func readEvaluation(path: String) throws -> (evaluation: Evaluation, provenance: Provenance) {
        try withHDF5 {
            let reader = try HDF5Reader(path: path)
            let root = reader.root
            let provenance = try Provenance.read(from: root, path: path, expecting: .evaluation)
            var evaluation = Evaluation()
            let (agents, shape) = try root.read("agent", as: Int32.self)
            evaluation.agents = agents.map(Int.init)
            evaluation.goals = try root.read("goal", as: Int32.self, shape: shape).map(Int.init)
            evaluation.distances = try root.read("distance", as: Int32.self, shape: shape).map(Int.init)
            evaluation.optimalReturns = try root.read("optimal_return", as: Float.self, shape: shape)
            evaluation.returns = try root.read("return", as: Float.self, shape: shape)
            evaluation.lengths = try root.read("length", as: Int32.self, shape: shape).map(Int.init)
            evaluation.successes = try root.read("success", as: UInt8.self, shape: shape).map { $0 != 0 }
            evaluation.sampledAverageReturn = Float(try root.attribute("sampled_average_return", as: Double.self))
            evaluation.sampledEpisodes = Int(try root.attribute("sampled_episodes", as: Int64.self))
            return (evaluation, provenance)
        }
    }

    // MARK: best.h5

    /// The best model so far and the evaluation that made it best.
    public struct Best: Equatable, Sendable {
        public var policy: MLP
        public var value: MLP?
        public var iteration: Int
        public var summary: EvaluationSummary
        /// The first iteration whose greedy policy was optimal everywhere, or nil.
        public var firstAllOptimalIteration: Int?
    }

    public static func writeBest(_ best: Best, provenance: Provenance, to path: String) throws {
        try withHDF5 {
            let writer = try HDF5Writer(path: path)
            let root = writer.root
            try provenance.write(to: root)
            try root.setAttribute("best_iteration", Int64(best.iteration))
            try root.setAttribute("first_all_optimal_iteration", Int64(best.firstAllOptimalIteration ?? -1))
            try root.setAttribute("selection_rule", "highest exhaustive greedy mean return; ties keep the earlier iteration")
            try writeSummary(best.summary, to: root)
            try writeNetwork(best.policy, to: try root.createGroup("policy"))
            if let value = best.value { try writeNetwork(value, to: try root.createGroup("value")) }
            try writer.commit()
        }
    }

    public static func readBest(path: String, config: PipelineConfig) throws -> (best: Best, provenance: Provenance) {
        try withHDF5 {
            let reader = try HDF5Reader(path: path)
            let root = reader.root
            let provenance = try Provenance.read(from: root, path: path, expecting: .best)
            try checkAlgorithm(root, path: path, config: config)
            let template = templateAgent(config)
            let policy = try readNetwork(from: root, name: "policy", path: path, like: template.policy)
            let value = try template.value.map { try readNetwork(from: root, name: "value", path: path, like: $0) }
            let first = Int(try root.attribute("first_all_optimal_iteration", as: Int64.self))
            let best = Best(policy: policy, value: value, iteration: Int(try root.attribute("best_iteration", as: Int64.self)),
                            summary: try readSummary(from: root), firstAllOptimalIteration: first >= 0 ? first : nil)
            return (best, provenance)
        }
    }
}

/// `rollout.h5` written in parts: each `append` adds episodes at the end of
/// every dataset, so a rollout of any size needs memory for one part only.
/// The file is complete (and renamed into place) at `commit`.
public final class RolloutWriter {
    private let writer: HDF5Writer
    private let groups: HDF5Appendable<Int32>?
    private let offsets: HDF5Appendable<Int64>
    private let agentStart, goal, success, agentCell, action: HDF5Appendable<UInt8>
    private let returns, reward, logProb, returnToGo: HDF5Appendable<Float>
    private let episodeLengths: HDF5Appendable<Int32>

    public init(path: String, world: GridWorld, gamma: Double, provenance: Provenance, grouped: Bool) throws {
        (writer, offsets, agentStart, goal, returns, episodeLengths, success, groups, agentCell, action, reward, logProb, returnToGo) = try withHDF5 {
            let writer = try HDF5Writer(path: path)
            let root = writer.root
            try provenance.write(to: root)
            try root.setAttribute("grid_size", Int64(world.size))
            try root.setAttribute("max_steps", Int64(world.maxSteps))
            try root.setAttribute("gamma", gamma)
            let perEpisode = try root.createGroup("episodes")
            let steps = try root.createGroup("steps")
            return (writer,
                    try perEpisode.createAppendable("offsets", as: Int64.self),
                    try perEpisode.createAppendable("agent_start", as: UInt8.self),
                    try perEpisode.createAppendable("goal", as: UInt8.self),
                    try perEpisode.createAppendable("return", as: Float.self),
                    try perEpisode.createAppendable("length", as: Int32.self),
                    try perEpisode.createAppendable("success", as: UInt8.self),
                    grouped ? try perEpisode.createAppendable("group", as: Int32.self) : nil,
                    try steps.createAppendable("agent_cell", as: UInt8.self),
                    try steps.createAppendable("action", as: UInt8.self),
                    try steps.createAppendable("reward", as: Float.self),
                    try steps.createAppendable("log_prob", as: Float.self),
                    try steps.createAppendable("return_to_go", as: Float.self))
        }
        try withHDF5 { try offsets.append([0]) }
    }

    /// Appends `part`'s episodes after those already written.
    public func append(_ part: Episodes) throws {
        try withHDF5 {
            let stepCount = agentCell.count
            try offsets.append(part.offsets.dropFirst().map { Int64($0 + stepCount) })
            try agentStart.append(part.starts.map { UInt8($0) })
            try goal.append(part.goals.map { UInt8($0) })
            try returns.append(part.returns)
            try episodeLengths.append((0..<part.count).map { Int32(part.length($0)) })
            try success.append(part.successes.map { UInt8($0 ? 1 : 0) })
            try groups?.append(part.groups.map(Int32.init))
            try agentCell.append(part.agentCells.map { UInt8($0) })
            try action.append(part.actions.map { UInt8($0) })
            try reward.append(part.rewards)
            try logProb.append(part.logProbs)
            try returnToGo.append(part.returnsToGo)
        }
    }

    /// Records the totals and moves the finished file into place.
    public func commit() throws {
        try withHDF5 {
            try writer.root.setAttribute("episode_count", Int64(agentStart.count))
            try writer.root.setAttribute("step_count", Int64(agentCell.count))
            for dataset in [agentStart, goal, success, agentCell, action] { dataset.close() }
            for dataset in [returns, reward, logProb, returnToGo] { dataset.close() }
            for dataset in [episodeLengths, groups].compactMap({ $0 }) { dataset.close() }
            offsets.close()
            try writer.commit()
        }
    }
}
