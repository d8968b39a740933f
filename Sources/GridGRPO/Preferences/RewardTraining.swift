import Foundation

/// The reward stage's training and its measurements.
public enum RewardTraining {
    /// Whether label `index` (its position in the run's labels) is held out:
    /// a fixed draw from the stream (seed, heldOut, 0, index), so a label is
    /// held out in every iteration or in none. The run's first label is never
    /// held out, so there is always one to train on.
    public static func isHeldOut(_ index: Int, seed: UInt64, fraction: Double) -> Bool {
        guard index > 0, fraction > 0 else { return false }
        var stream = RandomStream(seed: seed, stage: .heldOut, iteration: 0, index: index)
        return stream.nextUnitDouble() < fraction
    }

    /// The steps of labels `members`' segments gathered into one batch, with
    /// the segments' offsets in it.
    static func gather(_ labels: LabelSet, _ members: some Sequence<Int>) -> (steps: StepInputs, offsets: [Int], targets: [Float]) {
        var agents: [Int] = [], goals: [Int] = [], actions: [Int] = [], offsets = [0], targets: [Float] = []
        for label in members {
            targets.append(labels.preferences[label])
            for segment in [2 * label, 2 * label + 1] {
                let steps = labels.steps(segment)
                agents.append(contentsOf: labels.agentCells[steps])
                actions.append(contentsOf: labels.actions[steps])
                goals.append(contentsOf: repeatElement(labels.goals[segment], count: steps.count))
                offsets.append(actions.count)
            }
        }
        return (StepInputs(agents: agents, goals: goals, actions: actions), offsets, targets)
    }

    /// Trains every member on `training` (indices into `labels`):
    /// `reward_epochs` epochs, each a bootstrap resample of the training labels
    /// (|training| draws with replacement from the stream (seed, reward,
    /// iteration, member)) cut into minibatches of `reward_minibatch` labels,
    /// one Adam step each. Members train independently, one per thread, so the
    /// result does not depend on the thread count. Returns each epoch's mean
    /// loss over the members.
    public static func train(_ ensemble: inout RewardEnsemble, labels: LabelSet, training: [Int], config: PreferenceConfig,
                             update: UpdateConfig, world: GridWorld, seed: UInt64, iteration: Int, threads: Int) -> [Float] {
        let hyper = Adam.Hyperparameters(learningRate: config.rewardLearningRate, beta1: update.adamBeta1,
                                         beta2: update.adamBeta2, epsilon: update.adamEpsilon)
        let current = ensemble
        let results = Parallel.map(chunks: ensemble.members.count, threads: threads) { member -> (MLP, Adam, [Double]) in
            var network = current.members[member], adam = current.optimizers[member]
            var stream = RandomStream(seed: seed, stage: .reward, iteration: iteration, index: member)
            var losses: [Double] = []
            for _ in 0..<config.rewardEpochs {
                let order = (0..<training.count).map { _ in training[stream.nextInt(below: training.count)] }
                var total = 0.0, batches = 0
                for members in Minibatch.slices(of: order, size: config.rewardMinibatch) {
                    let batch = gather(labels, members)
                    let activations = network.forward(agents: batch.steps.agents, goals: batch.steps.goals, cellCount: world.cellCount,
                                                      actions: batch.steps.actions)
                    let bt = BradleyTerry.minibatch(stepRewards: activations.output, offsets: batch.offsets, targets: batch.targets)
                    var gradient = [Float](repeating: 0, count: network.parameters.count)
                    network.backward(agents: batch.steps.agents, goals: batch.steps.goals, cellCount: world.cellCount,
                                     actions: batch.steps.actions, activations: activations, outputGradient: bt.stepGradient,
                                     into: &gradient)
                    adam.apply(gradient, to: &network.parameters, hyper)
                    total += bt.loss
                    batches += 1
                }
                losses.append(total / Double(max(batches, 1)))
            }
            return (network, adam, losses)
        }
        ensemble.members = results.map(\.0)
        ensemble.optimizers = results.map(\.1)
        return (0..<config.rewardEpochs).map { epoch in
            Float(results.reduce(0.0) { $0 + $1.2[epoch] } / Double(results.count))
        }
    }

    /// How well the ensemble's mean reward predicts labels `members`: the
    /// mean Bradley–Terry loss and the share of strict labels (not ties) on
    /// whose side z falls. (NaN, NaN) for no labels; accuracy NaN for ties only.
    public static func score(_ ensemble: RewardEnsemble, labels: LabelSet, members: [Int], world: GridWorld,
                             threads: Int) -> (loss: Double, accuracy: Double) {
        guard !members.isEmpty else { return (.nan, .nan) }
        let batch = gather(labels, members)
        let rewards = ensemble.meanRewards(batch.steps, cellCount: world.cellCount, threads: threads)
        let result = BradleyTerry.minibatch(stepRewards: rewards, offsets: batch.offsets, targets: batch.targets)
        let verdicts = zip(result.z, batch.targets).compactMap { BradleyTerry.agrees(z: $0, target: $1) }
        let accuracy = verdicts.isEmpty ? .nan : Double(verdicts.filter { $0 }.count) / Double(verdicts.count)
        return (result.loss, accuracy)
    }
}
