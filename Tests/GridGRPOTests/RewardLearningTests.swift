import Foundation
import Testing
@testable import GridGRPO

/// The reward model learns what can be learned: labels from a known reward
/// that is linear in its input (a weight per agent cell plus one per action),
/// and the trained ensemble must order held-out labels and fresh episodes as
/// that reward does.
@Suite("Preferences: the reward model recovers a known reward")
struct RewardLearningTests {
    let world = GridWorld(size: 3, maxSteps: 12)

    /// r*(s, a) = cellWeight[agent] + actionWeight[a]: linear in the observation and action planes.
    static let cellWeight: [Double] = [0.3, -0.2, 0.5, -0.4, 0.1, 0.0, -0.3, 0.4, -0.1]
    static let actionWeight: [Double] = [0.2, -0.3, 0.1, -0.1]

    func trueReturn(_ episodes: Episodes, _ episode: Int) -> Double {
        episodes.steps(episode).reduce(0.0) { $0 + Self.cellWeight[episodes.agentCells[$1]] + Self.actionWeight[episodes.actions[$1]] }
    }

    /// Random-walk episodes (a uniform policy) from keyed random starts.
    func randomEpisodes(_ count: Int, iteration: Int) -> Episodes {
        let policy = MLP(inputSize: world.observationSize, hiddenSize: 2, outputSize: 4)
        let streams = (0..<count).map { RandomStream(seed: 77, stage: .rollout, iteration: iteration, index: $0) }
        var startStreams = (0..<count).map { RandomStream(seed: 78, stage: .rollout, iteration: iteration, index: $0) }
        let starts = (0..<count).map { world.sampleStart(&startStreams[$0]) }
        return runEpisodes(policy: policy, world: world, starts: starts, streams: streams, selection: .sample, gamma: 1)
    }

    @Test func trainedOnLinearRewardLabelsItOrdersHeldOutLabelsAndFreshEpisodes() throws {
        let episodes = randomEpisodes(1200, iteration: 1)
        var labels = LabelSet()
        for pair in 0..<600 {
            let (a, b) = (2 * pair, 2 * pair + 1)
            let (ra, rb) = (trueReturn(episodes, a), trueReturn(episodes, b))
            labels.append(.init(first: a, second: b, preference: ra == rb ? 0.5 : (ra > rb ? 1 : 0), byPerson: false,
                                firstUtility: Float(ra), secondUtility: Float(rb), disagreement: 0), from: episodes, iteration: 1)
        }
        var config = PreferenceConfig()
        config.rewardEpochs = 30
        config.rewardMinibatch = 16
        config.rewardLearningRate = 0.01
        config.rewardHiddenSize = 16
        let heldOut = (0..<labels.count).filter { RewardTraining.isHeldOut($0, seed: 5, fraction: 0.2) }
        let training = (0..<labels.count).filter { !heldOut.contains($0) }
        var ensemble = RewardEnsemble.initial(world: world, hiddenSize: config.rewardHiddenSize, count: 3, seed: 5)
        let losses = RewardTraining.train(&ensemble, labels: labels, training: training, config: config, update: UpdateConfig(),
                                          world: world, seed: 5, iteration: 1, threads: 2)
        #expect(losses.count == 30 && losses.last! < losses.first! * 0.5, "training loss \(losses.first!) → \(losses.last!)")
        let score = RewardTraining.score(ensemble, labels: labels, members: heldOut, world: world, threads: 2)
        #expect(score.accuracy >= 0.9, "held-out accuracy \(score.accuracy) on \(heldOut.count) labels")

        // fresh episodes, never labelled: learned returns follow the true ones
        let fresh = randomEpisodes(400, iteration: 2)
        let learned = segmentSums(ensemble.meanRewards(StepInputs(fresh), cellCount: world.cellCount, threads: 1), offsets: fresh.offsets)
        let truth = (0..<fresh.count).map { trueReturn(fresh, $0) }
        let r = correlation(learned.map(Double.init), truth)
        #expect(r >= 0.95, "correlation of learned and true returns on fresh episodes: \(r)")

        // the same bytes on one thread
        var single = RewardEnsemble.initial(world: world, hiddenSize: config.rewardHiddenSize, count: 3, seed: 5)
        _ = RewardTraining.train(&single, labels: labels, training: training, config: config, update: UpdateConfig(),
                                 world: world, seed: 5, iteration: 1, threads: 1)
        #expect(single == ensemble)
    }
}
