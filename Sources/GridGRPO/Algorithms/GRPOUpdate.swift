/// One GRPO update: μ inner epochs over the kept groups, shuffled each epoch
/// by the stream (seed, update, iteration, epoch) and cut into minibatches of
/// `minibatchGroups` groups; one Adam step per minibatch on the policy. The
/// behaviour log-probs of the rollout are π_old; `reference` (when β > 0) is
/// π_ref.
public func grpoUpdate(agent: inout Agent, reference: MLP?, episodes: Episodes, groups: GroupAdvantages,
                       config: GRPOConfig, adam: Adam.Hyperparameters, world: GridWorld, seed: UInt64, iteration: Int,
                       threads: Int = 1) -> UpdateMetrics {
    var metrics = UpdateMetrics()
    metrics.droppedGroups = groups.droppedGroups
    let keptGroups = (0..<groups.groupCount).filter { groups.kept[$0 * groups.groupSize] }
    metrics.trainingSteps = keptGroups.reduce(0) { total, group in
        total + (0..<groups.groupSize).reduce(0) { $0 + episodes.length(group * groups.groupSize + $1) }
    }
    // π_ref of every taken action, computed once: the reference is fixed.
    var referenceLogProbs: [Float]?
    if let reference, config.klBeta > 0 {
        let logits = reference.forward(agents: episodes.agentCells, goals: (0..<episodes.count).flatMap { e in
            [Int](repeating: episodes.goals[e], count: episodes.length(e))
        }, cellCount: world.cellCount).output
        let logProbs = logSoftmax(logits, width: GridWorld.actionCount)
        referenceLogProbs = (0..<episodes.stepCount).map { logProbs[$0 * GridWorld.actionCount + episodes.actions[$0]] }
    }
    for epoch in 0..<config.innerEpochs {
        let order = shuffledForEpoch(keptGroups, seed: seed, iteration: iteration, epoch: epoch)
        var sums = EpochMetrics(valueLoss: false, referenceKL: true)
        for batchGroups in Minibatch.slices(of: order, size: config.minibatchGroups) {
            let members = batchGroups.flatMap { group in (0..<groups.groupSize).map { group * groups.groupSize + $0 } }
            let batch = Minibatch(episodes: episodes, members: members)
            let activations = agent.policy.forward(agents: batch.agents, goals: batch.goals, cellCount: world.cellCount, threads: threads)
            let objective = grpoLoss(logits: activations.output, actions: batch.actions, oldLogProbs: batch.oldLogProbs,
                                     referenceLogProbs: referenceLogProbs.map(batch.perStep), advantages: batch.perEpisode(groups.advantages),
                                     weights: aggregationWeights(lengths: batch.lengths, aggregation: config.lossAggregation, maxSteps: world.maxSteps),
                                     clipLow: Float(config.clipEpsilon), clipHigh: Float(config.clipEpsilonHigh), klBeta: Float(config.klBeta))
            let gradient = agent.policy.gradient(agents: batch.agents, goals: batch.goals, cellCount: world.cellCount, activations: activations,
                                                 outputGradient: objective.logitGradient, threads: threads)
            agent.policyOptimizer.apply(gradient, to: &agent.policy.parameters, adam, threads: threads)
            metrics.recordStep(epoch: epoch, loss: objective.loss, gradients: gradient)
            sums.add(policyLoss: objective.loss, clipFraction: objective.clipFraction, approxKL: objective.approxKL,
                     referenceKL: objective.referenceKL)
        }
        sums.append(to: &metrics)
    }
    let kept = (0..<episodes.count).filter { groups.kept[$0] }
    metrics.meanAdvantage = Float(kept.reduce(0.0) { $0 + Double(groups.advantages[$1]) } / Double(max(kept.count, 1)))
    return metrics
}
