/// PPO's clipped surrogate (Schulman et al. 2017) as the blog uses it:
///
///     r_t = exp(log π(a_t|s_t) − log π_old(a_t|s_t))
///     L   = −(1/T) Σ_t min(r_t·A_t, clip(r_t, 1−ε, 1+ε)·A_t)
///
/// Returns the loss and ∂L/∂logits (`T × 4`). Where the clipped term is the
/// strictly smaller one its gradient is zero; otherwise ∂L/∂log π = −r_t·A_t/T,
/// and ∂log π(a|s)/∂logit_j = 1[j = a] − π(j|s).
public func ppoClippedLoss(logits: [Float], actions: [Int], oldLogProbs: [Float], advantages: [Float],
                           epsilon: Float) -> (loss: Float, logitGradient: [Float], clipFraction: Float, approxKL: Float) {
    let width = GridWorld.actionCount
    let count = actions.count
    let logProbs = logSoftmax(logits, width: width)
    var gradient = [Float](repeating: 0, count: logits.count)
    var loss: Double = 0, clipped = 0, approxKL: Double = 0
    let scale = 1 / Float(count)
    for t in 0..<count {
        let base = t * width
        let logRatio = logProbs[base + actions[t]] - oldLogProbs[t]
        let ratio = logRatio.exp
        let advantage = advantages[t]
        let unclipped = ratio * advantage
        let clippedRatio = min(max(ratio, 1 - epsilon), 1 + epsilon)
        let surrogate = clippedRatio * advantage
        if clippedRatio != ratio { clipped += 1 }
        loss -= Double(min(unclipped, surrogate))
        approxKL += Double((ratio - 1) - logRatio)
        guard unclipped <= surrogate else { continue }
        let dLogProb = -unclipped * scale
        for j in 0..<width {
            let indicator: Float = j == actions[t] ? 1 : 0
            gradient[base + j] = dLogProb * (indicator - logProbs[base + j].exp)
        }
    }
    return (Float(loss / Double(count)), gradient, Float(clipped) / Float(count), Float(approxKL / Double(count)))
}

/// Mean squared error (1/T) Σ (V_t − G_t)² and its gradient 2(V_t − G_t)/T.
public func meanSquaredError(predictions: [Float], targets: [Float]) -> (loss: Float, gradient: [Float]) {
    let scale = 1 / Float(predictions.count)
    var loss: Double = 0
    var gradient = [Float](repeating: 0, count: predictions.count)
    for t in 0..<predictions.count {
        let error = predictions[t] - targets[t]
        loss += Double(error * error)
        gradient[t] = 2 * error * scale
    }
    return (Float(loss / Double(predictions.count)), gradient)
}

/// What one update stage measured, per epoch (means over its minibatches).
public struct UpdateMetrics: Equatable, Sendable {
    public var policyLoss: [Float] = []
    public var valueLoss: [Float] = []
    public var clipFraction: [Float] = []
    public var approxKL: [Float] = []
    /// GRPO: mean k3 estimate of KL(π ‖ π_ref) per epoch (empty for the blog's method).
    public var referenceKL: [Float] = []
    /// GRPO: groups skipped because all their returns were equal.
    public var droppedGroups: Int = 0
    /// Mean advantage G_t − V(s_t) over the first epoch's steps.
    public var meanAdvantage: Float = 0
    /// Steps in the preferred episodes (samples per epoch).
    public var trainingSteps: Int = 0
    public var gradientSteps: Int = 0
    /// The first Adam step (1-based over the whole update) whose loss or
    /// gradient was NaN or Inf, and its epoch (0-based): where training diverged.
    public var divergence: Divergence?
    public struct Divergence: Equatable, Sendable {
        public let step: Int
        public let epoch: Int
    }
    public init() {}

    /// Counts one Adam step and remembers it if it is the first non-finite one.
    mutating func recordStep(epoch: Int, loss: Float, gradients: [Float]...) {
        gradientSteps += 1
        if divergence == nil && !(loss.isFinite && gradients.allSatisfy { $0.allSatisfy(\.isFinite) }) {
            divergence = Divergence(step: gradientSteps, epoch: epoch)
        }
    }
}

/// The blog's update: K epochs over the preferred episodes, shuffled each epoch
/// by the stream (seed, update, iteration, epoch) and cut into minibatches of
/// `minibatchEpisodes` episodes. Each minibatch:
///
///  1. V(s_t) from the value net; advantage A_t = G_t − V(s_t), held constant;
///  2. PPO clipped loss on the policy against the rollout's behaviour log-probs;
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
        var sums = (policy: 0.0, value: 0.0, clip: 0.0, kl: 0.0)
        var advantageSum = 0.0
        var batches = 0
        for start in stride(from: 0, to: order.count, by: config.minibatchEpisodes) {
            let batch = order[start..<min(start + config.minibatchEpisodes, order.count)]
            var agents: [Int] = [], goals: [Int] = [], actions: [Int] = []
            var oldLogProbs: [Float] = [], returns: [Float] = []
            for episode in batch {
                for step in episodes.steps(episode) {
                    agents.append(episodes.agentCells[step])
                    goals.append(episodes.goals[episode])
                    actions.append(episodes.actions[step])
                    oldLogProbs.append(episodes.logProbs[step])
                    returns.append(episodes.returnsToGo[step])
                }
            }
            let valueActivations = valueNet.forward(agents: agents, goals: goals, cellCount: world.cellCount, threads: threads)
            let values = valueActivations.output
            let advantages = zip(returns, values).map { $0 - $1 }
            if epoch == 0 { advantageSum += advantages.reduce(0.0) { $0 + Double($1) } }

            let policyActivations = agent.policy.forward(agents: agents, goals: goals, cellCount: world.cellCount, threads: threads)
            let surrogate = ppoClippedLoss(logits: policyActivations.output, actions: actions,
                                           oldLogProbs: oldLogProbs, advantages: advantages, epsilon: epsilon)
            let policyGradient = agent.policy.gradient(agents: agents, goals: goals, cellCount: world.cellCount, activations: policyActivations,
                                                       outputGradient: surrogate.logitGradient, threads: threads)

            let mse = meanSquaredError(predictions: values, targets: returns)
            let valueGradient = valueNet.gradient(agents: agents, goals: goals, cellCount: world.cellCount, activations: valueActivations,
                                                  outputGradient: mse.gradient, threads: threads)

            agent.policyOptimizer.apply(policyGradient, to: &agent.policy.parameters, config.policyAdam)
            valueOptimizer.apply(valueGradient, to: &valueNet.parameters, config.valueAdam)
            metrics.recordStep(epoch: epoch, loss: surrogate.loss + mse.loss, gradients: policyGradient, valueGradient)

            sums.policy += Double(surrogate.loss)
            sums.value += Double(mse.loss)
            sums.clip += Double(surrogate.clipFraction)
            sums.kl += Double(surrogate.approxKL)
            batches += 1
        }
        let n = Double(max(batches, 1))
        metrics.policyLoss.append(Float(sums.policy / n))
        metrics.valueLoss.append(Float(sums.value / n))
        metrics.clipFraction.append(Float(sums.clip / n))
        metrics.approxKL.append(Float(sums.kl / n))
        if epoch == 0 { metrics.meanAdvantage = Float(advantageSum / Double(max(metrics.trainingSteps, 1))) }
    }
    return metrics
}

/// The items in the order of one training epoch: a Fisher–Yates shuffle drawn
/// from the stream (seed, update, iteration, epoch), shared by both algorithms.
public func shuffledForEpoch(_ items: [Int], seed: UInt64, iteration: Int, epoch: Int) -> [Int] {
    var order = items
    var random = RandomStream(seed: seed, stage: .update, iteration: iteration, index: epoch)
    for i in stride(from: order.count - 1, to: 0, by: -1) {
        order.swapAt(i, random.nextInt(below: i + 1))
    }
    return order
}
