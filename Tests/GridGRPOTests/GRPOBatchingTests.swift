import Foundation
import Testing
@testable import GridGRPO

/// `grpoUpdate`'s batching on a hand-made rollout of three groups of two,
/// the middle group uniform and dropped: what goes into the minibatches, the
/// loss and the KL term, against a reference computed here from the dense
/// Double network.
@Suite("GRPO batching: dropped groups, reference log-probs")
struct GRPOBatchingTests {
    let world = GridWorld(size: 3, maxSteps: 12)
    var policy: MLP { Agent.initial(world: world, hiddenSize: 6, seed: 31, withValue: false).policy }
    var reference: MLP { Agent.initial(world: world, hiddenSize: 6, seed: 32, withValue: false).policy }

    /// Per episode: goal, agent cells, actions, behaviour log-prob shift.
    /// Group 1 (episodes 2 and 3) is the only one to visit cell 8 or have goal 7.
    static let plan: [(goal: Int, cells: [Int], actions: [Int], shifts: [Double])] = [
        (5, [0, 1, 2], [1, 1, 2], [0.1, -0.4, 0.05]),
        (5, [3, 4], [1, 2], [0.35, 0.0]),
        (7, [8, 8, 8], [0, 3, 1], [0.0, 0.1, -0.1]),
        (7, [8], [3], [0.2]),
        (6, [4, 3], [3, 2], [-0.3, 0.02]),
        (6, [0, 3, 4, 1], [2, 0, 1, 3], [0.0, 0.5, -0.05, 0.15]),
    ]
    static let returns: [Float] = [0.8, 0.9, 0.5, 0.5, 0.7, -0.2]

    func logProbs(_ network: ReferenceMLP, _ agent: Int, _ goal: Int) -> [Double] {
        let z = network.forward(observation(world, agent, goal))
        let peak = z.max() ?? 0
        let logSum = Foundation.log(z.map { Foundation.exp($0 - peak) }.reduce(0, +)) + peak
        return z.map { $0 - logSum }
    }

    /// The rollout; behaviour log-probs are the policy's own plus the plan's shifts.
    func episodes() -> Episodes {
        let network = ReferenceMLP(policy)
        var episodes = Episodes()
        for (index, e) in Self.plan.enumerated() {
            episodes.starts.append(e.cells[0])
            episodes.goals.append(e.goal)
            episodes.groups.append(index / 2)
            episodes.returns.append(Self.returns[index])
            episodes.successes.append(true)
            for (t, cell) in e.cells.enumerated() {
                episodes.agentCells.append(cell)
                episodes.actions.append(e.actions[t])
                episodes.rewards.append(t == e.cells.count - 1 ? 1 : -0.1)
                episodes.returnsToGo.append(0)
                episodes.logProbs.append(Float(logProbs(network, cell, e.goal)[e.actions[t]] + e.shifts[t]))
            }
            episodes.offsets.append(episodes.agentCells.count)
        }
        return episodes
    }

    func groups(dropUniform: Bool) throws -> GroupAdvantages {
        try GroupAdvantages(returns: Self.returns, groupSize: 2, scale: .group, epsilon: 1e-4, dropUniform: dropUniform)
    }

    func config(_ aggregation: LossAggregation, minibatchGroups: Int, epochs: Int) -> GRPOConfig {
        var config = GRPOConfig()
        config.groupSize = 2
        config.groupsPerIteration = 3
        config.innerEpochs = epochs
        config.minibatchGroups = minibatchGroups
        config.lossAggregation = aggregation
        config.clipEpsilon = 0.2
        config.clipEpsilonHigh = 0.28
        config.klBeta = 0.1
        return config
    }

    /// With a learning rate of 0 the weights never move, so each minibatch (one
    /// group) is scored at the starting policy: the reported loss, clip
    /// fraction and KL are the means over the kept groups of the group's own,
    /// whatever order the groups were shuffled into.
    @Test(arguments: LossAggregation.allCases)
    func droppedGroupsStayOutOfTheLossAndTheKLUsesEachStepsOwnReference(_ aggregation: LossAggregation) throws {
        let episodes = episodes()
        let groups = try groups(dropUniform: true)
        #expect(groups.kept == [true, true, false, false, true, true])
        var agent = Agent(policy: policy, value: nil, policyOptimizer: Adam(parameterCount: policy.parameters.count), valueOptimizer: nil)
        let metrics = grpoUpdate(agent: &agent, reference: reference, episodes: episodes, groups: groups,
                                 config: config(aggregation, minibatchGroups: 1, epochs: 1),
                                 adam: Adam.Hyperparameters(learningRate: 0), world: world, seed: 5, iteration: 1)
        #expect(agent.policy == policy)
        #expect(metrics.droppedGroups == 1 && metrics.gradientSteps == 2)
        #expect(metrics.trainingSteps == 3 + 2 + 2 + 4)

        let current = ReferenceMLP(policy), fixed = ReferenceMLP(reference)
        var losses: [Double] = [], kls: [Double] = [], clips: [Double] = []
        for group in [0, 2] {
            let members = [2 * group, 2 * group + 1]
            let lengths = members.map { Self.plan[$0].cells.count }
            var loss = 0.0, kl = 0.0, clipped = 0.0
            for (position, e) in members.enumerated() {
                let plan = Self.plan[e]
                let advantage = Double(groups.advantages[e])
                let weight: Double
                switch aggregation {
                case .sequenceMean: weight = 1 / (2 * Double(lengths[position]))
                case .tokenMean: weight = 1 / Double(lengths.reduce(0, +))
                case .constant: weight = 1 / (2 * Double(world.maxSteps))
                }
                for (t, cell) in plan.cells.enumerated() {
                    let logProb = logProbs(current, cell, plan.goal)[plan.actions[t]]
                    let ratio = Foundation.exp(-plan.shifts[t])  // π / π_old, by construction
                    #expect(abs(logProb - Double(episodes.logProbs[episodes.offsets[e] + t]) + plan.shifts[t]) < 1e-6)
                    let surrogate = min(ratio * advantage, min(max(ratio, 0.8), 1.28) * advantage)
                    if ratio < 0.8 || ratio > 1.28 { clipped += 1 }
                    let rho = Foundation.exp(logProbs(fixed, cell, plan.goal)[plan.actions[t]] - logProb)
                    let k3 = rho - Foundation.log(rho) - 1
                    loss += weight * (-surrogate + 0.1 * k3)
                    kl += k3
                }
            }
            let steps = Double(lengths.reduce(0, +))
            losses.append(loss)
            kls.append(kl / steps)
            clips.append(clipped / steps)
        }
        #expect(clips.reduce(0, +) > 0, "the plan's shifts should clip some steps")
        #expect(abs(Double(metrics.policyLoss[0]) - (losses[0] + losses[1]) / 2) < 1e-5)
        #expect(abs(Double(metrics.referenceKL[0]) - (kls[0] + kls[1]) / 2) < 1e-6)
        #expect(abs(Double(metrics.clipFraction[0]) - (clips[0] + clips[1]) / 2) < 1e-6)
    }

    /// Every parameter the dropped group alone could move (the first layer's
    /// column for agent cell 8 and for goal cell 7) stays exactly as it was
    /// through two epochs of real Adam steps; with the group kept, they move.
    @Test func aDroppedGroupNeverReachesTheGradient() throws {
        let episodes = episodes()
        let weight0 = policy.tensors[0], inputs = world.observationSize
        let onlyDropped = [8, world.cellCount + 7], shared = [0, 3, world.cellCount + 5, world.cellCount + 6]
        func column(_ network: MLP, _ input: Int) -> [Float] {
            (0..<network.hiddenSize).map { network.parameters[weight0.offset + $0 * inputs + input] }
        }
        for dropUniform in [true, false] {
            var agent = Agent(policy: policy, value: nil, policyOptimizer: Adam(parameterCount: policy.parameters.count), valueOptimizer: nil)
            let metrics = grpoUpdate(agent: &agent, reference: reference, episodes: episodes, groups: try groups(dropUniform: dropUniform),
                                     config: config(.sequenceMean, minibatchGroups: 3, epochs: 2),
                                     adam: Adam.Hyperparameters(learningRate: 0.01), world: world, seed: 5, iteration: 1)
            #expect(metrics.gradientSteps == 2)
            for input in shared { #expect(column(agent.policy, input) != column(policy, input), "input \(input)") }
            for input in onlyDropped {
                #expect((column(agent.policy, input) == column(policy, input)) == dropUniform,
                        "input \(input), drop_uniform_groups \(dropUniform)")
            }
        }
    }
}
