import Foundation

/// The stages themselves: each reads the config and the files it is given,
/// computes, writes its one output, and returns a one-line summary for the
/// progress log. The executables are thin wrappers around these functions.
public enum Stages {
    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
    static func number(_ value: Double) -> String { String(format: "%.3f", value) }

    static func label(_ stage: String, _ iteration: Int) -> String {
        stage.padding(toLength: 11, withPad: " ", startingAt: 0) + StageGraph.iterationDirectory(iteration) + "  "
    }

    static func checkIteration(_ iteration: Int, _ config: PipelineConfig, from first: Int) throws {
        guard (first...max(first, config.iterations)).contains(iteration) else {
            throw GridGRPOError("--iteration \(iteration) is outside \(first)...\(config.iterations) (the config's iterations)")
        }
    }

    static func checkSource(_ provenance: Provenance, path: String, iteration: Int) throws {
        guard provenance.iteration == iteration else {
            throw GridGRPOError("\(path): holds iteration \(provenance.iteration), expected iteration \(iteration)")
        }
    }

    /// `update --init`: the iteration-0 weights.
    public static func initialize(configPath: String, output: String) throws -> String {
        let config = try PipelineConfig.load(path: configPath)
        let agent = Agent.initial(world: config.world, hiddenSize: config.network.hiddenSize, seed: config.seed)
        let provenance = Provenance(schema: .weights, stage: "initialize", iteration: 0, config: config,
                                    inputs: [try .input("config", path: configPath)])
        try ArtifactSchema.writeWeights(agent, metrics: nil, provenance: provenance, to: output)
        return label("initialize", 0) + "policy \(agent.policy.parameters.count) and value \(agent.value.parameters.count) parameters, seed \(config.seed)"
    }

    /// Samples P reference and P candidate episodes from the current policy.
    /// Episode e uses the stream (seed, rollout, iteration, e) for its start
    /// configuration and then its actions.
    public static func rollout(configPath: String, weightsPath: String, iteration: Int, output: String) throws -> String {
        let config = try PipelineConfig.load(path: configPath)
        try checkIteration(iteration, config, from: 1)
        let (agent, _, source) = try ArtifactSchema.readWeights(path: weightsPath, config: config)
        try checkSource(source, path: weightsPath, iteration: iteration - 1)
        let world = config.world
        let episodeCount = 2 * config.rollout.pairs
        var streams: [RandomStream] = []
        var starts: [(agent: Int, goal: Int)] = []
        streams.reserveCapacity(episodeCount)
        for episode in 0..<episodeCount {
            var stream = RandomStream(seed: config.seed, stage: .rollout, iteration: iteration, index: episode)
            starts.append(world.sampleStart(&stream))
            streams.append(stream)
        }
        let episodes = runEpisodes(policy: agent.policy, world: world, starts: starts, streams: streams,
                                   selection: .sample, gamma: Float(config.rollout.gamma))
        let provenance = Provenance(schema: .rollout, stage: "rollout", iteration: iteration, config: config,
                                    inputs: [try .input("config", path: configPath), try .input("weights", path: weightsPath)])
        try ArtifactSchema.writeRollout(episodes, world: world, gamma: config.rollout.gamma, provenance: provenance, to: output)
        let meanReturn = episodes.returns.reduce(0.0) { $0 + Double($1) } / Double(episodeCount)
        let successRate = Double(episodes.successes.filter { $0 }.count) / Double(episodeCount)
        return label("rollout", iteration) + "\(episodeCount) episodes, \(episodes.stepCount) steps, mean return \(number(meanReturn)), success \(percent(successRate))"
    }

    /// Pairs reference i with candidate i (see `PreferencePairs` for the tie rule).
    public static func pair(configPath: String, rolloutPath: String, iteration: Int, output: String) throws -> String {
        let config = try PipelineConfig.load(path: configPath)
        try checkIteration(iteration, config, from: 1)
        let (episodes, source) = try ArtifactSchema.readRollout(path: rolloutPath, world: config.world)
        try checkSource(source, path: rolloutPath, iteration: iteration)
        guard episodes.count == 2 * config.rollout.pairs else {
            throw GridGRPOError("\(rolloutPath): holds \(episodes.count) episodes, but rollout.pairs = \(config.rollout.pairs) needs \(2 * config.rollout.pairs)")
        }
        let pairs = try PreferencePairs(episodes: episodes)
        let provenance = Provenance(schema: .pairs, stage: "pair", iteration: iteration, config: config,
                                    inputs: [try .input("config", path: configPath), try .input("rollout", path: rolloutPath)])
        try ArtifactSchema.writePairs(pairs, provenance: provenance, to: output)
        let meanPreferred = pairs.preferredReturns.reduce(0.0) { $0 + Double($1) } / Double(pairs.count)
        let meanRejected = pairs.rejectedReturns.reduce(0.0) { $0 + Double($1) } / Double(pairs.count)
        return label("pair", iteration) + "\(pairs.count) pairs, \(pairs.ties.filter { $0 }.count) ties, mean return preferred \(number(meanPreferred)) vs rejected \(number(meanRejected))"
    }

    /// One iteration of the blog's update on the preferred episodes.
    public static func update(configPath: String, weightsPath: String, rolloutPath: String, pairsPath: String,
                              iteration: Int, output: String) throws -> String {
        let config = try PipelineConfig.load(path: configPath)
        try checkIteration(iteration, config, from: 1)
        var (agent, _, weightsSource) = try ArtifactSchema.readWeights(path: weightsPath, config: config)
        try checkSource(weightsSource, path: weightsPath, iteration: iteration - 1)
        let (episodes, rolloutSource) = try ArtifactSchema.readRollout(path: rolloutPath, world: config.world)
        try checkSource(rolloutSource, path: rolloutPath, iteration: iteration)
        let (pairs, pairsSource) = try ArtifactSchema.readPairs(path: pairsPath, episodeCount: episodes.count)
        try checkSource(pairsSource, path: pairsPath, iteration: iteration)
        let rolloutDigest = try SHA256.hex(ofFile: rolloutPath)
        guard pairsSource.inputs.first(where: { $0.role == "rollout" })?.sha256 == rolloutDigest else {
            throw GridGRPOError("\(pairsPath): was paired from a different rollout than \(rolloutPath); rerun the pair stage")
        }
        let metrics = preferenceUpdate(agent: &agent, episodes: episodes, pairs: pairs, config: config.update,
                                       world: config.world, seed: config.seed, iteration: iteration)
        let parameters = agent.policy.parameters + agent.value.parameters
        guard parameters.allSatisfy({ $0.isFinite }) else {
            let lastPolicy = metrics.policyLoss.last ?? .nan, lastValue = metrics.valueLoss.last ?? .nan
            throw GridGRPOError("update diverged at iteration \(iteration): weights became NaN or Inf (last epoch policy loss \(lastPolicy), value loss \(lastValue)); lower update.policy_learning_rate or update.value_learning_rate. Nothing was written.")
        }
        let provenance = Provenance(schema: .weights, stage: "update", iteration: iteration, config: config, inputs: [
            try .input("config", path: configPath), try .input("weights", path: weightsPath),
            try .input("rollout", path: rolloutPath), try .input("pairs", path: pairsPath),
        ])
        try ArtifactSchema.writeWeights(agent, metrics: metrics, provenance: provenance, to: output)
        return label("update", iteration) + "\(metrics.trainingSteps) steps × \(config.update.epochs) epochs, \(metrics.gradientSteps) Adam steps, policy loss \(number(Double(metrics.policyLoss.last ?? 0))), value loss \(number(Double(metrics.valueLoss.last ?? 0)))"
    }

    /// Exhaustive greedy evaluation plus the blog's sampled average return.
    public static func evaluate(configPath: String, weightsPath: String, iteration: Int, output: String) throws -> String {
        let config = try PipelineConfig.load(path: configPath)
        try checkIteration(iteration, config, from: 0)
        let (agent, _, source) = try ArtifactSchema.readWeights(path: weightsPath, config: config)
        try checkSource(source, path: weightsPath, iteration: iteration)
        let evaluation = Evaluation.run(policy: agent.policy, world: config.world,
                                        sampledEpisodes: config.evaluation.sampledEpisodes, seed: config.seed, iteration: iteration)
        let provenance = Provenance(schema: .evaluation, stage: "evaluate", iteration: iteration, config: config,
                                    inputs: [try .input("config", path: configPath), try .input("weights", path: weightsPath)])
        try ArtifactSchema.writeEvaluation(evaluation, provenance: provenance, to: output)
        let optimal = (0..<evaluation.count).filter(evaluation.isOptimal).count
        return label("evaluate", iteration) + "optimal \(optimal)/\(evaluation.count), success \(percent(evaluation.successRate)), mean gap \(number(evaluation.meanOptimalityGap)), sampled return \(number(Double(evaluation.sampledAverageReturn)))"
    }

    /// Keeps the best weights so far. The candidate replaces the previous best
    /// only if its exhaustive greedy mean return is strictly higher, so ties
    /// keep the earlier iteration (the blog's `avg_return > best_return`).
    public static func checkpoint(configPath: String, evaluationPath: String, weightsPath: String, previousPath: String?,
                                  iteration: Int, output: String) throws -> String {
        let config = try PipelineConfig.load(path: configPath)
        try checkIteration(iteration, config, from: 0)
        let (evaluation, evaluationSource) = try ArtifactSchema.readEvaluation(path: evaluationPath)
        try checkSource(evaluationSource, path: evaluationPath, iteration: iteration)
        let (agent, _, weightsSource) = try ArtifactSchema.readWeights(path: weightsPath, config: config)
        try checkSource(weightsSource, path: weightsPath, iteration: iteration)
        guard evaluationSource.inputs.first(where: { $0.role == "weights" })?.sha256 == (try SHA256.hex(ofFile: weightsPath)) else {
            throw GridGRPOError("\(evaluationPath): evaluates different weights than \(weightsPath); rerun the evaluate stage")
        }
        var inputs: [Provenance.Input] = [try .input("config", path: configPath), try .input("evaluation", path: evaluationPath),
                                          try .input("weights", path: weightsPath)]
        let candidate = ArtifactSchema.Best(policy: agent.policy, value: agent.value, iteration: iteration,
                                            summary: evaluation.summary,
                                            firstAllOptimalIteration: evaluation.allOptimal ? iteration : nil)
        var best = candidate
        var verdict = "new best"
        if let previousPath {
            guard iteration > 0 else { throw GridGRPOError("--previous makes no sense at iteration 0") }
            let (previous, previousSource) = try ArtifactSchema.readBest(path: previousPath, config: config)
            try checkSource(previousSource, path: previousPath, iteration: iteration - 1)
            inputs.append(try .input("previous", path: previousPath))
            if candidate.summary.meanReturn > previous.summary.meanReturn {
                best.firstAllOptimalIteration = previous.firstAllOptimalIteration ?? candidate.firstAllOptimalIteration
            } else {
                best = previous
                best.firstAllOptimalIteration = previous.firstAllOptimalIteration ?? candidate.firstAllOptimalIteration
                verdict = "best stays iteration \(previous.iteration)"
            }
        } else if iteration > 0 {
            throw GridGRPOError("checkpoint at iteration \(iteration) needs --previous (the best.h5 of iteration \(iteration - 1))")
        }
        let provenance = Provenance(schema: .best, stage: "checkpoint", iteration: iteration, config: config, inputs: inputs)
        try ArtifactSchema.writeBest(best, provenance: provenance, to: output)
        let firstOptimal = best.firstAllOptimalIteration.map { ", first all-optimal at iteration \($0)" } ?? ""
        return label("checkpoint", iteration) + "\(verdict) (mean return \(number(best.summary.meanReturn)) of optimal \(number(best.summary.meanOptimalReturn)))\(firstOptimal)"
    }
}
