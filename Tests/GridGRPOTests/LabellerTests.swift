import Foundation
import Testing
@testable import GridGRPO

/// The simulated labeller against the probabilities its model states.
@Suite("Preferences: the simulated Bradley–Terry labeller")
struct LabellerTests {
    @Test func probabilitiesAreTheStatedMixture() {
        let labeller = SimulatedLabeller(beta: 10, errorRate: 0.1)
        // ΔU = 0.1: σ(1) = 0.7310585786300049
        let p = labeller.probabilities(0.5, 0.4)
        #expect(abs(p.first - (0.05 + 0.9 * 0.7310585786300049)) < 1e-12)
        #expect(abs(p.second - (0.05 + 0.9 * (1 - 0.7310585786300049))) < 1e-12)
        #expect(p.tie == 0)
        let tie = labeller.probabilities(0.3, 0.3)
        #expect(tie.first == 0.05 && tie.second == 0.05 && abs(tie.tie - 0.9) < 1e-12)
        let deterministic = SimulatedLabeller(beta: nil, errorRate: 0).probabilities(-0.2, 0.7)
        #expect(deterministic.first == 0 && deterministic.second == 1)
    }

    /// The blog's rule: β = ∞ and no errors prefer the higher utility
    /// always, and answer a tie ½.
    @Test func theDeterministicLabellerIsTheBlogsRuleWithTiesAsHalf() {
        let labeller = SimulatedLabeller(PreferenceConfig())
        #expect(labeller.beta == nil && labeller.errorRate == 0)
        for candidate in 0..<200 {
            #expect(labeller.answer(0.6, 0.5, seed: 3, iteration: 1, candidate: candidate) == 1)
            #expect(labeller.answer(-1, 0.5, seed: 3, iteration: 1, candidate: candidate) == 0)
            #expect(labeller.answer(0.5, 0.5, seed: 3, iteration: 1, candidate: candidate) == 0.5)
        }
    }

    /// Answer frequencies over many keyed draws (seed 11, candidates
    /// 0..<20000) against σ(β·ΔU) and ε: each frequency must lie within 4.5
    /// binomial standard deviations of its probability (a false alarm once in
    /// about 150,000 runs; the seed is fixed, so the test is deterministic).
    @Test(arguments: [(10.0, 0.1, 0.1), (3.0, 0.0, 0.5), (25.0, 0.3, -0.05), (1.0, 0.1, 0.0)])
    func answerFrequenciesMatchTheModel(beta: Double, epsilon: Double, difference: Double) {
        let labeller = SimulatedLabeller(beta: beta, errorRate: epsilon)
        let draws = 20_000
        var counts: [Float: Int] = [:]
        for candidate in 0..<draws {
            counts[labeller.answer(0.2 + difference, 0.2, seed: 11, iteration: 4, candidate: candidate), default: 0] += 1
        }
        let expected = labeller.probabilities(0.2 + difference, 0.2)
        for (answer, probability) in [(Float(1), expected.first), (0, expected.second), (0.5, expected.tie)] {
            let frequency = Double(counts[answer] ?? 0) / Double(draws)
            let tolerance = 4.5 * (probability * (1 - probability) / Double(draws)).squareRoot() + 1e-12
            #expect(abs(frequency - probability) <= tolerance,
                    "β \(beta), ε \(epsilon), ΔU \(difference): answer \(answer) in \(frequency) of draws, model \(probability) ± \(tolerance)")
        }
    }

    /// An answer is a function of its key alone: the same pair asked again
    /// gets the same answer, whichever other pairs were asked.
    @Test func answersComeFromTheirOwnStream() {
        let labeller = SimulatedLabeller(beta: 2, errorRate: 0.2)
        let all = (0..<64).map { labeller.answer(0.1, 0.0, seed: 9, iteration: 2, candidate: $0) }
        let some = [5, 17, 40].map { labeller.answer(0.1, 0.0, seed: 9, iteration: 2, candidate: $0) }
        #expect(some == [all[5], all[17], all[40]])
        #expect(Set(all).count > 1)
        #expect(labeller.answer(0.1, 0.0, seed: 9, iteration: 3, candidate: 5) == labeller.answer(0.1, 0.0, seed: 9, iteration: 3, candidate: 5))
    }

    @Test func criteriaCountEdgeMovesAndRevisits() {
        let world = GridWorld(size: 3, maxSteps: 20)
        // from cell 0: up (edge), right → 1, left → 0 (revisit), right → 1 (revisit), down → 4
        let criteria = EpisodeCriteria(world: world, cells: [0, 0, 1, 0, 1], actions: [0, 1, 3, 1, 2])
        #expect(criteria == EpisodeCriteria(edgeMoves: 1, revisits: 2))
        var config = PreferenceConfig()
        config.edgeWeight = 0.5
        config.revisitWeight = 0.25
        #expect(abs(criteria.utility(return: 0.6, config) - (0.6 - 0.5 - 0.5)) < 1e-6)
    }
}
