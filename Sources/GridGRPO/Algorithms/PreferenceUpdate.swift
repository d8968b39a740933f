/// The blog's update: K epochs over the preferred episodes, shuffled each epoch
/// by the stream (seed, update, iteration, epoch) and cut into minibatches of
/// `minibatchEpisodes` episodes. Each minibatch:
///
///  1. V(s_t) from the value net; advantage A_t = G_t − V(s_t), held constant
///     (rescaled per minibatch when `update.advantage_normalization` says so);
///  2. PPO clipped loss on the policy against the rollout's behaviour log-probs
///     (plus an entropy bonus when `update.entropy_coefficient` > 0);
///  3. value MSE to G_t;
///  4. one Adam step for each network.
///
/// Every step of every preferred episode is a sample: the loss is the mean
/// over the minibatch's steps, so `minibatchEpisodes = 1` is the blog's loop.
public func preferenceUpdate(agent: inout Agent, episodes: Episodes, pairs: PreferencePairs,
                             config: UpdateConfig, world: GridWorld, seed: UInt64, iteration: Int,
                             threads: Int = 1) throws -> UpdateMetrics {
    guard var valueNet = agent.value, var valueOptimizer = agent.valueOptimizer else {
        throw GridGRPOError("the blog's preference update needs a value network, and these weights have none (made with algorithm: grpo?)")
    }
    defer {
        agent.value = valueNet
        agent.valueOptimizer = valueOptimizer
    }
    var metrics = UpdateMetrics()
    let preferred = pairs.preferred
    metrics.trainingSteps = preferred.reduce(0) { $0 + episodes.length($1) }
    let epsilon = Float(config.clipEpsilon)
    for epoch in 0..<config.epochs {
        let order = shuffledForEpoch(preferred, seed: seed, iteration: iteration, epoch: epoch)
        var sums = EpochMetrics(valueLoss: true, referenceKL: false)
        var advantageSum = 0.0
        for members in Minibatch.slices(of: order, size: config.minibatchEpisodes) {
            let batch = Minibatch(episodes: episodes, members: members)
            let returns = batch.perStep(episodes.returnsToGo)
            let valueActivations = valueNet.forward(agents: batch.agents, goals: batch.goals, cellCount: world.cellCount, threads: threads)
            let values = valueActivations.output
            let rawAdvantages = zip(returns, values).map { $0 - $1 }
            if epoch == 0 { advantageSum += rawAdvantages.reduce(0.0) { $0 + Double($1) } }
            let advantages = config.advantageNormalization.applied(to: rawAdvantages)

            let policyActivations = agent.policy.forward(agents: batch.agents, goals: batch.goals, cellCount: world.cellCount, threads: threads)
            var surrogate = ppoClippedLoss(logits: policyActivations.output, actions: batch.actions,
                                           oldLogProbs: batch.oldLogProbs, advantages: advantages, epsilon: epsilon)
            if config.entropyCoefficient > 0 {
                let bonus = addEntropyBonus(logits: policyActivations.output, coefficient: Float(config.entropyCoefficient),
                                            to: &surrogate.logitGradient)
                surrogate.loss += bonus.loss
            }
            let policyGradient = agent.policy.gradient(agents: batch.agents, goals: batch.goals, cellCount: world.cellCount,
                                                       activations: policyActivations, outputGradient: surrogate.logitGradient, threads: threads)

            let mse = meanSquaredError(predictions: values, targets: returns)
            let valueGradient = valueNet.gradient(agents: batch.agents, goals: batch.goals, cellCount: world.cellCount,
                                                  activations: valueActivations, outputGradient: mse.gradient, threads: threads)

            agent.policyOptimizer.apply(policyGradient, to: &agent.policy.parameters, config.policyAdam, threads: threads)
            valueOptimizer.apply(valueGradient, to: &valueNet.parameters, config.valueAdam, threads: threads)
            metrics.recordStep(epoch: epoch, loss: surrogate.loss + mse.loss, gradients: policyGradient, valueGradient)
            sums.add(policyLoss: surrogate.loss, valueLoss: mse.loss, clipFraction: surrogate.clipFraction, approxKL: surrogate.approxKL)
        }
        sums.append(to: &metrics)
        if epoch == 0 { metrics.meanAdvantage = Float(advantageSum / Double(max(metrics.trainingSteps, 1))) }
    }
    return metrics
}
