import Foundation
import Testing
@testable import GridGRPO

@Suite("GRPO: advantages, k3, aggregation, gradients, reference in the DAG")
struct GRPOTests {
    @Test func groupAdvantagesAreNormalisedWithTheSampleStandardDeviation() throws {
        // one group of four: returns 1, 0, 0, 1 → mean 0.5, sample std √(4·0.25/3) = √(1/3)
        let groups = try GroupAdvantages(returns: [1, 0, 0, 1], groupSize: 4, scale: .group, epsilon: 1e-4, dropUniform: false)
        let expected = 0.5 / ((1.0 / 3).squareRoot() + 1e-4)
        #expect(abs(Double(groups.advantages[0]) - expected) < 1e-5)
        #expect(abs(Double(groups.advantages[1]) + expected) < 1e-5)
        #expect(abs(groups.means[0] - 0.5) < 1e-7)
        #expect(abs(Double(groups.standardDeviations[0]) - (1.0 / 3).squareRoot()) < 1e-6)
    }

    @Test func scaleChoosesTheDenominator() throws {
        let returns: [Float] = [1, 3, 10, 14]  // two groups of two
        let none = try GroupAdvantages(returns: returns, groupSize: 2, scale: .none, epsilon: 1e-4, dropUniform: false)
        #expect(none.advantages == [-1, 1, -2, 2])
        // batch: sample std of all four returns, mean 7: √((36 + 16 + 9 + 49)/3) = √(110/3)
        let batch = try GroupAdvantages(returns: returns, groupSize: 2, scale: .batch, epsilon: 0.5, dropUniform: false)
        let denominator = (110.0 / 3).squareRoot() + 0.5
        #expect(abs(Double(batch.advantages[3]) - 2 / denominator) < 1e-5)
        // group: each group's own std (√2 and 2√2)
        let group = try GroupAdvantages(returns: returns, groupSize: 2, scale: .group, epsilon: 0, dropUniform: false)
        #expect(abs(Double(group.advantages[0]) + 1 / 2.0.squareRoot()) < 1e-6)
        #expect(abs(Double(group.advantages[2]) + 2 / (2 * 2.0.squareRoot())) < 1e-6)
    }

    @Test func uniformGroupsHaveZeroAdvantageAndCanBeDropped() throws {
        let returns: [Float] = [0.5, 0.5, 0.5, -1, 0.7, 0.7]  // group 0 uniform
        let kept = try GroupAdvantages(returns: returns, groupSize: 3, scale: .group, epsilon: 1e-4, dropUniform: false)
        #expect(kept.uniform == [true, false])
        #expect(kept.advantages[0..<3].allSatisfy { $0 == 0 })
        #expect(kept.droppedGroups == 0 && kept.kept.allSatisfy { $0 })
        let dropped = try GroupAdvantages(returns: returns, groupSize: 3, scale: .group, epsilon: 1e-4, dropUniform: true)
        #expect(dropped.droppedGroups == 1)
        #expect(dropped.kept == [false, false, false, true, true, true])
        #expect(throws: GridGRPOError.self) {
            try GroupAdvantages(returns: [1, 2, 3], groupSize: 2, scale: .group, epsilon: 1e-4, dropUniform: false)
        }
    }

    @Test func k3AgainstHandValuesAndItsDerivative() {
        // π = 0.5, π_ref = 0.25: ρ = 0.5, k3 = 0.5 − log 0.5 − 1, ∂k3/∂log π = 1 − ρ = 0.5
        let value = k3(logProb: Float(log(0.5)), referenceLogProb: Float(log(0.25)))
        #expect(abs(Double(value.value) - (0.5 - log(0.5) - 1)) < 1e-6)
        #expect(abs(value.gradient - 0.5) < 1e-6)
        #expect(k3(logProb: -1.3, referenceLogProb: -1.3).value == 0)
        // non-negative everywhere, and the derivative matches finite differences
        for logProb in stride(from: -4.0, through: -0.1, by: 0.3) {
            let here = k3(logProb: Float(logProb), referenceLogProb: -1.0)
            #expect(here.value >= 0)
            let h = 1e-3
            func k3Reference(_ x: Double) -> Double {
                let logRatio: Double = -1.0 - x
                return exp(logRatio) - logRatio - 1
            }
            let up = k3Reference(logProb + h), down = k3Reference(logProb - h)
            #expect(abs(Double(here.gradient) - (up - down) / (2 * h)) < 1e-4)
        }
    }

    @Test func aggregationWeightsMatchTheirDefinitions() {
        // two episodes of 1 and 3 steps
        let sixth: Float = 1 / 6
        let sequenceMean: [Float] = [0.5, sixth, sixth, sixth]
        #expect(aggregationWeights(lengths: [1, 3], aggregation: .sequenceMean, maxSteps: 10) == sequenceMean)
        #expect(aggregationWeights(lengths: [1, 3], aggregation: .tokenMean, maxSteps: 10) == [0.25, 0.25, 0.25, 0.25])
        #expect(aggregationWeights(lengths: [1, 3], aggregation: .constant, maxSteps: 10) == [0.05, 0.05, 0.05, 0.05])
        // with unit step losses: sequence_mean = 1, token_mean = 1, constant = (1 + 3)/(2·10)
        for (aggregation, expected) in [(LossAggregation.sequenceMean, 1.0), (.tokenMean, 1.0), (.constant, 0.2)] {
            let total = aggregationWeights(lengths: [1, 3], aggregation: aggregation, maxSteps: 10).reduce(0, +)
            #expect(abs(Double(total) - expected) < 1e-6)
        }
    }

    @Test func grpoLossByHand() {
        // uniform policy (π = 0.25 for every action); two steps of weight 0.5
        let logits = [Float](repeating: 0, count: 8)
        let quarter = Float(log(0.25))
        // step 0: old π = 0.25 → r = 1, Â = 2 → surrogate 2; π_ref = 0.5 → k3 = 2 − log 2 − 1
        // step 1: old π = 0.125 → r = 2, Â = 1, clip-higher ε_high = 0.5 → min(2, 1.5) = 1.5 (clipped)
        let result = grpoLoss(logits: logits, actions: [0, 1], oldLogProbs: [quarter, Float(log(0.125))],
                              referenceLogProbs: [Float(log(0.5)), quarter], advantages: [2, 1], weights: [0.5, 0.5],
                              clipLow: 0.2, clipHigh: 0.5, klBeta: 0.1)
        let kl0: Double = 2 - log(2.0) - 1
        let expected: Double = 0.5 * (-2 + 0.1 * kl0) + 0.5 * -1.5
        #expect(abs(Double(result.loss) - expected) < 1e-5)
        #expect(result.clipFraction == 0.5)
        // step 1 is clipped: only its KL term (zero, π = π_ref) is left
        #expect(result.logitGradient[4..<8].allSatisfy { abs($0) < 1e-7 })
        // step 0: ∂/∂log π = −r·Â + β(1 − ρ) = −2 + 0.1·(1 − 2) = −2.1, times 0.5, times (1[j=a] − 0.25)
        let chosen: Double = 0.5 * -2.1 * 0.75, other: Double = 0.5 * -2.1 * -0.25
        #expect(abs(Double(result.logitGradient[0]) - chosen) < 1e-5)
        #expect(abs(Double(result.logitGradient[1]) - other) < 1e-5)
    }

    @Test(arguments: LossAggregation.allCases)
    func fullGRPOLossGradientMatchesFiniteDifferences(_ aggregation: LossAggregation) {
        let world = GridWorld(size: 3, maxSteps: 12)
        let agent = Agent.initial(world: world, hiddenSize: 8, seed: 21, withValue: false)
        let reference = Agent.initial(world: world, hiddenSize: 8, seed: 22, withValue: false).policy
        let agents = [0, 4, 8, 2, 6, 3, 5], goals = [8, 0, 4, 6, 2, 5, 1], actions = [1, 0, 3, 2, 1, 0, 3]
        let lengths = [2, 4, 1]  // three episodes over the seven steps
        let episodeAdvantages: [Float] = [1.2, -0.7, 0.4]
        let advantages = zip(lengths, episodeAdvantages).flatMap { [Float](repeating: $1, count: $0) }
        let weights = aggregationWeights(lengths: lengths, aggregation: aggregation, maxSteps: world.maxSteps)
        let activations = agent.policy.forward(agents: agents, goals: goals, cellCount: world.cellCount)
        let logProbs = logSoftmax(activations.output, width: 4)
        let shifts: [Float] = [0.1, -0.5, 0.05, 0.4, -0.02, -0.3, 0.0]
        let old = (0..<7).map { logProbs[$0 * 4 + actions[$0]] + shifts[$0] }
        let referenceLogProbs = logSoftmax(reference.forward(agents: agents, goals: goals, cellCount: world.cellCount).output, width: 4)
        let referenceTaken = (0..<7).map { referenceLogProbs[$0 * 4 + actions[$0]] }
        let (low, high, beta) = (Float(0.2), Float(0.28), Float(0.05))
        let result = grpoLoss(logits: activations.output, actions: actions, oldLogProbs: old, referenceLogProbs: referenceTaken,
                              advantages: advantages, weights: weights, clipLow: low, clipHigh: high, klBeta: beta)
        #expect(result.clipFraction > 0 && result.clipFraction < 1)
        var gradient = [Float](repeating: 0, count: agent.policy.parameters.count)
        agent.policy.backward(agents: agents, goals: goals, cellCount: world.cellCount, activations: activations,
                              outputGradient: result.logitGradient, into: &gradient)
        var network = ReferenceMLP(agent.policy)
        let base = network.flat
        let h = 1e-4
        func loss(_ parameters: [Double]) -> Double {
            network.setFlat(parameters)
            var total = 0.0
            for t in 0..<7 {
                let z = network.forward(observation(world, agents[t], goals[t]))
                let peak = z.max()!
                let logProb = z[actions[t]] - (log(z.map { exp($0 - peak) }.reduce(0, +)) + peak)
                let ratio = exp(logProb - Double(old[t]))
                let a = Double(advantages[t])
                let surrogate = min(ratio * a, min(max(ratio, 1 - Double(low)), 1 + Double(high)) * a)
                let rho = exp(Double(referenceTaken[t]) - logProb)
                total += Double(weights[t]) * (-surrogate + Double(beta) * (rho - log(rho) - 1))
            }
            return total
        }
        var worst = 0.0
        for index in 0..<base.count {
            var plus = base, minus = base
            plus[index] += h
            minus[index] -= h
            let numeric = (loss(plus) - loss(minus)) / (2 * h)
            worst = max(worst, abs(Double(gradient[index]) - numeric) / max(1, abs(numeric)))
        }
        #expect(worst < 2e-3, "worst relative error \(worst)")
        #expect(abs(Double(result.loss) - loss(base)) < 1e-4)
    }

    @Test func theReferencePolicyIsAFileInTheDAG() throws {
        var config = try PipelineConfig.parse("algorithm: grpo\niterations: 7\ngrpo: {reference_refresh: 3, kl_beta: 0.02}\n")
        #expect((1...7).map { config.grpo.referenceIteration(for: $0) } == [0, 0, 0, 3, 3, 3, 6])
        let rules = StageGraph.makefile(config: config)
        func updateRule(_ iteration: Int) -> String? {
            let lines = rules.split(separator: "\n").map(String.init)
            guard let index = lines.firstIndex(where: { $0.hasPrefix("$(ARTIFACTS)/\(StageGraph.iterationDirectory(iteration))/weights.h5:") }) else { return nil }
            return lines[index] + "\n" + lines[index + 1]
        }
        let five = try #require(updateRule(5))
        #expect(five.contains("--reference $(ARTIFACTS)/iter-0003/weights.h5"))
        #expect(five.components(separatedBy: "$(ARTIFACTS)/iter-0003/weights.h5").count == 3)  // prerequisite and argument
        #expect(five.contains("--groups $(ARTIFACTS)/iter-0005/groups.h5"))
        #expect(try #require(updateRule(2)).contains("--reference $(ARTIFACTS)/iter-0000/weights.h5"))
        config.grpo.referenceRefresh = 0
        #expect(StageGraph.makefile(config: config).contains("--reference $(ARTIFACTS)/iter-0000/weights.h5"))
        #expect(!StageGraph.makefile(config: config).contains("--reference $(ARTIFACTS)/iter-0003"))
        config.grpo.klBeta = 0
        #expect(!StageGraph.makefile(config: config).contains("--reference"))
        #expect(!StageGraph.makefile(config: config).contains("pairs.h5"))
    }

    @Test func updateRefusesAReferenceOfTheWrongIteration() throws {
        let run = try SmallRun(algorithm: .grpo)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let dir = { (i: Int) in "\(run.directory)/\(StageGraph.iterationDirectory(i))" }
        // reference_refresh 2: iteration 3 must use iteration 2's weights, not iteration 0's
        #expect(throws: GridGRPOError("\(dir(0))/weights.h5: holds iteration 0, but the reference policy of iteration 3 is iteration 2 (grpo.reference_refresh = 2)")) {
            try Stages.update(configPath: run.config, weightsPath: dir(2) + "/weights.h5", rolloutPath: dir(3) + "/rollout.h5",
                              pairsPath: nil, groupsPath: dir(3) + "/groups.h5", referencePath: dir(0) + "/weights.h5",
                              iteration: 3, output: run.directory + "/out.h5")
        }
        #expect(!FileManager.default.fileExists(atPath: run.directory + "/out.h5"))
    }
}
