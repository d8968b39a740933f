import Testing
@testable import GridGRPO

@Suite("Episodes, pairs, update and evaluation")
struct AlgorithmTests {
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

    @Test func updateIsDeterministicAndImprovesTheSurrogate() throws {
        var config = PipelineConfig()
        config.environment.gridSize = 4
        config.network.hiddenSize = 16
        config.update.minibatchEpisodes = 4
        let start = Agent.initial(world: world, hiddenSize: 16, seed: 3)
        let (starts, s) = streams(32)
        let episodes = runEpisodes(policy: start.policy, world: world, starts: starts, streams: s, selection: .sample, gamma: 0.99)
        let pairs = try PreferencePairs(episodes: episodes)
        var a = start, b = start
        let metricsA = try preferenceUpdate(agent: &a, episodes: episodes, pairs: pairs, config: config.update, world: world, seed: 3, iteration: 1)
        let metricsB = try preferenceUpdate(agent: &b, episodes: episodes, pairs: pairs, config: config.update, world: world, seed: 3, iteration: 1)
        #expect(a == b && metricsA == metricsB)
        #expect(a.policy != start.policy && a.value != start.value)
        #expect(a.policyOptimizer.step == metricsA.gradientSteps)
        #expect(metricsA.gradientSteps == config.update.epochs * 4)  // 16 preferred episodes / 4 per minibatch
        // the value net moved towards the preferred episodes' returns-to-go
        func valueError(_ agent: Agent) -> Float {
            var agents: [Int] = [], goals: [Int] = [], targets: [Float] = []
            for e in pairs.preferred {
                for t in episodes.steps(e) {
                    agents.append(episodes.agentCells[t]); goals.append(episodes.goals[e]); targets.append(episodes.returnsToGo[t])
                }
            }
            guard let value = agent.value else { return .infinity }
            let values = value.forward(agents: agents, goals: goals, cellCount: world.cellCount).output
            return meanSquaredError(predictions: values, targets: targets).loss
        }
        #expect(valueError(a) < valueError(start))
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

    @Test func anOptimalPolicyHasZeroGap() {
        // Build the optimal greedy behaviour directly: the evaluation of a
        // hand-made set of episodes that walk shortest paths.
        var evaluation = Evaluation()
        for (agent, goal) in world.allConfigurations() {
            let d = world.manhattanDistance(agent, goal)
            var total: Float = 0
            for _ in 0..<(d - 1) { total += GridWorld.stepReward }
            total += GridWorld.goalReward
            evaluation.agents.append(agent)
            evaluation.goals.append(goal)
            evaluation.distances.append(d)
            evaluation.optimalReturns.append(world.optimalReturn(distance: d))
            evaluation.returns.append(total)
            evaluation.lengths.append(d)
            evaluation.successes.append(true)
        }
        #expect(evaluation.allOptimal)
        #expect(evaluation.meanOptimalityGap == 0)
        #expect(evaluation.successRate == 1)
    }
}
