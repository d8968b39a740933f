/// Exhaustive evaluation: the greedy policy from every (agent, goal)
/// configuration, each compared with the exact optimum, plus the blog's
/// sampled average return.
///
/// The optimum from a start d moves from the goal (by breadth-first search
/// over floor cells, once per goal: `GridWorld.shortestPaths`; on the open
/// grid d is the Manhattan distance) is d moves and a return of
/// 1 − 0.1·(d − 1): a shortest path never touches lava. An episode is optimal
/// when it reaches the goal in exactly d moves; its optimality gap is optimal
/// return − achieved return.
public struct Evaluation: Equatable, Sendable {
    public var agents: [Int] = []
    public var goals: [Int] = []
    public var distances: [Int] = []
    public var optimalReturns: [Float] = []
    public var returns: [Float] = []
    public var lengths: [Int] = []
    public var successes: [Bool] = []

    /// The blog's `evaluate_agent`: mean return of sampled-action episodes from random starts.
    public var sampledAverageReturn: Float = 0
    public var sampledEpisodes: Int = 0

    public init() {}

    public var count: Int { agents.count }
    public func isOptimal(_ i: Int) -> Bool { successes[i] && lengths[i] == distances[i] }
    public var optimalityGaps: [Float] { (0..<count).map { optimalReturns[$0] - returns[$0] } }

    public var successRate: Double { Double(successes.filter { $0 }.count) / Double(max(count, 1)) }
    public var optimalFraction: Double { Double((0..<count).filter(isOptimal).count) / Double(max(count, 1)) }
    public var meanReturn: Double { returns.reduce(0.0) { $0 + Double($1) } / Double(max(count, 1)) }
    public var meanOptimalReturn: Double { optimalReturns.reduce(0.0) { $0 + Double($1) } / Double(max(count, 1)) }
    public var meanOptimalityGap: Double { optimalityGaps.reduce(0.0) { $0 + Double($1) } / Double(max(count, 1)) }
    /// True when the greedy policy is optimal from every configuration.
    public var allOptimal: Bool { count > 0 && (0..<count).allSatisfy(isOptimal) }

    public var summary: EvaluationSummary {
        EvaluationSummary(successRate: successRate, optimalFraction: optimalFraction, meanReturn: meanReturn,
                          meanOptimalReturn: meanOptimalReturn, meanOptimalityGap: meanOptimalityGap, allOptimal: allOptimal,
                          sampledAverageReturn: Double(sampledAverageReturn), sampledEpisodes: sampledEpisodes)
    }

    /// Runs both evaluations of `policy`. The sampled episodes use the streams
    /// (seed, evaluate, iteration, episode).
    public static func run(policy: MLP, world: GridWorld, sampledEpisodes: Int, seed: UInt64, iteration: Int,
                           threads: Int = 1) -> Evaluation {
        let configurations = world.allConfigurations()
        // Every state is a start here, so the whole table is needed; both evaluations share it.
        let table = PolicyTable.complete(policy: policy, world: world, threads: threads)
        let greedy = greedyOutcomes(table: table, world: world, starts: configurations)
        let paths = world.shortestPaths()
        var result = Evaluation()
        for (index, configuration) in configurations.enumerated() {
            let distance = paths.distance(from: configuration.agent, to: configuration.goal)
            result.agents.append(configuration.agent)
            result.goals.append(configuration.goal)
            result.distances.append(distance)
            result.optimalReturns.append(world.optimalReturn(distance: distance))
            result.returns.append(greedy.returns[index])
            result.lengths.append(greedy.lengths[index])
            result.successes.append(greedy.successes[index])
        }
        var streams: [RandomStream] = []
        var starts: [(agent: Int, goal: Int)] = []
        for episode in 0..<sampledEpisodes {
            var stream = RandomStream(seed: seed, stage: .evaluate, iteration: iteration, index: episode)
            starts.append(world.sampleStart(&stream))
            streams.append(stream)
        }
        let sampled = runEpisodeOutcomes(policy: policy, table: table, world: world, starts: starts, streams: streams,
                                         selection: .sample, threads: threads)
        result.sampledEpisodes = sampledEpisodes
        result.sampledAverageReturn = Float(sampled.returns.reduce(0.0) { $0 + Double($1) } / Double(max(sampledEpisodes, 1)))
        return result
    }
}

/// The numbers that summarise an evaluation, stored as attributes of
/// `eval.h5` and `best.h5`.
public struct EvaluationSummary: Equatable, Sendable {
    public var successRate: Double
    public var optimalFraction: Double
    public var meanReturn: Double
    public var meanOptimalReturn: Double
    public var meanOptimalityGap: Double
    public var allOptimal: Bool
    public var sampledAverageReturn: Double
    public var sampledEpisodes: Int
}
