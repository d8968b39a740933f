import Foundation
import Testing
@testable import GridGRPO

@Suite("Preferences: query selection and the reward ensemble's normalisation")
struct QuerySelectionTests {
    let world = GridWorld(size: 3, maxSteps: 20)

    /// A member whose every output is `bias` (last layer's weights zero).
    func constantMember(_ bias: Float) -> MLP {
        var network = RewardEnsemble.template(world: world, hiddenSize: 4)
        network.parameters[network.tensors[5].range] = [bias]
        return network
    }

    /// Episodes of the given lengths (moves right and left along row 0, goal 8).
    func episodes(lengths: [Int]) -> Episodes {
        var episodes = Episodes()
        for length in lengths {
            for step in 0..<length {
                episodes.agentCells.append(step % 2)
                episodes.actions.append(step % 2 == 0 ? 1 : 3)
            }
            episodes.offsets.append(episodes.actions.count)
            episodes.goals.append(8)
            episodes.starts.append(0)
        }
        return episodes
    }

    /// Two members, r̂₁ ≡ 0 and r̂₂ ≡ 1: member 1 says ½ about every pair,
    /// member 2 says σ(L_a − L_b), so the disagreement (their variance,
    /// (σ(ΔL) − ½)²/4) grows with the length difference, and the pairs are
    /// asked in order of it.
    @Test func disagreementPicksThePairsWithTheLargestEnsembleVariance() {
        let ensemble = RewardEnsemble(members: [constantMember(0), constantMember(1)],
                                      optimizers: [Adam(parameterCount: 1), Adam(parameterCount: 1)])
        // pairs (i, 4 + i): length differences 0, 3, −1, 6
        let data = episodes(lengths: [2, 5, 3, 7, 2, 2, 4, 1])
        var config = PipelineConfig()
        config.rollout.pairs = 4
        let candidates = QuerySelection.candidates(config: config, episodeCount: data.count)
        #expect(candidates == [.init(0, 4), .init(1, 5), .init(2, 6), .init(3, 7)])
        let values = QuerySelection.disagreements(ensemble, episodes: data, candidates: candidates, world: world, threads: 2)
        for (value, difference) in zip(values, [0.0, 3, -1, 6]) {
            let p = 1 / (1 + exp(-difference))
            #expect(abs(value - (p - 0.5) * (p - 0.5) / 4) < 1e-6)
        }
        #expect(QuerySelection.byDisagreement(values) == [3, 1, 2, 0])
        // equal disagreement: the lower index first
        #expect(QuerySelection.byDisagreement([0.1, 0.3, 0.1, 0.3]) == [1, 3, 0, 2])
    }

    @Test func grpoCandidatesAreEveryPairWithinAGroup() {
        var config = PipelineConfig()
        config.algorithm = .grpo
        config.grpo.groupSize = 3
        config.grpo.groupsPerIteration = 2
        let candidates = QuerySelection.candidates(config: config, episodeCount: 6)
        #expect(candidates == [.init(0, 1), .init(0, 2), .init(1, 2), .init(3, 4), .init(3, 5), .init(4, 5)])
        #expect(config.candidatePairCount == candidates.count)
    }

    @Test func randomOrderIsAKeyedPermutation() {
        let order = QuerySelection.randomOrder(count: 100, seed: 4, iteration: 2)
        #expect(order.sorted() == Array(0..<100) && order != Array(0..<100))
        #expect(order == QuerySelection.randomOrder(count: 100, seed: 4, iteration: 2))
        #expect(order != QuerySelection.randomOrder(count: 100, seed: 4, iteration: 3))
    }

    @Test func normalisationModes() {
        var ensemble = RewardEnsemble.initial(world: world, hiddenSize: 4, count: 2, seed: 1)
        let rewards: [Float] = [-0.4, -0.2, -0.3, 0.5]
        ensemble.normalize(over: rewards, mode: .scale, target: 0.1)
        let scaled = rewards.map { ($0 - ensemble.shift) * ensemble.scale }
        #expect(ensemble.shift == 0)
        #expect(abs((scaled.map { Double($0 * $0) }.reduce(0, +) / 4).squareRoot() - 0.1) < 1e-6)
        ensemble.normalize(over: rewards, mode: .standardize, target: 2)
        let standardized = rewards.map { Double(($0 - ensemble.shift) * ensemble.scale) }
        let mean = standardized.reduce(0, +) / 4
        #expect(abs(mean) < 1e-6)
        #expect(abs((standardized.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4).squareRoot() - 2) < 1e-5)
        ensemble.normalize(over: rewards, mode: .none, target: 2)
        #expect(ensemble.shift == 0 && ensemble.scale == 1)
        // a constant reward keeps its sign under `scale` (its mean is what tells lengths apart)
        ensemble.normalize(over: [-0.5, -0.5], mode: .scale, target: 0.1)
        #expect(abs(Double((-0.5 - ensemble.shift) * ensemble.scale) + 0.1) < 1e-7)
    }

    @Test func heldOutLabelsAreFixedAndTheFirstIsNeverOne() {
        let held = (0..<4000).filter { RewardTraining.isHeldOut($0, seed: 2, fraction: 0.25) }
        #expect(!held.contains(0))
        #expect(abs(Double(held.count) / 4000 - 0.25) < 0.03)
        #expect(held == (0..<4000).filter { RewardTraining.isHeldOut($0, seed: 2, fraction: 0.25) })
        #expect(!(0..<100).contains { RewardTraining.isHeldOut($0, seed: 2, fraction: 0) })
    }
}
