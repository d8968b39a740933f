import Foundation

extension Stages {
    /// Trains the iteration's reward model on every label so far (warm-started
    /// from the previous iteration's), normalises it on the iteration's
    /// rollout and measures it there.
    public static func reward(configPath: String, labelsPath: String, previousPath: String?, rolloutPath: String,
                              iteration: Int, output: String, threads: Int? = nil) throws -> String {
        let config = try PipelineConfig.loadInput(path: configPath)
        let preference = config.preference, world = config.world
        try requireLearnedReward(config, .reward)
        try checkIteration(iteration, config, from: 1)
        let workers = try workers(threads, config)
        let (labels, _, labelsSource) = try ArtifactSchema.readLabels(path: labelsPath, config: config)
        try checkSource(labelsSource, path: labelsPath, iteration: iteration)
        let (episodes, rolloutSource) = try ArtifactSchema.readRollout(path: rolloutPath, config: config)
        try checkSource(rolloutSource, path: rolloutPath, iteration: iteration)
        let rolloutInput = try Provenance.Input.input(.rollout, path: rolloutPath)
        guard labelsSource.inputs.first(where: { $0.role == InputRole.rollout.rawValue })?.sha256 == rolloutInput.sha256 else {
            throw GridGRPOError("\(labelsPath): was labelled from a different rollout than \(rolloutPath); rerun the label stage")
        }
        var inputs: [Provenance.Input] = [try .input(.labels, path: labelsPath)]
        var ensemble: RewardEnsemble
        if preference.warmStart, iteration > 1 {
            guard let previousPath else { throw GridGRPOError("preference.warm_start: reward needs --reward (reward.h5 of iteration \(iteration - 1))") }
            let (previous, _, source) = try ArtifactSchema.readReward(path: previousPath, config: config)
            try checkSource(source, path: previousPath, iteration: iteration - 1)
            ensemble = previous
            inputs.append(try .input(.reward, path: previousPath))
        } else {
            guard previousPath == nil else { throw GridGRPOError("reward reads --reward (the previous model) only with preference.warm_start, from iteration 2") }
            ensemble = RewardEnsemble.initial(world: world, hiddenSize: preference.rewardHiddenSize, count: preference.ensembleSize, seed: config.seed)
        }
        inputs.append(rolloutInput)

        let heldOut = (0..<labels.count).filter { RewardTraining.isHeldOut($0, seed: config.seed, fraction: preference.heldOutFraction) }
        let training = (0..<labels.count).filter { !RewardTraining.isHeldOut($0, seed: config.seed, fraction: preference.heldOutFraction) }
        var metrics = RewardMetrics()
        (metrics.labelCount, metrics.trainingCount, metrics.heldOutCount) = (labels.count, training.count, heldOut.count)
        metrics.trainingLoss = RewardTraining.train(&ensemble, labels: labels, training: training, config: preference, update: config.update,
                                                    world: world, seed: config.seed, iteration: iteration, threads: workers)
        guard metrics.trainingLoss.allSatisfy({ $0.isFinite }), ensemble.members.allSatisfy({ $0.parameters.allSatisfy { $0.isFinite } }) else {
            throw GridGRPOError("reward model diverged at iteration \(iteration): the Bradley–Terry loss or a weight became NaN or Inf; lower preference.reward_learning_rate. Nothing was written.")
        }
        let steps = StepInputs(episodes)
        ensemble.normalize(over: ensemble.meanRewards(steps, cellCount: world.cellCount, threads: workers),
                           mode: preference.normalization, target: preference.rewardScale)
        (metrics.heldOutLoss, metrics.heldOutAccuracy) = RewardTraining.score(ensemble, labels: labels, members: heldOut, world: world, threads: workers)
        metrics.trainingAccuracy = RewardTraining.score(ensemble, labels: labels, members: training, world: world, threads: workers).accuracy
        let learned = segmentSums(ensemble.normalizedRewards(steps, cellCount: world.cellCount, threads: workers), offsets: episodes.offsets)
        metrics.returnCorrelation = correlation(learned.map(Double.init), episodes.returns.map(Double.init))
        let strict = QuerySelection.candidates(config: config, episodeCount: episodes.count)
            .filter { episodes.returns[$0.first] != episodes.returns[$0.second] }
        let agreeing = strict.filter { (learned[$0.first] > learned[$0.second]) == (episodes.returns[$0.first] > episodes.returns[$0.second]) }
        metrics.pairAgreement = strict.isEmpty ? .nan : Double(agreeing.count) / Double(strict.count)

        let provenance = Provenance(schema: .reward, stage: .reward, iteration: iteration, config: config, inputs: inputs)
        try ArtifactSchema.writeReward(ensemble, metrics: metrics, config: config, provenance: provenance, to: output)
        func rate(_ value: Double) -> String { value.isFinite ? percent(value) : "–" }
        return label(.reward, iteration) + "\(training.count) labels trained, \(heldOut.count) held out: loss \(number(Double(metrics.trainingLoss.last ?? 0))), held-out accuracy \(rate(metrics.heldOutAccuracy)); on the rollout: return correlation \(metrics.returnCorrelation.isFinite ? number(metrics.returnCorrelation) : "–"), pairs ordered as the true return \(rate(metrics.pairAgreement))"
    }

    /// With a learned reward, the normalised r̃ of every step of `episodes`
    /// from reward.h5 (of `iteration`, trained beside that very rollout) and
    /// its provenance input; nil for `source: return`, which reads none.
    /// `rollout` is the caller's provenance input for that rollout (its digest
    /// is compared with the one reward.h5 records; the file is not hashed again).
    static func learnedStepRewards(config: PipelineConfig, rewardPath: String?, rolloutPath: String, rollout: Provenance.Input, episodes: Episodes,
                                   iteration: Int, stage: Stage, threads: Int) throws -> (rewards: [Float], input: Provenance.Input)? {
        guard config.preference.learnsReward else {
            guard rewardPath == nil else { throw GridGRPOError("preference.source is return: \(stage.rawValue) reads no --reward") }
            return nil
        }
        guard let rewardPath else {
            throw GridGRPOError("preference.source is \(config.preference.source.rawValue): \(stage.rawValue) needs --reward (reward.h5 of iteration \(iteration))")
        }
        let (ensemble, _, source) = try ArtifactSchema.readReward(path: rewardPath, config: config)
        try checkSource(source, path: rewardPath, iteration: iteration)
        guard source.inputs.first(where: { $0.role == InputRole.rollout.rawValue })?.sha256 == rollout.sha256 else {
            throw GridGRPOError("\(rewardPath): was normalised on a different rollout than \(rolloutPath); rerun the label and reward stages")
        }
        return (learnedRewards(ensemble, episodes: episodes, world: config.world, threads: threads), try .input(.reward, path: rewardPath))
    }

    /// Each episode's learned return Σ r̃, added in step order.
    static func learnedReturns(_ rewards: [Float], _ episodes: Episodes) -> [Float] {
        segmentSums(rewards, offsets: episodes.offsets)
    }

    /// Each step's discounted learned return-to-go, episode by episode.
    static func learnedReturnsToGo(_ rewards: [Float], _ episodes: Episodes, gamma: Double) -> [Float] {
        (0..<episodes.count).flatMap { discountedReturnsToGo(rewards[episodes.steps($0)], gamma: Float(gamma)) }
    }
}
