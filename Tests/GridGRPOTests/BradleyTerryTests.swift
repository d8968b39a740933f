import Foundation
import Testing
@testable import GridGRPO

/// The reward model's loss: hand values, its gradient against finite
/// differences of an independent dense implementation, and real PyTorch.
@Suite("Preferences: the Bradley–Terry loss and its gradient")
struct BradleyTerryTests {
    let world = GridWorld(size: 3, maxSteps: 20)

    @Test func lossAndDerivativeByHand() {
        let half = BradleyTerry.loss(z: 0, target: 1)
        #expect(abs(half.loss - log(2)) < 1e-15 && abs(half.dz + 0.5) < 1e-15)
        let tie = BradleyTerry.loss(z: 2, target: 0.5)
        #expect(abs(tie.loss - (0.5 * log(1 + exp(-2)) + 0.5 * log(1 + exp(2)))) < 1e-12)
        #expect(abs(tie.dz - (1 / (1 + exp(-2)) - 0.5)) < 1e-12)
        // no overflow far out
        let far = BradleyTerry.loss(z: -800, target: 1)
        #expect(far.loss == 800 && far.dz == -1)
    }

    /// Labels over three pairs of hand-made episodes of a 3×3 grid.
    func labelSet() -> LabelSet {
        var episodes = Episodes()
        let made: [(goal: Int, cells: [Int], actions: [Int])] = [
            (8, [0, 1, 2, 5], [1, 1, 2, 2]), (8, [0, 3, 0, 0, 1, 4, 7], [2, 0, 3, 1, 2, 2, 1]),
            (2, [6, 3, 0, 1], [0, 0, 1, 1]), (2, [6, 7], [1, 0]),
            (4, [8, 7], [3, 0]), (4, [2, 5], [2, 3]),
        ]
        for episode in made {
            episodes.agentCells += episode.cells
            episodes.actions += episode.actions
            episodes.offsets.append(episodes.actions.count)
            episodes.goals.append(episode.goal)
            episodes.starts.append(episode.cells[0])
        }
        var labels = LabelSet()
        for (index, value) in [Float(1), 0, 0.5].enumerated() {
            labels.append(.init(first: 2 * index, second: 2 * index + 1, preference: value, byPerson: false, firstUtility: 0,
                                secondUtility: 0, disagreement: 0), from: episodes, iteration: 1)
        }
        return labels
    }

    /// The mean loss of `labels` under a dense Double network.
    func referenceLoss(_ reference: ReferenceMLP, _ labels: LabelSet) -> Double {
        var total = 0.0
        for label in 0..<labels.count {
            var sums = [0.0, 0.0]
            for side in 0..<2 {
                let segment = 2 * label + side
                for step in labels.steps(segment) {
                    var input = observation(world, labels.agentCells[step], labels.goals[segment])
                    input += (0..<4).map { $0 == labels.actions[step] ? 1 : 0 }
                    sums[side] += reference.forward(input)[0]
                }
            }
            let z = sums[0] - sums[1], y = Double(labels.preferences[label])
            total += y * log1p(exp(-z)) + (1 - y) * log1p(exp(z))
        }
        return total / Double(labels.count)
    }

    @Test func gradientMatchesFiniteDifferencesOfADenseReference() throws {
        let labels = labelSet()
        let ensemble = RewardEnsemble.initial(world: world, hiddenSize: 7, count: 1, seed: 21)
        let network = ensemble.members[0]
        let batch = RewardTraining.gather(labels, 0..<labels.count)
        let activations = network.forward(agents: batch.steps.agents, goals: batch.steps.goals, cellCount: world.cellCount,
                                          actions: batch.steps.actions)
        let bt = BradleyTerry.minibatch(stepRewards: activations.output, offsets: batch.offsets, targets: batch.targets)
        #expect(abs(bt.loss - referenceLoss(ReferenceMLP(network), labels)) < 1e-5)
        var gradient = [Float](repeating: 0, count: network.parameters.count)
        network.backward(agents: batch.steps.agents, goals: batch.steps.goals, cellCount: world.cellCount, actions: batch.steps.actions,
                         activations: activations, outputGradient: bt.stepGradient, into: &gradient)
        let numeric = NetworkTests().finiteDifferences(network) { referenceLoss($0, labels) }
        NetworkTests().expectClose(gradient, numeric, "Bradley–Terry")
        // the chunked, threaded gradient is the same bits
        let threaded = network.gradient(agents: batch.steps.agents, goals: batch.steps.goals, cellCount: world.cellCount,
                                        actions: batch.steps.actions, activations: activations, outputGradient: bt.stepGradient, threads: 3)
        #expect(threaded == gradient)
    }

    struct TorchFixture: Decodable {
        struct Episode: Decodable {
            let goal: Int
            let agents: [Int]
            let actions: [Int]
        }
        let torch_version: String
        let cells: Int
        let hidden: Int
        let parameters: [Double]
        let episodes: [Episode]
        let labels: [Float]
        let z: [Double]
        let loss: Double
        let gradient: [Double]
    }

    /// Real PyTorch's `binary_cross_entropy_with_logits` of z on the same
    /// network and episodes (`scripts/torch_bradley_terry.py`, float64).
    @Test func lossAndGradientMatchPyTorch() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/torch_bradley_terry.json").path
        let data = try #require(FileManager.default.contents(atPath: path), "missing \(path): run scripts/torch_bradley_terry.py")
        let fixture = try JSONDecoder().decode(TorchFixture.self, from: data)
        let grid = GridWorld(size: 3, maxSteps: 20)
        #expect(fixture.cells == grid.cellCount)
        let network = MLP(inputSize: RewardEnsemble.inputSize(grid), hiddenSize: fixture.hidden, outputSize: 1,
                          parameters: fixture.parameters.map(Float.init))
        var agents: [Int] = [], goals: [Int] = [], actions: [Int] = [], offsets = [0]
        for episode in fixture.episodes {
            agents += episode.agents
            actions += episode.actions
            goals += [Int](repeating: episode.goal, count: episode.agents.count)
            offsets.append(actions.count)
        }
        let activations = network.forward(agents: agents, goals: goals, cellCount: grid.cellCount, actions: actions)
        let bt = BradleyTerry.minibatch(stepRewards: activations.output, offsets: offsets, targets: fixture.labels)
        for (swift, torch) in zip(bt.z, fixture.z) { #expect(abs(swift - torch) < 1e-5, "z \(swift) vs torch \(torch)") }
        #expect(abs(bt.loss - fixture.loss) < 1e-6, "loss \(bt.loss) vs torch \(fixture.loss)")
        var gradient = [Float](repeating: 0, count: network.parameters.count)
        network.backward(agents: agents, goals: goals, cellCount: grid.cellCount, actions: actions, activations: activations,
                         outputGradient: bt.stepGradient, into: &gradient)
        let worst = zip(gradient, fixture.gradient).map { abs(Double($0) - $1) / max(1e-3, abs($1)) }.max() ?? .infinity
        #expect(worst < 1e-4, "worst relative difference from torch's gradient: \(worst)")
        #expect(fixture.gradient.contains { abs($0) > 1e-3 })
    }
}
