import Foundation
import Testing
@testable import GridGRPO

@Suite("Networks, losses and Adam")
struct NetworkTests {
    let world = GridWorld(size: 3, maxSteps: 20)

    func smallAgent(seed: UInt64 = 5) -> Agent { Agent.initial(world: world, hiddenSize: 8, seed: seed) }

    /// A small batch of states, actions and returns exercising every cell kind.
    var batch: (agents: [Int], goals: [Int], actions: [Int]) {
        ([0, 4, 8, 2, 6, 3, 5], [8, 0, 4, 6, 2, 5, 1], [1, 0, 3, 2, 1, 0, 3])
    }

    @Test func stateDictKeysAndShapesMatchPyTorch() {
        let agent = Agent.initial(world: GridWorld(size: 5, maxSteps: 100), hiddenSize: 64, seed: 0)
        #expect(agent.policy.tensors.map(\.key) == ["network.0.weight", "network.0.bias", "network.2.weight",
                                                    "network.2.bias", "network.4.weight", "network.4.bias"])
        #expect(agent.policy.tensors.map(\.shape) == [[64, 50], [64], [64, 64], [64], [4, 64], [4]])
        #expect(agent.value?.tensors.map(\.shape) == [[64, 50], [64], [64, 64], [64], [1, 64], [1]])
        #expect(agent.policy.parameters.count == 64 * 50 + 64 + 64 * 64 + 64 + 4 * 64 + 4)
    }

    @Test func initialisationIsUniformWithinOneOverRootFanIn() {
        let agent = Agent.initial(world: GridWorld(size: 5, maxSteps: 100), hiddenSize: 64, seed: 0)
        for tensor in agent.policy.tensors {
            let fanIn = tensor.key.hasPrefix("network.0") ? 50.0 : 64.0
            let bound = Float(1 / fanIn.squareRoot())
            let values = agent.policy.parameters[tensor.range]
            #expect(values.allSatisfy { abs($0) <= bound })
            // a uniform sample of 64 or more values spans most of its range
            if values.count >= 64 { #expect(values.max()! > 0.8 * bound && values.min()! < -0.8 * bound) }
        }
        // policy and value draw from different streams
        let first = agent.policy.tensors[0].range
        #expect(agent.policy.parameters[first] != agent.value?.parameters[first])
    }

    @Test func sparseForwardEqualsDenseReferenceOnTheFullObservation() {
        let agent = smallAgent()
        for network in [agent.policy, agent.value].compactMap({ $0 }) {
            let reference = ReferenceMLP(network)
            let (agents, goals, _) = batch
            let output = network.forward(agents: agents, goals: goals, cellCount: world.cellCount).output
            for i in 0..<agents.count {
                let expected = reference.forward(observation(world, agents[i], goals[i]))
                for (k, value) in expected.enumerated() {
                    #expect(abs(Double(output[i * network.outputSize + k]) - value) < 1e-5)
                }
            }
        }
    }

    /// Central finite differences of a Double loss over every parameter.
    func finiteDifferences(_ network: MLP, loss: (ReferenceMLP) -> Double) -> [Double] {
        var reference = ReferenceMLP(network)
        let base = reference.flat
        let h = 1e-4
        return (0..<base.count).map { index in
            var plus = base, minus = base
            plus[index] += h
            minus[index] -= h
            reference.setFlat(plus)
            let up = loss(reference)
            reference.setFlat(minus)
            let down = loss(reference)
            return (up - down) / (2 * h)
        }
    }

    func expectClose(_ analytic: [Float], _ numeric: [Double], _ label: String) {
        #expect(analytic.count == numeric.count)
        var worst = 0.0
        for (a, n) in zip(analytic, numeric) {
            worst = max(worst, abs(Double(a) - n) / max(1, abs(n)))
        }
        #expect(worst < 2e-3, "\(label): worst relative error \(worst)")
        #expect(numeric.contains { abs($0) > 1e-3 }, "\(label): gradient should not vanish")
    }

    @Test func ppoPolicyGradientMatchesFiniteDifferencesIncludingClippedSamples() {
        let agent = smallAgent()
        let (agents, goals, actions) = batch
        let logits = agent.policy.forward(agents: agents, goals: goals, cellCount: world.cellCount)
        let logProbs = logSoftmax(logits.output, width: 4)
        // behaviour log-probs chosen so some ratios sit inside [0.8, 1.2] and
        // some outside, with advantages of both signs
        let shifts: [Float] = [0.1, -0.5, 0.05, 0.4, -0.02, -0.3, 0.0]
        let advantages: [Float] = [1.5, -0.7, 0.3, 2.0, -1.2, 0.8, -0.4]
        let old = (0..<actions.count).map { logProbs[$0 * 4 + actions[$0]] + shifts[$0] }
        let epsilon: Float = 0.2
        let loss = ppoClippedLoss(logits: logits.output, actions: actions, oldLogProbs: old, advantages: advantages, epsilon: epsilon)
        #expect(loss.clipFraction > 0 && loss.clipFraction < 1)
        var gradient = [Float](repeating: 0, count: agent.policy.parameters.count)
        agent.policy.backward(agents: agents, goals: goals, cellCount: world.cellCount, activations: logits,
                              outputGradient: loss.logitGradient, into: &gradient)
        let numeric = finiteDifferences(agent.policy) { reference in
            var total = 0.0
            for t in 0..<actions.count {
                let z = reference.forward(observation(world, agents[t], goals[t]))
                let peak = z.max()!
                let logSum = Foundation.log(z.map { Foundation.exp($0 - peak) }.reduce(0, +)) + peak
                let ratio = Foundation.exp(z[actions[t]] - logSum - Double(old[t]))
                let a = Double(advantages[t])
                total += min(ratio * a, min(max(ratio, 0.8), 1.2) * a)
            }
            return -total / Double(actions.count)
        }
        expectClose(gradient, numeric, "PPO policy gradient")
    }

    @Test func valueGradientMatchesFiniteDifferences() throws {
        let valueNet = try #require(smallAgent(seed: 11).value)
        let (agents, goals, _) = batch
        let targets: [Float] = [0.9, -1.3, 0.2, 0.5, -0.4, 1.0, -2.0]
        let activations = valueNet.forward(agents: agents, goals: goals, cellCount: world.cellCount)
        let mse = meanSquaredError(predictions: activations.output, targets: targets)
        var gradient = [Float](repeating: 0, count: valueNet.parameters.count)
        valueNet.backward(agents: agents, goals: goals, cellCount: world.cellCount, activations: activations,
                             outputGradient: mse.gradient, into: &gradient)
        let numeric = finiteDifferences(valueNet) { reference in
            (0..<agents.count).map { t in
                let v = reference.forward(observation(world, agents[t], goals[t]))[0]
                return (v - Double(targets[t])) * (v - Double(targets[t]))
            }.reduce(0, +) / Double(agents.count)
        }
        expectClose(gradient, numeric, "value MSE gradient")
    }

    /// The path the update stages take: the threaded forward pass and
    /// `MLP.gradient`, which splits the batch into chunks of 64 samples and sums
    /// the chunks' gradients. 150 samples are three chunks, the last one short.
    @Test(arguments: [1, 2])
    func chunkedProductionGradientMatchesFiniteDifferences(threads: Int) {
        let network = smallAgent(seed: 13).policy
        let count = 150
        #expect(count > 2 * MLP.samplesPerChunk)
        let agents = (0..<count).map { $0 % world.cellCount }
        let goals = (0..<count).map { s in (s / world.cellCount + 1 + s % world.cellCount) % world.cellCount }
        // ∂L/∂output of the loss L = Σ_s Σ_m c[s, m] · output[s, m], some c exactly 0
        let coefficients: [Float] = (0..<(count * 4)).map { i in i % 7 == 0 ? 0 : Float((i * 37) % 23) / 23 - 0.5 }
        let activations = network.forward(agents: agents, goals: goals, cellCount: world.cellCount, threads: threads)
        let gradient = network.gradient(agents: agents, goals: goals, cellCount: world.cellCount, activations: activations,
                                        outputGradient: coefficients, threads: threads)
        let numeric = finiteDifferences(network) { reference in
            var total = 0.0
            for s in 0..<count {
                let output = reference.forward(observation(world, agents[s], goals[s]))
                for m in 0..<4 { total += Double(coefficients[s * 4 + m]) * output[m] }
            }
            return total
        }
        expectClose(gradient, numeric, "chunked gradient, \(threads) threads")
    }

    @Test func ppoLossAgainstHandComputedValues() {
        // Two steps, uniform policy over 4 actions: log π = log 0.25.
        let logits = [Float](repeating: 0, count: 8)
        let logQuarter = Float(Foundation.log(0.25))
        // step 0: ratio 1 (old = log 0.25), A = 2 → term 2
        // step 1: ratio 0.25/0.5 = 0.5, A = −1 → min(−0.5, 0.8·−1 = −0.8) = −0.8 (clipped)
        let result = ppoClippedLoss(logits: logits, actions: [0, 3], oldLogProbs: [logQuarter, Float(Foundation.log(0.5))],
                                    advantages: [2, -1], epsilon: 0.2)
        #expect(abs(result.loss - (-(2 - 0.8) / 2)) < 1e-6)
        #expect(result.clipFraction == 0.5)
        // clipped step has zero gradient; unclipped step: −r·A/T·(1[j=a] − π_j) = −1·(1[j=0] − 0.25)
        #expect(result.logitGradient[4..<8].allSatisfy { $0 == 0 })
        #expect(abs(result.logitGradient[0] - (-0.75)) < 1e-6)
        #expect(abs(result.logitGradient[1] - 0.25) < 1e-6)
    }

    /// `update.entropy_coefficient`: the bonus −c·(1/T) Σ H_t against hand
    /// values (a uniform row has H = log 4 and zero gradient: entropy is at its
    /// maximum) and its gradient against central differences of an
    /// independent Double entropy of the logits.
    @Test func entropyBonusAgainstHandValuesAndFiniteDifferences() {
        var zero = [Float](repeating: 0.5, count: 4)
        let uniform = addEntropyBonus(logits: [Float](repeating: 0, count: 4), coefficient: 0.1, to: &zero)
        #expect(abs(uniform.meanEntropy - Float(Foundation.log(4.0))) < 1e-6)
        #expect(abs(uniform.loss - Float(-0.1 * Foundation.log(4.0))) < 1e-6)
        #expect(zero.allSatisfy { abs($0 - 0.5) < 1e-7 }, "a uniform row adds no gradient: \(zero)")

        let logits: [Float] = [0.3, -1.2, 2.0, 0.1, -0.5, -0.5, 1.5, 0.0, 4.0, -3.0, 0.25, 1.0]
        let c = 0.05
        func bonus(_ x: [Double]) -> Double {
            var total = 0.0
            for t in 0..<(x.count / 4) {
                let row = x[(4 * t)..<(4 * t + 4)], peak = row.max() ?? 0
                let z = row.map { Foundation.exp($0 - peak) }.reduce(0, +)
                total -= row.map { value -> Double in let p = Foundation.exp(value - peak) / z; return p * Foundation.log(p) }.reduce(0, +)
            }
            return -c * total / Double(x.count / 4)
        }
        var gradient = [Float](repeating: 0, count: logits.count)
        let result = addEntropyBonus(logits: logits, coefficient: Float(c), to: &gradient)
        let exact = logits.map(Double.init)
        #expect(abs(Double(result.loss) - bonus(exact)) < 1e-6)
        for i in logits.indices {
            var up = exact, down = exact
            up[i] += 1e-5
            down[i] -= 1e-5
            let numeric = (bonus(up) - bonus(down)) / 2e-5
            #expect(abs(Double(gradient[i]) - numeric) < 1e-6, "logit \(i): \(gradient[i]) vs \(numeric)")
        }
    }

    @Test func adamMatchesHandComputedTorchSteps() {
        var parameters: [Float] = [1.0, -2.0]
        var adam = Adam(parameterCount: 2)
        let hyper = Adam.Hyperparameters(learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        adam.apply([0.5, -3.0], to: &parameters, hyper)
        // step 1: m̂ = g, v̂ = g², update = lr·g/(|g| + ε) ≈ lr·sign(g)
        #expect(abs(parameters[0] - 0.9) < 1e-5 && abs(parameters[1] - (-1.9)) < 1e-5)
        adam.apply([0.5, 1.0], to: &parameters, hyper)
        // step 2, first coordinate: g constant 0.5 → update again lr
        #expect(abs(parameters[0] - 0.8) < 1e-5)
        // second coordinate: m = 0.9·(−0.3) + 0.1·1 = −0.17; v = 0.999·0.009 + 0.001·1 = 0.009991
        // m̂ = −0.17/0.19, v̂ = 0.009991/0.001999; θ = −1.9 − 0.1·m̂/√v̂
        let mHat = -0.17 / 0.19, vHat = 0.009991 / (1 - 0.999 * 0.999)
        #expect(abs(Double(parameters[1]) - (-1.9 - 0.1 * mHat / vHat.squareRoot())) < 1e-5)
        #expect(adam.step == 2)
    }

    @Test func logSoftmaxAndArgmax() {
        let values = logSoftmax([1, 2, 3, 4, 1000, 1000, 0, 0], width: 4)
        let expected = [1.0, 2, 3, 4].map { $0 - Foundation.log(exp(1.0) + exp(2.0) + exp(3.0) + exp(4.0)) }
        for i in 0..<4 { #expect(abs(Double(values[i]) - expected[i]) < 1e-5) }
        #expect(abs(values[4] - Float(Foundation.log(0.5))) < 1e-6)  // stable for large logits
        #expect(argmax([0.1, 0.7, 0.7, 0.2][...]) == 1)  // ties go to the lowest index
    }
}
