/// `eval.h5`: one row per start configuration, and the summary attributes.
public enum EvaluationLayout {
    public static let configurationCount = Attribute<Int64>("configuration_count")

    public static let agent = Dataset<Int32>("agent")
    public static let goal = Dataset<Int32>("goal")
    public static let distance = Dataset<Int32>("distance")
    public static let optimalReturn = Dataset<Float>("optimal_return")
    public static let greedyReturn = Dataset<Float>("return")
    public static let length = Dataset<Int32>("length")
    public static let success = Dataset<UInt8>("success")
    public static let optimal = Dataset<UInt8>("optimal")

    public static let layout = ArtifactLayout(
        file: "eval.h5", groups: [],
        datasets: [agent.path, goal.path, distance.path, optimalReturn.path, greedyReturn.path, length.path, success.path, optimal.path],
        attributes: [configurationCount.name] + SummaryLayout.names)
}

/// The attributes that summarise an evaluation (`EvaluationSummary`), on the
/// root group of `eval.h5` and of `best.h5`.
public enum SummaryLayout {
    public static let successRate = Attribute<Double>("success_rate")
    public static let optimalFraction = Attribute<Double>("optimal_fraction")
    public static let meanReturn = Attribute<Double>("mean_return")
    public static let meanOptimalReturn = Attribute<Double>("mean_optimal_return")
    public static let meanOptimalityGap = Attribute<Double>("mean_optimality_gap")
    public static let allOptimal = Attribute<Int64>("all_optimal")
    public static let sampledAverageReturn = Attribute<Double>("sampled_average_return")
    public static let sampledEpisodes = Attribute<Int64>("sampled_episodes")

    public static let names = [successRate.name, optimalFraction.name, meanReturn.name, meanOptimalReturn.name,
                               meanOptimalityGap.name, allOptimal.name, sampledAverageReturn.name, sampledEpisodes.name]
}

extension ArtifactSchema {
    static func writeSummary(_ summary: EvaluationSummary, to group: HDF5Group) throws {
        typealias Layout = SummaryLayout
        try group.setAttribute(Layout.successRate, summary.successRate)
        try group.setAttribute(Layout.optimalFraction, summary.optimalFraction)
        try group.setAttribute(Layout.meanReturn, summary.meanReturn)
        try group.setAttribute(Layout.meanOptimalReturn, summary.meanOptimalReturn)
        try group.setAttribute(Layout.meanOptimalityGap, summary.meanOptimalityGap)
        try group.setAttribute(Layout.allOptimal, Int64(summary.allOptimal ? 1 : 0))
        try group.setAttribute(Layout.sampledAverageReturn, summary.sampledAverageReturn)
        try group.setAttribute(Layout.sampledEpisodes, Int64(summary.sampledEpisodes))
    }

    static func readSummary(from group: HDF5Group) throws -> EvaluationSummary {
        typealias Layout = SummaryLayout
        return EvaluationSummary(
            successRate: try group.attribute(Layout.successRate),
            optimalFraction: try group.attribute(Layout.optimalFraction),
            meanReturn: try group.attribute(Layout.meanReturn),
            meanOptimalReturn: try group.attribute(Layout.meanOptimalReturn),
            meanOptimalityGap: try group.attribute(Layout.meanOptimalityGap),
            allOptimal: try group.attribute(Layout.allOptimal) != 0,
            sampledAverageReturn: try group.attribute(Layout.sampledAverageReturn),
            sampledEpisodes: Int(try group.attribute(Layout.sampledEpisodes)))
    }

    /// `extra` writes what a run with a learned reward adds (`EvaluationLabelsLayout`).
    public static func writeEvaluation(_ evaluation: Evaluation, provenance: Provenance, to path: String,
                                       extra: ((HDF5Group) throws -> Void)? = nil) throws {
        typealias Layout = EvaluationLayout
        try writeArtifact(to: path, provenance: provenance) { root in
            try extra?(root)
            try root.setAttribute(Layout.configurationCount, Int64(evaluation.count))
            try writeSummary(evaluation.summary, to: root)
            try root.write(Layout.agent, evaluation.agents.map(Int32.init))
            try root.write(Layout.goal, evaluation.goals.map(Int32.init))
            try root.write(Layout.distance, evaluation.distances.map(Int32.init))
            try root.write(Layout.optimalReturn, evaluation.optimalReturns)
            try root.write(Layout.greedyReturn, evaluation.returns)
            try root.write(Layout.length, evaluation.lengths.map(Int32.init))
            try root.write(Layout.success, evaluation.successes.map { UInt8($0 ? 1 : 0) })
            try root.write(Layout.optimal, (0..<evaluation.count).map { UInt8(evaluation.isOptimal($0) ? 1 : 0) })
        }
    }

    /// Only the summary attributes of an `eval.h5`, for curves over many iterations.
    public static func readEvaluationSummary(path: String) throws -> (summary: EvaluationSummary, provenance: Provenance) {
        try readArtifact(path, .evaluation) { root, provenance in
            (try readSummary(from: root), provenance)
        }
    }

    public static func readEvaluation(path: String) throws -> (evaluation: Evaluation, provenance: Provenance) {
        typealias Layout = EvaluationLayout
        return try readArtifact(path, .evaluation) { root, provenance in
            var evaluation = Evaluation()
            let (agents, shape) = try root.read(Layout.agent)
            evaluation.agents = agents.map(Int.init)
            evaluation.goals = try root.read(Layout.goal, shape: shape).map(Int.init)
            evaluation.distances = try root.read(Layout.distance, shape: shape).map(Int.init)
            evaluation.optimalReturns = try root.read(Layout.optimalReturn, shape: shape)
            evaluation.returns = try root.read(Layout.greedyReturn, shape: shape)
            evaluation.lengths = try root.read(Layout.length, shape: shape).map(Int.init)
            evaluation.successes = try root.read(Layout.success, shape: shape).map { $0 != 0 }
            evaluation.sampledAverageReturn = Float(try root.attribute(SummaryLayout.sampledAverageReturn))
            evaluation.sampledEpisodes = Int(try root.attribute(SummaryLayout.sampledEpisodes))
            return (evaluation, provenance)
        }
    }
}
