import Foundation
import Testing
@testable import GridGRPO

/// The checkpoint stage on hand-made eval.h5 and weights.h5 files: which
/// iteration it keeps and the first all-optimal iteration it carries forward.
@Suite("checkpoint: selection rule and first all-optimal iteration")
struct CheckpointTests {
    /// A 2×2 grid: 12 configurations, 8 at distance 1 (optimal return 1.0) and
    /// 4 diagonal at distance 2 (optimal return 0.9).
    let world = GridWorld(size: 2, maxSteps: 10)

    /// An evaluation in which the configurations listed in `failing` walk
    /// into a wall for all 10 moves (return −1.0) and all others are optimal.
    func evaluation(failing: Set<Int>) -> Evaluation {
        var result = Evaluation()
        for (index, (agent, goal)) in world.allConfigurations().enumerated() {
            let diagonal = agent / 2 != goal / 2 && agent % 2 != goal % 2
            let distance = diagonal ? 2 : 1
            let optimal: Float = diagonal ? 0.9 : 1.0
            result.agents.append(agent)
            result.goals.append(goal)
            result.distances.append(distance)
            result.optimalReturns.append(optimal)
            result.returns.append(failing.contains(index) ? -1.0 : optimal)
            result.lengths.append(failing.contains(index) ? 10 : distance)
            result.successes.append(!failing.contains(index))
        }
        return result
    }

    /// Mean return by hand: 8 configurations at 1.0 and 4 at 0.9, minus what
    /// each failing one loses (`losses`: 2.0 for a distance-1 start, 1.9 for a diagonal).
    func meanReturn(losing losses: [Double]) -> Double {
        (8 * 1.0 + 4 * Double(Float(0.9)) - losses.reduce(0, +)) / 12
    }

    @Test func equalMeanReturnKeepsTheEarlierIterationAndTheFirstAllOptimalIterationIsCarried() throws {
        let directory = temporaryDirectory("checkpoint")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configPath = directory + "/config.yaml"
        let yaml = "seed: 7\niterations: 6\nenvironment: {grid_size: 2, max_steps: 10}\nnetwork: {hidden_size: 4}\n"
        #expect(FileManager.default.createFile(atPath: configPath, contents: Data(yaml.utf8)))
        let config = try PipelineConfig.load(path: configPath)
        #expect(config.world == world)
        // configuration 0 is (agent 0, goal 1), adjacent; configuration 2 is (0, 3), diagonal
        #expect(world.allConfigurations()[0] == (0, 1) && world.allConfigurations()[2] == (0, 3))

        // per iteration: its failing configurations, then what the checkpoint must
        // hold: the best iteration, the first all-optimal one, the best's mean return
        let plan: [(failing: Set<Int>, best: Int, firstAllOptimal: Int?, mean: Double, verdict: String)] = [
            ([0, 2], 0, nil, meanReturn(losing: [2.0, 1.9]), "new best"),
            ([0, 2], 0, nil, meanReturn(losing: [2.0, 1.9]), "best stays iteration 0"),  // tie: the earlier stays
            ([2], 2, nil, meanReturn(losing: [1.9]), "new best"),
            ([], 3, 3, meanReturn(losing: []), "new best"),
            ([], 3, 3, meanReturn(losing: []), "best stays iteration 3"),                // all-optimal tie
            ([0], 3, 3, meanReturn(losing: []), "best stays iteration 3"),               // worse
        ]
        var agents: [Agent] = []
        for (iteration, step) in plan.enumerated() {
            let folder = "\(directory)/\(StageGraph.iterationDirectory(iteration))"
            let weights = folder + "/weights.h5", eval = folder + "/eval.h5", best = folder + "/best.h5"
            let agent = Agent.initial(world: world, hiddenSize: 4, seed: UInt64(100 + iteration))
            agents.append(agent)
            try ArtifactSchema.writeWeights(agent, world: config.world, metrics: nil, provenance: Provenance(
                schema: .weights, stage: iteration == 0 ? .initialize : .update, iteration: iteration, config: config, inputs: []),
                to: weights)
            try ArtifactSchema.writeEvaluation(evaluation(failing: step.failing), world: config.world, provenance: Provenance(
                schema: .evaluation, stage: .evaluate, iteration: iteration, config: config,
                inputs: [try .input("weights", path: weights)]), to: eval)
            let previous = iteration == 0 ? nil : "\(directory)/\(StageGraph.iterationDirectory(iteration - 1))/best.h5"
            let line = try Stages.checkpoint(configPath: configPath, evaluationPath: eval, weightsPath: weights,
                                             previousPath: previous, iteration: iteration, output: best)
            #expect(line.contains(step.verdict), "iteration \(iteration): \(line)")

            let kept = try ArtifactSchema.readBest(path: best, config: config).best
            #expect(kept.iteration == step.best, "iteration \(iteration)")
            #expect(kept.firstAllOptimalIteration == step.firstAllOptimal, "iteration \(iteration)")
            #expect(kept.policy == agents[step.best].policy && kept.value == agents[step.best].value, "iteration \(iteration)")
            #expect(abs(kept.summary.meanReturn - step.mean) < 1e-6, "iteration \(iteration)")
            #expect(kept.summary.allOptimal == (step.firstAllOptimal != nil && step.best == step.firstAllOptimal))
            // the attributes as stored: −1 stands for "none yet"
            let stored = try withHDF5 { () -> (Int64, Int64) in
                let root = try HDF5Reader(path: best).root
                return (try root.attribute("best_iteration", as: Int64.self), try root.attribute("first_all_optimal_iteration", as: Int64.self))
            }
            #expect(stored.0 == Int64(step.best) && stored.1 == Int64(step.firstAllOptimal ?? -1), "iteration \(iteration)")
        }
    }
}
