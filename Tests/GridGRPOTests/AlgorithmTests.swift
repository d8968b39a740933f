import Foundation
import Testing
@testable import GridGRPO

@Suite("Episodes, pairs, update and evaluation")
struct AlgorithmTests {
    /// `rollout.pairing: same_start`: candidate P+i starts where reference i
    /// does (the start its stream (seed, rollout, iteration, i) draws first);
    /// the references, and every candidate's actions given its start, are
    /// those of the blog's independent pairing.
    @Test func sameStartPairsCompareTwoAttemptsAtOneTask() throws {
        var config = PipelineConfig()
        config.environment.gridSize = 4
        config.rollout.pairs = 40
        let pairs = config.rollout.pairs
        let independent = rolloutStarts(config: config, iteration: 3, episodes: 0..<(2 * pairs))
        config.rollout.pairing = .sameStart
        let same = rolloutStarts(config: config, iteration: 3, episodes: 0..<(2 * pairs))
        for i in 0..<pairs {
            var reference = RandomStream(seed: config.seed, stage: .rollout, iteration: 3, index: i)
            let drawn = config.world.sampleStart(&reference)
            #expect(same.starts[i] == drawn && same.starts[pairs + i] == drawn, "pair \(i)")
            #expect(independent.starts[i] == drawn)
            var ours = same.streams[pairs + i], blogs = independent.streams[pairs + i]
            #expect((0..<4).map { _ in ours.next() } == (0..<4).map { _ in blogs.next() }, "candidate \(i)'s action stream")
        }
        #expect((0..<pairs).contains { independent.starts[pairs + $0] != independent.starts[$0] })
        // left out of the canonical JSON at its default, written otherwise
        #expect(!PipelineConfig().canonicalJSON.contains("pairing"))
        #expect(config.canonicalJSON.contains("\"pairing\":\"same_start\""))
    }

    /// CleanRL's norm_adv by hand: [1, 2, 3, 6] has mean 3 and sample standard
    /// deviation √(14/3) = 2.1602469 (PyTorch's `Tensor.std`), so it becomes
    /// [−2, −1, 0, 3] / 2.1602469; one advantage, or equal ones, become 0.
    @Test func minibatchAdvantageNormalizationByHand() {
        let none = UpdateConfig.AdvantageNormalization.none, minibatch = UpdateConfig.AdvantageNormalization.minibatch
        #expect(none.applied(to: [1, 2, 3, 6]) == [1, 2, 3, 6])
        let normalized = minibatch.applied(to: [1, 2, 3, 6])
        let expected: [Float] = [-0.9258201, -0.46291006, 0, 1.3887302]
        #expect(normalized.count == 4)
        for (value, want) in zip(normalized, expected) { #expect(abs(value - want) <= 1e-6) }
        #expect(minibatch.applied(to: [5]) == [0])
        #expect(minibatch.applied(to: [0.25, 0.25, 0.25]) == [0, 0, 0])
        #expect(minibatch.applied(to: []) == [])
    }

    /// `update.learning_rate_schedule: linear` (CleanRL's anneal_lr): iteration
    /// i of T uses the rates × (1 − (i − 1)/T). Hand values, then the update
    /// stage itself: its iteration 3 of 4 equals an update at half the
    /// configured rates set by hand (and not one at the full rates), and its
    /// iteration 1, a fresh Adam's first step, moves parameters by up to the
    /// full rate (m̂/√v̂ = g/|g|).
    @Test func linearScheduleScalesTheLearningRatesByIteration() throws {
        var update = UpdateConfig()
        #expect(update.learningRateFactor(iteration: 7, of: 10) == 1)
        update.learningRateSchedule = .linear
        #expect(update.learningRateFactor(iteration: 1, of: 4) == 1)
        #expect(update.learningRateFactor(iteration: 3, of: 4) == 0.5)
        #expect(update.learningRateFactor(iteration: 4, of: 4) == 0.25)
        #expect(update.scheduled(iteration: 3, of: 4).policyLearningRate == 0.001)
        #expect(update.scheduled(iteration: 3, of: 4).valueLearningRate == 0.001)
        #expect(!PipelineConfig().canonicalJSON.contains("learning_rate_schedule"))
        #expect(try PipelineConfig.parse("update: {learning_rate_schedule: linear}").canonicalJSON
            .contains("\"learning_rate_schedule\":\"linear\""))
        #expect(throws: GridGRPOError.self) { try PipelineConfig.parse("update: {learning_rate_schedule: cosine}") }

        let directory = temporaryDirectory("lr-schedule")
        let configPath = directory + "/config.yaml"
        try """
        seed: 4
        iterations: 4
        environment: {grid_size: 3, max_steps: 20}
        network: {hidden_size: 8}
        rollout: {pairs: 16}
        update: {epochs: 1, minibatch_episodes: 16, policy_learning_rate: 0.01, value_learning_rate: 0.01, learning_rate_schedule: linear}
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
        let config = try PipelineConfig.load(path: configPath)
        func path(_ name: String, _ iteration: Int) -> String { directory + "/\(name)-\(iteration).h5" }
        _ = try Stages.initialize(configPath: configPath, output: path("weights", 0))
        for iteration in 1...3 {
            _ = try Stages.rollout(configPath: configPath, weightsPath: path("weights", iteration - 1), iteration: iteration,
                                   output: path("rollout", iteration))
            _ = try Stages.pair(configPath: configPath, rolloutPath: path("rollout", iteration), iteration: iteration,
                                output: path("pairs", iteration))
            _ = try Stages.update(configPath: configPath, weightsPath: path("weights", iteration - 1), rolloutPath: path("rollout", iteration),
                                  pairsPath: path("pairs", iteration), groupsPath: nil, referencePath: nil, iteration: iteration,
                                  output: path("weights", iteration))
        }
        // The stage's iteration 3 equals the update with the rates halved by
        // hand (1 − 2/4), from the same weights, rollout and pairs; and not
        // the update at the configured rate.
        let (stage, _, _) = try ArtifactSchema.readWeights(path: path("weights", 3), config: config)
        let (episodes, _) = try ArtifactSchema.readRollout(path: path("rollout", 3), config: config)
        let (pairs, _) = try ArtifactSchema.readPairs(path: path("pairs", 3), config: config)
        func updated(rate: Double) throws -> [Float] {
            var agent = try ArtifactSchema.readWeights(path: path("weights", 2), config: config).agent
            var byHand = config.update
            byHand.learningRateSchedule = .constant
            byHand.policyLearningRate = rate
            byHand.valueLearningRate = rate
            _ = try preferenceUpdate(agent: &agent, episodes: episodes, pairs: pairs, config: byHand, world: config.world,
                                     seed: config.seed, iteration: 3)
            return agent.policy.parameters + (agent.value?.parameters ?? [])
        }
        let written = stage.policy.parameters + (stage.value?.parameters ?? [])
        #expect(written == (try updated(rate: 0.005)))
        #expect(written != (try updated(rate: 0.01)))
        // Iteration 1 (factor 1): a fresh Adam's first step moves every
        // parameter by 0.01 · |g|/(|g| + ε), so the largest move is 0.01.
        let initial = try ArtifactSchema.readWeights(path: path("weights", 0), config: config).agent.policy.parameters
        let first = try ArtifactSchema.readWeights(path: path("weights", 1), config: config).agent.policy.parameters
        #expect(abs((zip(initial, first).map { abs($1 - $0) }.max() ?? 0) - 0.01) < 1e-5)
    }

    let world = GridWorld(size: 4, maxSteps: 30)

    func streams(_ count: Int, seed: UInt64 = 2, iteration: Int = 1) -> (starts: [(agent: Int, goal: Int)], streams: [RandomStream]) {
        var starts: [(agent: Int, goal: Int)] = [], streams: [RandomStream] = []
        for e in 0..<count {
            var s = RandomStream(seed: seed, stage: .rollout, iteration: iteration, index: e)
            starts.append(world.sampleStart(&s))
            streams.append(s)
        }
        return (starts, streams)
    }

    @Test func episodesObeyTheRulesStepByStep() {
        let agent = Agent.initial(world: world, hiddenSize: 16, seed: 1)
        let (starts, s) = streams(40)
        let episodes = runEpisodes(policy: agent.policy, world: world, starts: starts, streams: s, selection: .sample, gamma: 0.9)
        #expect(episodes.count == 40)
        for e in 0..<episodes.count {
            let steps = episodes.steps(e)
            #expect(!steps.isEmpty && steps.count <= world.maxSteps)
            var cell = episodes.starts[e]
            var total: Float = 0
            for t in steps {
                #expect(episodes.agentCells[t] == cell)
                let outcome = world.step(agent: cell, goal: episodes.goals[e], action: episodes.actions[t])
                #expect(episodes.rewards[t] == outcome.reward)
                // behaviour log-prob is the policy's own, recomputed here per state
                let logits = agent.policy.output(agent: cell, goal: episodes.goals[e], cellCount: world.cellCount)
                #expect(abs(logSoftmax(logits, width: 4)[episodes.actions[t]] - episodes.logProbs[t]) < 1e-6)
                cell = outcome.agent
                total += outcome.reward
                if outcome.reachedGoal { #expect(t == steps.last) }
            }
            #expect(episodes.successes[e] == (cell == episodes.goals[e]))
            #expect(episodes.returns[e] == total)
            #expect(episodes.successes[e] || steps.count == world.maxSteps)
        }
    }

    @Test func anEpisodeDoesNotDependOnItsBatch() {
        let agent = Agent.initial(world: world, hiddenSize: 16, seed: 1)
        let (starts, s) = streams(12)
        let together = runEpisodes(policy: agent.policy, world: world, starts: starts, streams: s, selection: .sample, gamma: 0.99)
        for e in [0, 5, 11] {
            let alone = runEpisodes(policy: agent.policy, world: world, starts: [starts[e]], streams: [s[e]], selection: .sample, gamma: 0.99)
            #expect(Array(together.actions[together.steps(e)]) == alone.actions)
            #expect(Array(together.logProbs[together.steps(e)]) == alone.logProbs)
        }
    }

    @Test func pairsPreferTheHigherReturnAndTheCandidateOnTies() throws {
        var episodes = Episodes()
        // P = 3: references 0,1,2 and candidates 3,4,5
        episodes.returns = [0.5, -1.0, 0.7, 0.2, 0.3, 0.7]
        episodes.starts = [Int](repeating: 0, count: 6)
        let pairs = try PreferencePairs(episodes: episodes)
        #expect(pairs.preferred == [0, 4, 5])
        #expect(pairs.rejected == [3, 1, 2])
        #expect(pairs.ties == [false, false, true])
        #expect(pairs.preferredReturns == [0.5, 0.3, 0.7])
        var odd = Episodes()
        odd.returns = [1, 2, 3]
        odd.starts = [0, 0, 0]
        #expect(throws: GridGRPOError.self) { try PreferencePairs(episodes: odd) }
    }

    /// One Adam step with a small learning rate on one fixed minibatch (every
    /// preferred episode): the blog's clipped surrogate objective on that batch
    /// goes up and the value net's squared error on it goes down. Both are
    /// measured here with the independent dense Double network, the advantages
    /// G_t − V(s_t) fixed at the starting value net, as the update holds them.
    @Test func oneSmallStepRaisesTheSurrogateAndLowersTheValueError() throws {
        var config = UpdateConfig()
        config.epochs = 1
        config.minibatchEpisodes = 1000  // all preferred episodes in one minibatch: one Adam step
        config.policyLearningRate = 1e-4
        config.valueLearningRate = 1e-4
        let start = Agent.initial(world: world, hiddenSize: 16, seed: 3)
        let (starts, s) = streams(32)
        let episodes = runEpisodes(policy: start.policy, world: world, starts: starts, streams: s, selection: .sample, gamma: 0.99)
        let pairs = try PreferencePairs(episodes: episodes)
        var trained = start
        let metrics = try preferenceUpdate(agent: &trained, episodes: episodes, pairs: pairs, config: config, world: world, seed: 3, iteration: 1)
        #expect(metrics.gradientSteps == 1 && trained.policyOptimizer.step == 1 && trained.valueOptimizer?.step == 1)

        let steps = pairs.preferred.flatMap { e in episodes.steps(e).map { (e, $0) } }
        let startValue = ReferenceMLP(try #require(start.value))
        let advantages = steps.map { e, t in
            Double(episodes.returnsToGo[t]) - startValue.forward(observation(world, episodes.agentCells[t], episodes.goals[e]))[0]
        }
        func surrogate(_ policy: MLP) -> Double {
            let network = ReferenceMLP(policy)
            var total = 0.0
            for ((e, t), advantage) in zip(steps, advantages) {
                let z = network.forward(observation(world, episodes.agentCells[t], episodes.goals[e]))
                let peak = z.max() ?? 0
                let logProb = z[episodes.actions[t]] - (Foundation.log(z.map { Foundation.exp($0 - peak) }.reduce(0, +)) + peak)
                let ratio = Foundation.exp(logProb - Double(episodes.logProbs[t]))
                total += min(ratio * advantage, min(max(ratio, 0.8), 1.2) * advantage)
            }
            return total / Double(steps.count)
        }
        func valueError(_ value: MLP?) -> Double {
            guard let value else { return .infinity }
            let network = ReferenceMLP(value)
            return steps.map { e, t in
                let v = network.forward(observation(world, episodes.agentCells[t], episodes.goals[e]))[0]
                return (v - Double(episodes.returnsToGo[t])) * (v - Double(episodes.returnsToGo[t]))
            }.reduce(0, +) / Double(steps.count)
        }
        let (before, after) = (surrogate(start.policy), surrogate(trained.policy))
        #expect(after > before, "surrogate \(before) → \(after)")
        #expect(valueError(trained.value) < valueError(start.value))
        // the update's reported losses are those of the starting networks on this batch
        #expect(abs(Double(metrics.policyLoss[0]) + before) < 1e-5)
        #expect(abs(Double(metrics.valueLoss[0]) - valueError(start.value)) < 1e-4)

        // minibatches of 4 of the 16 preferred episodes: 4 Adam steps per epoch
        config = UpdateConfig()
        config.minibatchEpisodes = 4
        var four = start
        let counted = try preferenceUpdate(agent: &four, episodes: episodes, pairs: pairs, config: config, world: world, seed: 3, iteration: 1)
        #expect(pairs.preferred.count == 16)
        #expect(counted.gradientSteps == config.epochs * 4 && four.policyOptimizer.step == counted.gradientSteps)
    }

    @Test func exhaustiveEvaluationAgreesWithAPlainPerStepGreedyRollout() {
        let agent = Agent.initial(world: world, hiddenSize: 16, seed: 8)
        let evaluation = Evaluation.run(policy: agent.policy, world: world, sampledEpisodes: 5, seed: 8, iteration: 0)
        #expect(evaluation.count == 16 * 15)
        for i in 0..<evaluation.count {
            var cell = evaluation.agents[i]
            var total: Float = 0, length = 0, reached = false
            while length < world.maxSteps && !reached {
                let logits = agent.policy.output(agent: cell, goal: evaluation.goals[i], cellCount: world.cellCount)
                let outcome = world.step(agent: cell, goal: evaluation.goals[i], action: argmax(logits[...]))
                cell = outcome.agent
                total += outcome.reward
                length += 1
                reached = outcome.reachedGoal
            }
            #expect(evaluation.lengths[i] == length && evaluation.returns[i] == total && evaluation.successes[i] == reached)
            #expect(evaluation.isOptimal(i) == (reached && length == world.manhattanDistance(evaluation.agents[i], evaluation.goals[i])))
        }
    }

    /// Shortest-path lengths to `goal` from every cell, by relaxing over the
    /// move function until nothing changes (no Manhattan formula involved).
    func distances(to goal: Int) -> [Int] {
        var distance = [Int](repeating: Int.max / 2, count: world.cellCount)
        distance[goal] = 0
        var changed = true
        while changed {
            changed = false
            for cell in 0..<world.cellCount where cell != goal {
                let best = (0..<4).map { distance[world.move(cell, $0)] }.min()! + 1
                if best < distance[cell] { distance[cell] = best; changed = true }
            }
        }
        return distance
    }

    /// A real MLP that is a lookup table: hidden unit a·N² + g fires only for
    /// agent a and goal g (weights 1 on both one-hot inputs, bias −1, ReLU),
    /// the second layer is the identity, and the output layer puts 1 on
    /// `action(a, g)`.
    func tablePolicy(_ action: (Int, Int) -> Int) -> MLP {
        let cells = world.cellCount, h = cells * cells
        var network = MLP(inputSize: world.observationSize, hiddenSize: h, outputSize: 4)
        let t = network.tensors
        for a in 0..<cells {
            for g in 0..<cells where g != a {
                let unit = a * cells + g
                network.parameters[t[0].offset + unit * world.observationSize + a] = 1
                network.parameters[t[0].offset + unit * world.observationSize + cells + g] = 1
                network.parameters[t[1].offset + unit] = -1
                network.parameters[t[4].offset + action(a, g) * h + unit] = 1
            }
        }
        for unit in 0..<h { network.parameters[t[2].offset + unit * h + unit] = 1 }
        return network
    }

    @Test func aShortestPathPolicyHasZeroGapAndADetourIsCounted() {
        let table = (0..<world.cellCount).map(distances(to:))
        // the first action (up, right, down, left) that gets one move closer
        func optimalAction(_ a: Int, _ g: Int) -> Int {
            (0..<4).first { table[g][world.move(a, $0)] == table[g][a] - 1 }!
        }
        let optimal = Evaluation.run(policy: tablePolicy(optimalAction), world: world, sampledEpisodes: 0, seed: 1, iteration: 0)
        #expect(optimal.count == 16 * 15)
        for i in 0..<optimal.count {
            let d = table[optimal.goals[i]][optimal.agents[i]]
            #expect(optimal.distances[i] == d && optimal.lengths[i] == d && optimal.successes[i])
            #expect(abs(Double(optimal.returns[i]) - (1 - 0.1 * Double(d - 1))) < 1e-5)
            #expect(abs(Double(optimal.optimalReturns[i]) - (1 - 0.1 * Double(d - 1))) < 1e-5)
        }
        #expect(optimal.allOptimal && optimal.meanOptimalityGap == 0 && optimal.successRate == 1 && optimal.optimalFraction == 1)

        // From corner 0 with the goal in cell 5 (two moves away) the policy
        // walks up into the wall forever: 30 moves at −0.1 instead of 0.9.
        let stuck = Evaluation.run(policy: tablePolicy { a, g in a == 0 && g == 5 ? 0 : optimalAction(a, g) }, world: world,
                                   sampledEpisodes: 0, seed: 1, iteration: 0)
        let i = stuck.agents.indices.first { stuck.agents[$0] == 0 && stuck.goals[$0] == 5 }!
        #expect(!stuck.successes[i] && stuck.lengths[i] == 30 && !stuck.isOptimal(i))
        #expect(abs(Double(stuck.optimalityGaps[i]) - (0.9 + 3.0)) < 1e-5)
        // no other start's greedy path passes through cell 0 on its way to cell 5
        #expect(stuck.successes.filter { !$0 }.count == 1 && !stuck.allOptimal)
        #expect(abs(stuck.meanOptimalityGap - 3.9 / 240) < 1e-6)
        #expect(stuck.successRate == 239.0 / 240 && stuck.optimalFraction == 239.0 / 240)
    }
}
