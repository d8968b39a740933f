import Foundation

/// The stages themselves: each reads the config and the files it is given,
/// computes, writes its one output, and returns a one-line summary for the
/// progress log. The executables are thin wrappers around these functions.
public enum Stages {
    static func percent(_ value: Double) -> String { String(cFormat: "%.1f%%", value * 100) }
    static func number(_ value: Double) -> String { String(cFormat: "%.3f", value) }

    static func label(_ stage: Stage, _ iteration: Int) -> String {
        stage.rawValue.padded(to: 11) + StageGraph.iterationDirectory(iteration) + "  "
    }

    static func checkIteration(_ iteration: Int, _ config: PipelineConfig, from first: Int) throws {
        guard (first...max(first, config.iterations)).contains(iteration) else {
            throw GridGRPOError("--iteration \(iteration) is outside \(first)...\(config.iterations) (the config's iterations)")
        }
    }

    /// Worker threads for a stage: the `--threads` flag, else the config's `threads`.
    static func workers(_ flag: Int?, _ config: PipelineConfig) throws -> Int {
        if let flag, !(0...256).contains(flag) {
            throw GridGRPOError("--threads \(flag) is outside 0...256 (0 = every core)")
        }
        return Parallel.workerCount(flag ?? config.threads)
    }

    static func checkSource(_ provenance: Provenance, path: String, iteration: Int) throws {
        guard provenance.iteration == iteration else {
            throw GridGRPOError("\(path): holds iteration \(provenance.iteration), expected iteration \(iteration)")
        }
    }

    /// Runs the stage an invocation names with the files it gives, by role.
    /// The only place a stage's name meets its body.
    public static func run(_ run: StageInvocation) throws -> String {
        switch run.stage {
        case .initialize:
            return try initialize(configPath: run.configPath, output: run.output)
        case .rollout:
            return try rollout(configPath: run.configPath, weightsPath: try run.path(.weights), iteration: run.iteration,
                               output: run.output, threads: run.threads)
        case .label:
            return try label(configPath: run.configPath, rolloutPath: try run.path(.rollout), labelsPath: run[.labels],
                             rewardPath: run[.reward], handPath: run[.hand], iteration: run.iteration, output: run.output,
                             interactive: run.interactive, threads: run.threads)
        case .reward:
            return try reward(configPath: run.configPath, labelsPath: try run.path(.labels), previousPath: run[.reward],
                              rolloutPath: try run.path(.rollout), iteration: run.iteration, output: run.output, threads: run.threads)
        case .pair:
            return try pair(configPath: run.configPath, rolloutPath: try run.path(.rollout), rewardPath: run[.reward],
                            iteration: run.iteration, output: run.output)
        case .update:
            return try update(configPath: run.configPath, weightsPath: try run.path(.weights), rolloutPath: try run.path(.rollout),
                              pairsPath: run[.pairs], groupsPath: run[.groups], referencePath: run[.reference], rewardPath: run[.reward],
                              iteration: run.iteration, output: run.output, threads: run.threads)
        case .evaluate:
            return try evaluate(configPath: run.configPath, weightsPath: try run.path(.weights), labelsPath: run[.labels],
                                iteration: run.iteration, output: run.output, threads: run.threads)
        case .checkpoint:
            return try checkpoint(configPath: run.configPath, evaluationPath: try run.path(.evaluation),
                                  weightsPath: try run.path(.weights), previousPath: run[.previous],
                                  iteration: run.iteration, output: run.output)
        }
    }

    /// `update --init`: the iteration-0 weights.
    public static func initialize(configPath: String, output: String) throws -> String {
        let config = try PipelineConfig.loadInput(path: configPath)
        let agent = Agent.initial(world: config.world, hiddenSize: config.network.hiddenSize, seed: config.seed,
                                  withValue: config.algorithm == .preference)
        let provenance = Provenance(schema: .weights, stage: .initialize, iteration: 0, config: config,
                                    inputs: [])
        try ArtifactSchema.writeWeights(agent, world: config.world, metrics: nil, provenance: provenance, to: output)
        let value = agent.value.map { "and value \($0.parameters.count) " } ?? "(no value network) "
        return label(.initialize, 0) + "policy \(agent.policy.parameters.count) \(value)parameters, seed \(config.seed)"
    }

    /// Samples the iteration's episodes from the current policy
    /// (`sampleRollout` says which streams each episode draws from).
    public static func rollout(configPath: String, weightsPath: String, iteration: Int, output: String, threads: Int? = nil) throws -> String {
        let config = try PipelineConfig.loadInput(path: configPath)
        try checkIteration(iteration, config, from: 1)
        let (policy, _, source) = try ArtifactSchema.readNetworks(path: weightsPath, config: config, value: false)
        try checkSource(source, path: weightsPath, iteration: iteration - 1)
        let world = config.world
        let workers = try workers(threads, config)
        let provenance = Provenance(schema: .rollout, stage: .rollout, iteration: iteration, config: config,
                                    inputs: [try .input(.weights, path: weightsPath)])
        // Episodes are sampled and appended in fixed blocks, so memory stays
        // bounded however many a rollout holds; the policy table is shared.
        let episodeCount = config.rolloutEpisodes
        let table = PolicyTable.shared(policy: policy, world: world, episodes: episodeCount, threads: workers)
        let writer = try RolloutWriter(path: output, world: world, gamma: config.rollout.gamma, provenance: provenance,
                                       grouped: config.algorithm == .grpo)
        var returnSum = 0.0, successes = 0, steps = 0
        for first in stride(from: 0, to: episodeCount, by: rolloutBlock) {
            let part = sampleRollout(policy: policy, table: table, config: config, iteration: iteration,
                                     episodes: first..<min(episodeCount, first + rolloutBlock), threads: workers)
            try writer.append(part)
            returnSum += part.returns.reduce(0.0) { $0 + Double($1) }
            successes += part.successes.filter { $0 }.count
            steps += part.stepCount
        }
        try writer.commit()
        let meanReturn = returnSum / Double(episodeCount)
        let successRate = Double(successes) / Double(episodeCount)
        return label(.rollout, iteration) + "\(episodeCount) episodes, \(steps) steps, mean return \(number(meanReturn)), success \(percent(successRate))"
    }

    /// The blog's method: pairs reference i with candidate i (see
    /// `PreferencePairs` for the tie rule) into pairs.h5. GRPO: group
    /// statistics and per-episode advantages into groups.h5.
    /// With a learned reward (`rewardPath`), the returns compared are the learned ones.
    public static func pair(configPath: String, rolloutPath: String, rewardPath: String? = nil, iteration: Int, output: String) throws -> String {
        let config = try PipelineConfig.loadInput(path: configPath)
        try checkIteration(iteration, config, from: 1)
        var (episodes, source) = try ArtifactSchema.readRollout(path: rolloutPath, config: config)
        try checkSource(source, path: rolloutPath, iteration: iteration)
        let rolloutInput = try Provenance.Input.input(.rollout, path: rolloutPath)
        var inputs: [Provenance.Input] = [rolloutInput]
        if let learned = try learnedStepRewards(config: config, rewardPath: rewardPath, rolloutPath: rolloutPath, rollout: rolloutInput, episodes: episodes,
                                                iteration: iteration, stage: .pair, threads: 1) {
            episodes.returns = learnedReturns(learned.rewards, episodes)
            inputs.append(learned.input)
        }
        if config.algorithm == .grpo {
            let expected = config.grpo.groupSize * config.grpo.groupsPerIteration
            guard episodes.count == expected, episodes.groups.count == expected else {
                throw GridGRPOError("\(rolloutPath): holds \(episodes.count) episodes\(episodes.groups.isEmpty ? " without group ids" : ""), but grpo needs \(config.grpo.groupsPerIteration) groups of \(config.grpo.groupSize)")
            }
            let groups = try GroupAdvantages(returns: episodes.returns, groupSize: config.grpo.groupSize, scale: config.grpo.scale,
                                             epsilon: config.grpo.advantageEpsilon, dropUniform: config.grpo.dropUniformGroups)
            let provenance = Provenance(schema: .groups, stage: .pair, iteration: iteration, config: config, inputs: inputs)
            try ArtifactSchema.writeGroups(groups, config: config.grpo, provenance: provenance, to: output)
            let meanReturn = groups.means.reduce(0.0) { $0 + Double($1) } / Double(groups.groupCount)
            let meanStd = groups.standardDeviations.reduce(0.0) { $0 + Double($1) } / Double(groups.groupCount)
            return label(.pair, iteration) + "\(groups.groupCount) groups of \(groups.groupSize), mean return \(number(meanReturn)), mean group std \(number(meanStd)), \(groups.uniform.filter { $0 }.count) uniform, \(groups.droppedGroups) dropped"
        }
        guard episodes.count == 2 * config.rollout.pairs else {
            throw GridGRPOError("\(rolloutPath): holds \(episodes.count) episodes, but rollout.pairs = \(config.rollout.pairs) needs \(2 * config.rollout.pairs)")
        }
        let pairs = try PreferencePairs(episodes: episodes)
        let provenance = Provenance(schema: .pairs, stage: .pair, iteration: iteration, config: config, inputs: inputs)
        try ArtifactSchema.writePairs(pairs, provenance: provenance, to: output)
        let meanPreferred = pairs.preferredReturns.reduce(0.0) { $0 + Double($1) } / Double(pairs.count)
        let meanRejected = pairs.rejectedReturns.reduce(0.0) { $0 + Double($1) } / Double(pairs.count)
        return label(.pair, iteration) + "\(pairs.count) pairs, \(pairs.ties.filter { $0 }.count) ties, mean return preferred \(number(meanPreferred)) vs rejected \(number(meanRejected))"
    }

    /// One iteration of training. The blog's method reads `pairsPath` and
    /// updates the policy and value networks on the preferred episodes; GRPO
    /// reads `groupsPath` (advantages) and, when β > 0, `referencePath` (π_ref).
    /// With a learned reward (`rewardPath`, the blog's method), the returns-to-go
    /// and value targets are the learned reward's.
    public static func update(configPath: String, weightsPath: String, rolloutPath: String, pairsPath: String?,
                              groupsPath: String?, referencePath: String?, rewardPath: String? = nil, iteration: Int, output: String,
                              threads: Int? = nil) throws -> String {
        let config = try PipelineConfig.loadInput(path: configPath)
        let workers = try workers(threads, config)
        try checkIteration(iteration, config, from: 1)
        var (agent, _, weightsSource) = try ArtifactSchema.readWeights(path: weightsPath, config: config)
        try checkSource(weightsSource, path: weightsPath, iteration: iteration - 1)
        var (episodes, rolloutSource) = try ArtifactSchema.readRollout(path: rolloutPath, config: config)
        try checkSource(rolloutSource, path: rolloutPath, iteration: iteration)
        let rolloutInput = try Provenance.Input.input(.rollout, path: rolloutPath)
        let rolloutDigest = rolloutInput.sha256
        var inputs: [Provenance.Input] = [try .input(.weights, path: weightsPath), rolloutInput]
        var rewardInput: Provenance.Input?
        if config.algorithm == .preference,
           let learned = try learnedStepRewards(config: config, rewardPath: rewardPath, rolloutPath: rolloutPath, rollout: rolloutInput, episodes: episodes,
                                                iteration: iteration, stage: .update, threads: workers) {
            episodes.returnsToGo = learnedReturnsToGo(learned.rewards, episodes, gamma: config.rollout.gamma)
            rewardInput = learned.input
        } else if rewardPath != nil {
            throw GridGRPOError("update reads --reward only for the blog's method with a learned reward (GRPO's groups.h5 holds the learned advantages)")
        }
        func checkScoredFrom(_ source: Provenance, path: String) throws {
            try checkSource(source, path: path, iteration: iteration)
            guard source.inputs.first(where: { $0.role == InputRole.rollout.rawValue })?.sha256 == rolloutDigest else {
                throw GridGRPOError("\(path): was made from a different rollout than \(rolloutPath); rerun the pair stage")
            }
            if let rewardInput, source.inputs.first(where: { $0.role == InputRole.reward.rawValue })?.sha256 != rewardInput.sha256 {
                throw GridGRPOError("\(path): was paired by a different reward model than \(rewardPath ?? ""); rerun the pair stage")
            }
        }
        let metrics: UpdateMetrics
        switch config.algorithm {
        case .preference:
            guard let pairsPath, groupsPath == nil, referencePath == nil else {
                throw GridGRPOError("algorithm preference: update takes --pairs (and no --groups or --reference)")
            }
            let (pairs, pairsSource) = try ArtifactSchema.readPairs(path: pairsPath, config: config)
            try checkScoredFrom(pairsSource, path: pairsPath)
            inputs.append(try .input(.pairs, path: pairsPath))
            if let rewardInput { inputs.append(rewardInput) }
            metrics = try preferenceUpdate(agent: &agent, episodes: episodes, pairs: pairs,
                                           config: config.update.scheduled(iteration: iteration, of: config.iterations),
                                           world: config.world, seed: config.seed, iteration: iteration, threads: workers)
        case .grpo:
            guard let groupsPath, pairsPath == nil else {
                throw GridGRPOError("algorithm grpo: update takes --groups (and no --pairs)")
            }
            let (groups, groupsSource) = try ArtifactSchema.readGroups(path: groupsPath, config: config)
            try checkScoredFrom(groupsSource, path: groupsPath)
            inputs.append(try .input(.groups, path: groupsPath))
            var reference: MLP?
            if config.grpo.klBeta > 0 {
                let expected = config.grpo.referenceIteration(for: iteration)
                guard let referencePath else {
                    throw GridGRPOError("grpo.kl_beta is \(config.grpo.klBeta): update needs --reference (weights.h5 of iteration \(expected))")
                }
                let (referencePolicy, _, referenceSource) = try ArtifactSchema.readNetworks(path: referencePath, config: config, value: false)
                guard referenceSource.iteration == expected else {
                    throw GridGRPOError("\(referencePath): holds iteration \(referenceSource.iteration), but the reference policy of iteration \(iteration) is iteration \(expected) (grpo.reference_refresh = \(config.grpo.referenceRefresh))")
                }
                reference = referencePolicy
                inputs.append(try .input(.reference, path: referencePath))
            } else if referencePath != nil {
                throw GridGRPOError("grpo.kl_beta is 0: update reads no --reference")
            }
            metrics = grpoUpdate(agent: &agent, reference: reference, episodes: episodes, groups: groups, config: config.grpo,
                                 adam: config.update.policyAdam(learningRate: config.grpo.learningRate
                                     * config.update.learningRateFactor(iteration: iteration, of: config.iterations)),
                                 world: config.world, seed: config.seed, iteration: iteration, threads: workers)
        }
        let parameters = agent.policy.parameters + (agent.value?.parameters ?? [])
        if let divergence = metrics.divergence {
            throw GridGRPOError("update diverged at iteration \(iteration), Adam step \(divergence.step) of \(metrics.gradientSteps) (epoch \(divergence.epoch + 1)): the loss or its gradient became NaN or Inf; lower the learning rate or check the input weights. Nothing was written.")
        }
        guard parameters.allSatisfy({ $0.isFinite }) else {
            throw GridGRPOError("update diverged at iteration \(iteration) after Adam step \(metrics.gradientSteps): weights became NaN or Inf; lower the learning rate. Nothing was written.")
        }
        let provenance = Provenance(schema: .weights, stage: .update, iteration: iteration, config: config, inputs: inputs)
        try ArtifactSchema.writeWeights(agent, world: config.world, metrics: metrics, provenance: provenance, to: output)
        let epochs = metrics.policyLoss.count
        var summary = "\(metrics.trainingSteps) steps × \(epochs) epochs, \(metrics.gradientSteps) Adam steps, policy loss \(number(Double(metrics.policyLoss.last ?? 0)))"
        if let valueLoss = metrics.valueLoss.last { summary += ", value loss \(number(Double(valueLoss)))" }
        if let kl = metrics.referenceKL.last { summary += ", KL to reference \(String(cFormat: "%.4f", kl))" }
        if metrics.droppedGroups > 0 { summary += ", \(metrics.droppedGroups) groups dropped" }
        return label(.update, iteration) + summary
    }

    /// Exhaustive greedy evaluation plus the blog's sampled average return,
    /// always on the true reward. A run with a learned reward also records
    /// the labels spent so far (`labelsPath`, iteration ≥ 1) and the greedy
    /// policy's other criteria.
    public static func evaluate(configPath: String, weightsPath: String, labelsPath: String? = nil, iteration: Int, output: String,
                                threads: Int? = nil) throws -> String {
        let config = try PipelineConfig.loadInput(path: configPath)
        try checkIteration(iteration, config, from: 0)
        let workers = try workers(threads, config)
        let (policy, _, source) = try ArtifactSchema.readNetworks(path: weightsPath, config: config, value: false)
        try checkSource(source, path: weightsPath, iteration: iteration)
        let evaluation = Evaluation.run(policy: policy, world: config.world,
                                        sampledEpisodes: config.evaluation.sampledEpisodes, seed: config.seed, iteration: iteration,
                                        threads: workers)
        var inputs: [Provenance.Input] = [try .input(.weights, path: weightsPath)]
        let spent = try labelsSpent(config: config, labelsPath: labelsPath, iteration: iteration)
        if let input = spent.input { inputs.append(input) }
        var labels: EvaluationLabels?
        if config.preference.learnsReward {
            let criteria = greedyCriteria(policy: policy, world: config.world, threads: workers)
            labels = EvaluationLabels(labelsSpent: spent.count, personLabels: spent.person, meanEdgeMoves: criteria.edgeMoves,
                                      meanRevisits: criteria.revisits)
        }
        let provenance = Provenance(schema: .evaluation, stage: .evaluate, iteration: iteration, config: config, inputs: inputs)
        try ArtifactSchema.writeEvaluation(evaluation, world: config.world, provenance: provenance, to: output,
                                           extra: labels.map { labels in { try ArtifactSchema.writeEvaluationLabels(labels, to: $0) } })
        let optimal = (0..<evaluation.count).filter(evaluation.isOptimal).count
        return label(.evaluate, iteration) + "optimal \(optimal)/\(evaluation.count), success \(percent(evaluation.successRate)), mean gap \(number(evaluation.meanOptimalityGap)), sampled return \(number(Double(evaluation.sampledAverageReturn)))"
            + (labels.map { ", \($0.labelsSpent) labels spent" } ?? "")
    }

    /// The labels spent up to `iteration` (and how many by a person), from its labels.h5.
    static func labelsSpent(config: PipelineConfig, labelsPath: String?, iteration: Int) throws -> (count: Int, person: Int, input: Provenance.Input?) {
        guard config.preference.learnsReward, iteration > 0 else {
            guard labelsPath == nil else { throw GridGRPOError("evaluate reads --labels only with a learned reward, from iteration 1") }
            return (0, 0, nil)
        }
        guard let labelsPath else { throw GridGRPOError("preference.source is \(config.preference.source.rawValue): evaluate needs --labels (labels.h5 of iteration \(iteration))") }
        let (count, person, _, source) = try ArtifactSchema.readLabelsSummary(path: labelsPath, config: config)
        try checkSource(source, path: labelsPath, iteration: iteration)
        return (count, person, try .input(.labels, path: labelsPath))
    }

    /// Keeps the best weights so far. The candidate replaces the previous best
    /// only if its exhaustive greedy mean return is strictly higher, so ties
    /// keep the earlier iteration (the blog's `avg_return > best_return`).
    public static func checkpoint(configPath: String, evaluationPath: String, weightsPath: String, previousPath: String?,
                                  iteration: Int, output: String) throws -> String {
        let config = try PipelineConfig.loadInput(path: configPath)
        try checkIteration(iteration, config, from: 0)
        let (evaluation, evaluationSource) = try ArtifactSchema.readEvaluation(path: evaluationPath, config: config)
        try checkSource(evaluationSource, path: evaluationPath, iteration: iteration)
        let (policy, value, weightsSource) = try ArtifactSchema.readNetworks(path: weightsPath, config: config, value: true)
        try checkSource(weightsSource, path: weightsPath, iteration: iteration)
        let weightsInput = try Provenance.Input.input(.weights, path: weightsPath)
        guard evaluationSource.inputs.first(where: { $0.role == InputRole.weights.rawValue })?.sha256 == weightsInput.sha256 else {
            throw GridGRPOError("\(evaluationPath): evaluates different weights than \(weightsPath); rerun the evaluate stage")
        }
        var inputs: [Provenance.Input] = [try .input(.evaluation, path: evaluationPath), weightsInput]
        let candidate = ArtifactSchema.Best(policy: policy, value: value, iteration: iteration,
                                            summary: evaluation.summary,
                                            firstAllOptimalIteration: evaluation.allOptimal ? iteration : nil)
        var best = candidate
        var verdict = "new best"
        if let previousPath {
            guard iteration > 0 else { throw GridGRPOError("--previous makes no sense at iteration 0") }
            let (previous, previousSource) = try ArtifactSchema.readBest(path: previousPath, config: config)
            try checkSource(previousSource, path: previousPath, iteration: iteration - 1)
            inputs.append(try .input(.previous, path: previousPath))
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
        let provenance = Provenance(schema: .best, stage: .checkpoint, iteration: iteration, config: config, inputs: inputs)
        try ArtifactSchema.writeBest(best, world: config.world, provenance: provenance, to: output)
        let firstOptimal = best.firstAllOptimalIteration.map { ", first all-optimal at iteration \($0)" } ?? ""
        return label(.checkpoint, iteration) + "\(verdict) (mean return \(number(best.summary.meanReturn)) of optimal \(number(best.summary.meanOptimalReturn)))\(firstOptimal)"
    }
}
