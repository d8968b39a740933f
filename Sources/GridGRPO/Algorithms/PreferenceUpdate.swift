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
    let cells = world.cellCount
    let minibatches = (0..<config.epochs).map { epoch in
        Minibatch.slices(of: shuffledForEpoch(preferred, seed: seed, iteration: iteration, epoch: epoch), size: config.minibatchEpisodes)
    }
    // Each minibatch's steps are gathered during the one before it (the
    // value side's last task, below), the first one's when it comes.
    let allMembers = minibatches.flatMap { $0 }
    var position = 0
    var upcoming: Minibatch?
    for epoch in 0..<config.epochs {
        var sums = EpochMetrics(valueLoss: true, referenceKL: false)
        var advantageSum = 0.0
        for members in minibatches[epoch] {
            let batch = upcoming ?? Minibatch(episodes: episodes, members: members)
            position += 1
            let following = position < allMembers.count ? allMembers[position] : nil
            let returns = batch.perStep(episodes.returnsToGo)
            let policy = agent.policy, value = valueNet
            // The two networks are independent but for the advantages (the
            // value net's outputs): they run side by side, on half the threads
            // each (`Parallel.both`), the value side handing the advantages
            // over as soon as its forward pass gives them; and the policy's
            // side (its loss, then a longer backward pass) being the longer,
            // the value side, done with its gradient, helps with the policy's
            // gradient chunks (`SharedChunks`; the sum's order stays the
            // chunks'), then gathers the next minibatch. With one thread: the
            // value side, then the policy's. Either way each network's numbers
            // are the same.
            let policyOptimizer = agent.policyOptimizer, valueOptimizerNow = valueOptimizer
            let advantagesReady = Handoff<[Float]>()
            let policyChunks = SharedChunks<GradientJob.Part>(count: GradientJob.chunkCount(samples: batch.agents.count))
            let (valueStep, policyStep) = Parallel.both(threads: threads) { threads in
                let valueActivations = value.forward(agents: batch.agents, goals: batch.goals, cellCount: cells, threads: threads)
                let values = valueActivations.output
                let rawAdvantages = zip(returns, values).map { $0 - $1 }
                advantagesReady.put(config.advantageNormalization.applied(to: rawAdvantages))
                let mse = meanSquaredError(predictions: values, targets: returns)
                let gradient = value.gradient(agents: batch.agents, goals: batch.goals, cellCount: cells,
                                              activations: valueActivations, outputGradient: mse.gradient, threads: threads)
                policyChunks.help(threads: threads)
                var network = value, optimizer = valueOptimizerNow
                optimizer.apply(gradient, to: &network.parameters, config.valueAdam, threads: threads)
                return (network: network, optimizer: optimizer, finite: UpdateMetrics.allFinite(gradient), loss: mse.loss,
                        // The mean advantage is reported for the first epoch only.
                        advantageSum: epoch == 0 ? rawAdvantages.reduce(0.0) { $0 + Double($1) } : 0,
                        next: following.map { Minibatch(episodes: episodes, members: $0) })
            } _: { threads in
                let policyActivations = policy.forward(agents: batch.agents, goals: batch.goals, cellCount: cells, threads: threads)
                var surrogate = ppoClippedLoss(logits: policyActivations.output, actions: batch.actions,
                                               oldLogProbs: batch.oldLogProbs, advantages: advantagesReady.take(), epsilon: epsilon)
                if config.entropyCoefficient > 0 {
                    let bonus = addEntropyBonus(logits: policyActivations.output, coefficient: Float(config.entropyCoefficient),
                                                to: &surrogate.logitGradient)
                    surrogate.loss += bonus.loss
                }
                let job = GradientJob(network: policy, agents: batch.agents, goals: batch.goals, cellCount: cells, actions: nil,
                                      activations: policyActivations, outputGradient: surrogate.logitGradient)
                policyChunks.publish { job.chunk($0) }
                let gradient = job.total(policyChunks.finish(threads: threads), threads: threads)
                var network = policy, optimizer = policyOptimizer
                optimizer.apply(gradient, to: &network.parameters, config.policyAdam, threads: threads)
                return (network: network, optimizer: optimizer, finite: UpdateMetrics.allFinite(gradient), surrogate: surrogate)
            }
            if epoch == 0 { advantageSum += valueStep.advantageSum }
            agent.policy = policyStep.network
            agent.policyOptimizer = policyStep.optimizer
            valueNet = valueStep.network
            valueOptimizer = valueStep.optimizer
            upcoming = valueStep.next
            let surrogate = policyStep.surrogate
            metrics.recordStep(epoch: epoch, loss: surrogate.loss + valueStep.loss, gradientsFinite: policyStep.finite && valueStep.finite)
            sums.add(policyLoss: surrogate.loss, valueLoss: valueStep.loss, clipFraction: surrogate.clipFraction, approxKL: surrogate.approxKL)
        }
        sums.append(to: &metrics)
        if epoch == 0 { metrics.meanAdvantage = Float(advantageSum / Double(max(metrics.trainingSteps, 1))) }
    }
    return metrics
}
