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
        file: "eval.h5", groups: WorldLayout.groups,
        datasets: WorldLayout.datasets + [agent.path, goal.path, distance.path, optimalReturn.path, greedyReturn.path, length.path, success.path, optimal.path],
        attributes: WorldLayout.attributes + [configurationCount.name] + SummaryLayout.names)
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

    /// The summary attributes, each finite and in its range for the
    /// config's grid; the sampled episodes those the config asks for.
    /// `exactSampled`: whether the reader declares the evaluation section
    /// (plot does; checkpoint does not, so it only bounds sampled_episodes).
    static func readSummary(from group: HDF5Group, path: String, bounds: ArtifactBounds, exactSampled: Bool = false) throws -> EvaluationSummary {
        typealias Layout = SummaryLayout
        let check = DomainCheck(path: path)
        let returns = Double(bounds.returnRange.lowerBound)...Double(bounds.returnRange.upperBound)
        func number(_ attribute: Attribute<Double>, in range: ClosedRange<Double>) throws -> Double {
            let value = try group.attribute(attribute)
            try check.value(value, in: range, attribute.name)
            return value
        }
        let allOptimal = try check.count(try group.attribute(Layout.allOptimal), in: 0...1, Layout.allOptimal.name)
        let summary = EvaluationSummary(
            successRate: try number(Layout.successRate, in: 0...1),
            optimalFraction: try number(Layout.optimalFraction, in: 0...1),
            meanReturn: try number(Layout.meanReturn, in: returns),
            meanOptimalReturn: try number(Layout.meanOptimalReturn, in: returns),
            meanOptimalityGap: try number(Layout.meanOptimalityGap, in: -1e-3...(returns.upperBound - returns.lowerBound)),
            allOptimal: allOptimal == 1,
            sampledAverageReturn: try number(Layout.sampledAverageReturn, in: returns),
            sampledEpisodes: try check.count(try group.attribute(Layout.sampledEpisodes), in: exactSampled ? bounds.sampledEpisodes...bounds.sampledEpisodes : 0...Int(Int32.max), Layout.sampledEpisodes.name))
        try check.require(summary.allOptimal == (summary.optimalFraction == 1), Layout.allOptimal.name,
                          "is \(allOptimal), but optimal_fraction is \(summary.optimalFraction)")
        return summary
    }

    /// `extra` writes what a run with a learned reward adds (`EvaluationLabelsLayout`).
    public static func writeEvaluation(_ evaluation: Evaluation, world: GridWorld, provenance: Provenance, to path: String,
                                       extra: ((HDF5Group) throws -> Void)? = nil) throws {
        typealias Layout = EvaluationLayout
        try writeArtifact(to: path, provenance: provenance, world: world) { root in
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

    /// Only the summary attributes of an `eval.h5`, for curves over many
    /// iterations (each checked as `readSummary` does).
    public static func readEvaluationSummary(path: String, config: PipelineConfig) throws -> (summary: EvaluationSummary, provenance: Provenance) {
        let bounds = try ArtifactBounds(config: config, path: path)
        return try readArtifact(path, .evaluation, world: bounds.world) { root, provenance in
            try checkConfigurationCount(root, path: path, bounds: bounds)
            return (try readSummary(from: root, path: path, bounds: bounds, exactSampled: true), provenance)
        }
    }

    static func checkConfigurationCount(_ root: HDF5Group, path: String, bounds: ArtifactBounds) throws {
        let recorded = try root.attribute(EvaluationLayout.configurationCount)
        guard recorded == Int64(bounds.evaluationRows) else {
            throw DomainCheck(path: path).fail(EvaluationLayout.configurationCount.name,
                                               "is \(recorded), but the config's \(bounds.world.size)×\(bounds.world.size) \(bounds.world.layout.rawValue) grid has \(bounds.evaluationRows) start configurations")
        }
    }

    /// Reads an evaluation of a run of `config`: one row per start
    /// configuration, N²·(N²−1), in the canonical order; each row consistent
    /// (`checkRows`); the summary attributes those of the rows.
    public static func readEvaluation(path: String, config: PipelineConfig) throws -> (evaluation: Evaluation, provenance: Provenance) {
        typealias Layout = EvaluationLayout
        let bounds = try ArtifactBounds(config: config, path: path)
        let check = DomainCheck(path: path), rows = bounds.evaluationRows, shape = [rows]
        return try readArtifact(path, .evaluation, world: bounds.world) { root, provenance in
            try checkConfigurationCount(root, path: path, bounds: bounds)
            var evaluation = Evaluation()
            evaluation.agents = try root.read(Layout.agent, shape: shape).map(Int.init)
            evaluation.goals = try root.read(Layout.goal, shape: shape).map(Int.init)
            evaluation.distances = try root.read(Layout.distance, shape: shape).map(Int.init)
            evaluation.optimalReturns = try root.read(Layout.optimalReturn, shape: shape)
            evaluation.returns = try root.read(Layout.greedyReturn, shape: shape)
            try check.values(evaluation.returns, in: bounds.returnRange, Layout.greedyReturn.path, "greedy returns")
            evaluation.lengths = try root.read(Layout.length, shape: shape).map(Int.init)
            evaluation.successes = try check.flags(try root.read(Layout.success, shape: shape), Layout.success.path)
            let optimal = try check.flags(try root.read(Layout.optimal, shape: shape), Layout.optimal.path)
            let summary = try readSummary(from: root, path: path, bounds: bounds)
            evaluation.sampledAverageReturn = Float(summary.sampledAverageReturn)
            evaluation.sampledEpisodes = summary.sampledEpisodes
            try checkRows(evaluation, optimal: optimal, world: bounds.world, check: check)
            var recomputed = evaluation.summary
            recomputed.sampledAverageReturn = summary.sampledAverageReturn
            try check.require(recomputed == summary, SummaryLayout.meanReturn.name,
                              "the summary attributes (mean return \(summary.meanReturn), success rate \(summary.successRate), …) are not those of the rows (\(recomputed.meanReturn), \(recomputed.successRate), …)")
            return (evaluation, provenance)
        }
    }

    /// Row i is configuration i of `GridWorld.allConfigurations()` (the
    /// world's own: floor cells, the goal reachable); its distance the fewest
    /// moves by breadth-first search (`GridWorld.shortestPaths`), its optimal
    /// return 1 − 0.1·(d − 1), its return no better than that; a success
    /// takes at least d moves, a failure exactly max_steps (or, with lava, at
    /// most max_steps: the last onto lava); the optimal flag is success in d moves.
    static func checkRows(_ evaluation: Evaluation, optimal: [Bool], world: GridWorld, check: DomainCheck) throws {
        typealias Layout = EvaluationLayout
        let paths = world.shortestPaths()
        for (i, configuration) in world.allConfigurations().enumerated() {
            try check.require(evaluation.agents[i] == configuration.agent && evaluation.goals[i] == configuration.goal, Layout.agent.path,
                              "row \(i) is (\(evaluation.agents[i]), \(evaluation.goals[i])), expected configuration (\(configuration.agent), \(configuration.goal)) of the canonical order")
            let distance = paths.distance(from: configuration.agent, to: configuration.goal)
            try check.require(evaluation.distances[i] == distance, Layout.distance.path, "row \(i) is \(evaluation.distances[i]), expected \(distance)")
            try check.require(evaluation.optimalReturns[i] == world.optimalReturn(distance: distance), Layout.optimalReturn.path,
                              "row \(i) is \(evaluation.optimalReturns[i]), expected \(world.optimalReturn(distance: distance)) for distance \(distance)")
            try check.require(evaluation.returns[i] <= evaluation.optimalReturns[i] + 1e-4, Layout.greedyReturn.path,
                              "row \(i) is \(evaluation.returns[i]), better than the optimum \(evaluation.optimalReturns[i]) (the gap must be ≥ 0)")
            let length = evaluation.lengths[i], success = evaluation.successes[i]
            let failed = world.hasLava ? (1...world.maxSteps).contains(length) : length == world.maxSteps
            try check.require(success ? (distance...world.maxSteps).contains(length) : failed, Layout.length.path,
                              "row \(i) is \(length) \(success ? "with" : "without") success, expected \(success ? "\(distance)...\(world.maxSteps)" : world.hasLava ? "1...max_steps \(world.maxSteps) (lava ends an episode)" : "max_steps \(world.maxSteps)")")
            try check.require(optimal[i] == evaluation.isOptimal(i), Layout.optimal.path, "row \(i) disagrees with its success and length")
        }
    }
}
