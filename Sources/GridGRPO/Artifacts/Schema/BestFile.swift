/// `best.h5`: the best networks so far (`NetworkLayout`, no optimiser state)
/// with the summary attributes (`SummaryLayout`) of the evaluation that made
/// them best.
public enum BestLayout {
    public static let bestIteration = Attribute<Int64>("best_iteration")
    /// −1 while no iteration has been optimal everywhere.
    public static let firstAllOptimalIteration = Attribute<Int64>("first_all_optimal_iteration")
    public static let selectionRule = Attribute<String>("selection_rule")
    /// The value of `selection_rule` (`Stages.checkpoint`'s rule).
    static let selectionRuleText = "highest exhaustive greedy mean return; ties keep the earlier iteration"

    public static let layout = ArtifactLayout(
        file: "best.h5", groups: WorldLayout.groups + [NetworkLayout.policy, NetworkLayout.value], datasets: WorldLayout.datasets,
        attributes: WorldLayout.attributes + [bestIteration.name, firstAllOptimalIteration.name, selectionRule.name] + SummaryLayout.names)
}

extension ArtifactSchema {
    /// The best model so far and the evaluation that made it best.
    public struct Best: Equatable, Sendable {
        public var policy: MLP
        public var value: MLP?
        public var iteration: Int
        public var summary: EvaluationSummary
        /// The first iteration whose greedy policy was optimal everywhere, or nil.
        public var firstAllOptimalIteration: Int?
    }

    public static func writeBest(_ best: Best, world: GridWorld, provenance: Provenance, to path: String) throws {
        typealias Layout = BestLayout
        try writeArtifact(to: path, provenance: provenance, world: world) { root in
            try root.setAttribute(Layout.bestIteration, Int64(best.iteration))
            try root.setAttribute(Layout.firstAllOptimalIteration, Int64(best.firstAllOptimalIteration ?? -1))
            try root.setAttribute(Layout.selectionRule, Layout.selectionRuleText)
            try writeSummary(best.summary, to: root)
            try writeNetwork(best.policy, to: try root.createGroup(NetworkLayout.policy))
            if let value = best.value { try writeNetwork(value, to: try root.createGroup(NetworkLayout.value)) }
        }
    }

    /// Reads a best checkpoint of a run of `config`: the networks as
    /// `readWeights` checks them, the summary as `readSummary` does, the best
    /// iteration no later than the checkpoint's own.
    public static func readBest(path: String, config: PipelineConfig) throws -> (best: Best, provenance: Provenance) {
        typealias Layout = BestLayout
        let bounds = try ArtifactBounds(config: config, path: path)
        let check = DomainCheck(path: path)
        return try readArtifact(path, .best, world: bounds.world) { root, provenance in
            try checkAlgorithm(root, path: path, config: config)
            let own = max(0, provenance.iteration)
            let iteration = try check.count(try root.attribute(Layout.bestIteration), in: 0...own, Layout.bestIteration.name)
            let first = try check.count(try root.attribute(Layout.firstAllOptimalIteration), in: -1...own, Layout.firstAllOptimalIteration.name)
            let summary = try readSummary(from: root, path: path, bounds: bounds)
            let template = templateAgent(config)
            let policy = try readNetwork(from: root, name: NetworkLayout.policy, path: path, like: template.policy)
            let value = try template.value.map { try readNetwork(from: root, name: NetworkLayout.value, path: path, like: $0) }
            let best = Best(policy: policy, value: value, iteration: iteration,
                            summary: summary, firstAllOptimalIteration: first >= 0 ? first : nil)
            return (best, provenance)
        }
    }
}
