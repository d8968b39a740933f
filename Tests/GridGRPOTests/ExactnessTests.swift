import Foundation
import Testing
@testable import GridGRPO

/// The fast paths against plain implementations, and the promise that no
/// result depends on the thread count or on how the work is chunked.
///
/// These claims are about the binaries users run, which are release builds:
/// `make test` runs this suite a second time, compiled with optimisation
/// (`swift test -c release --filter ExactnessTests`).
@Suite("Exactness: kernels equal the scalar loops; same bytes for any thread count or chunking")
struct ExactnessTests {
    /// The forward and backward passes written as the plainest scalar loops.
    struct PlainMLP {
        let network: MLP
        func forward(agent: Int, goal: Int, cells: Int) -> (h1: [Float], h2: [Float], out: [Float]) {
            let h = network.hiddenSize, n = network.inputSize, o = network.outputSize, p = network.parameters
            let b0 = h * n, w1 = b0 + h, b1 = w1 + h * h, w2 = b1 + h, b2 = w2 + o * h
            var h1 = [Float](repeating: 0, count: h), h2 = h1, out = [Float](repeating: 0, count: o)
            for j in 0..<h { h1[j] = max(p[b0 + j] + p[j * n + agent] + p[j * n + cells + goal], 0) }
            for k in 0..<h {
                var z = p[b1 + k]
                for j in 0..<h { z += p[w1 + k * h + j] * h1[j] }
                h2[k] = max(z, 0)
            }
            for m in 0..<o {
                var z = p[b2 + m]
                for k in 0..<h { z += p[w2 + m * h + k] * h2[k] }
                out[m] = z
            }
            return (h1, h2, out)
        }

        func gradient(agents: [Int], goals: [Int], cells: Int, outputGradient: [Float]) -> [Float] {
            let h = network.hiddenSize, n = network.inputSize, o = network.outputSize, p = network.parameters
            let b0 = h * n, w1 = b0 + h, b1 = w1 + h * h, w2 = b1 + h, b2 = w2 + o * h
            var grad = [Float](repeating: 0, count: p.count)
            for s in 0..<agents.count {
                let (h1, h2, _) = forward(agent: agents[s], goal: goals[s], cells: cells)
                var d2 = [Float](repeating: 0, count: h), d1 = d2
                for m in 0..<o {
                    let d = outputGradient[s * o + m]
                    grad[b2 + m] += d
                    for k in 0..<h {
                        grad[w2 + m * h + k] += d * h2[k]
                        d2[k] += p[w2 + m * h + k] * d
                    }
                }
                for k in 0..<h where h2[k] <= 0 { d2[k] = 0 }
                for k in 0..<h {
                    grad[b1 + k] += d2[k]
                    for j in 0..<h {
                        grad[w1 + k * h + j] += d2[k] * h1[j]
                        d1[j] += p[w1 + k * h + j] * d2[k]
                    }
                }
                for j in 0..<h where h1[j] > 0 {
                    grad[b0 + j] += d1[j]
                    grad[j * n + agents[s]] += d1[j]
                    grad[j * n + cells + goals[s]] += d1[j]
                }
            }
            return grad
        }
    }

    /// Hidden sizes that exercise the 32-wide register blocks, their scalar
    /// tail, and both together.
    @Test(arguments: [5, 32, 40, 64])
    func vectorKernelsEqualPlainLoopsExactly(hidden: Int) {
        let world = GridWorld(size: 4, maxSteps: 20)
        var random = RandomStream(seed: 3, stage: .initialize, iteration: 0, index: hidden)
        let network = MLP.initialized(inputSize: world.observationSize, hiddenSize: hidden, outputSize: 4, random: &random)
        let plain = PlainMLP(network: network)
        let count = 150
        let agents = (0..<count).map { $0 % world.cellCount }
        let goals = (0..<count).map { ($0 * 7 + 3) % world.cellCount }
        let activations = network.forward(agents: agents, goals: goals, cellCount: world.cellCount)
        for s in 0..<count {
            let expected = plain.forward(agent: agents[s], goal: goals[s], cells: world.cellCount)
            #expect(Array(activations.output[(s * 4)..<(s * 4 + 4)]) == expected.out)
            #expect(Array(activations.hidden2[(s * hidden)..<((s + 1) * hidden)]) == expected.h2)
        }
        // some exact zeros, as a clipped PPO loss gives
        let outputGradient: [Float] = (0..<(count * 4)).map { (i: Int) -> Float in
            i % 5 == 0 ? 0 : Float(i % 13) / 13 - 0.5
        }
        var gradient = [Float](repeating: 0, count: network.parameters.count)
        network.backward(agents: agents, goals: goals, cellCount: world.cellCount, activations: activations,
                         outputGradient: outputGradient, into: &gradient)
        #expect(gradient == plain.gradient(agents: agents, goals: goals, cells: world.cellCount, outputGradient: outputGradient))
    }

    @Test func rolloutsAndEvaluationsAreTheSameForAnyThreadsAndChunks() {
        var config = PipelineConfig()
        config.rollout.pairs = 300
        let agent = Agent.initial(world: config.world, hiddenSize: 16, seed: 2)
        let single = sampleRollout(policy: agent.policy, config: config, iteration: 3, threads: 1)
        #expect(single.count == 600)
        for threads in [2, 3] {
            #expect(sampleRollout(policy: agent.policy, config: config, iteration: 3, threads: threads) == single)
        }
        let world = config.world
        var streams: [RandomStream] = [], starts: [(agent: Int, goal: Int)] = []
        for e in 0..<600 {
            var stream = RandomStream(seed: config.seed, stage: .rollout, iteration: 3, index: e)
            starts.append(world.sampleStart(&stream))
            streams.append(stream)
        }
        for chunk in [1, 7, 1000] {
            for table in [nil, PolicyTable.complete(policy: agent.policy, world: world, threads: 2)] {
                let episodes = runEpisodes(policy: agent.policy, table: table, world: world, starts: starts, streams: streams,
                                           selection: .sample, gamma: Float(config.rollout.gamma), threads: 2, episodesPerChunk: chunk)
                #expect(episodes == single, "chunks of \(chunk), table \(table == nil ? "filled lazily" : "complete")")
            }
        }
        let evaluation = Evaluation.run(policy: agent.policy, world: world, sampledEpisodes: 100, seed: 1, iteration: 2, threads: 1)
        for threads in [2, 3] {
            #expect(Evaluation.run(policy: agent.policy, world: world, sampledEpisodes: 100, seed: 1, iteration: 2, threads: threads) == evaluation)
        }
    }

    @Test func updatesAreTheSameForAnyThreads() throws {
        var config = PipelineConfig()
        config.rollout.pairs = 64
        config.update.minibatchEpisodes = 32
        let agent = Agent.initial(world: config.world, hiddenSize: 24, seed: 4)
        let episodes = sampleRollout(policy: agent.policy, config: config, iteration: 1, threads: 1)
        let pairs = try PreferencePairs(episodes: episodes)
        var results: [Agent] = []
        for threads in [1, 2, 3] {
            var trained = agent
            _ = try preferenceUpdate(agent: &trained, episodes: episodes, pairs: pairs, config: config.update,
                                     world: config.world, seed: 0, iteration: 1, threads: threads)
            results.append(trained)
        }
        #expect(results[0].policy != agent.policy)
        #expect(results[1] == results[0] && results[2] == results[0])

        config.algorithm = .grpo
        let grpoAgent = Agent.initial(world: config.world, hiddenSize: 24, seed: 4, withValue: false)
        let grpoEpisodes = sampleRollout(policy: grpoAgent.policy, config: config, iteration: 1, threads: 2)
        let groups = try GroupAdvantages(returns: grpoEpisodes.returns, groupSize: config.grpo.groupSize, scale: config.grpo.scale,
                                         epsilon: config.grpo.advantageEpsilon, dropUniform: config.grpo.dropUniformGroups)
        var grpoResults: [MLP] = []
        for threads in [1, 2, 3] {
            var trained = grpoAgent
            _ = grpoUpdate(agent: &trained, reference: grpoAgent.policy, episodes: grpoEpisodes, groups: groups, config: config.grpo,
                           adam: config.update.policyAdam(learningRate: config.grpo.learningRate), world: config.world,
                           seed: 0, iteration: 1, threads: threads)
            grpoResults.append(trained.policy)
        }
        #expect(grpoResults[0] != grpoAgent.policy)
        #expect(grpoResults[1] == grpoResults[0] && grpoResults[2] == grpoResults[0])
    }

    @Test func stageFilesAreTheSameBytesForAnyThreads() throws {
        let run = try SmallRun(algorithm: .preference)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let dir = { (i: Int) in "\(run.directory)/\(StageGraph.iterationDirectory(i))" }
        for threads in [1, 3] {
            let rollout = run.directory + "/rollout-\(threads).h5", weights = run.directory + "/weights-\(threads).h5"
            let evaluation = run.directory + "/eval-\(threads).h5"
            _ = try Stages.rollout(configPath: run.config, weightsPath: dir(1) + "/weights.h5", iteration: 2, output: rollout, threads: threads)
            _ = try Stages.update(configPath: run.config, weightsPath: dir(1) + "/weights.h5", rolloutPath: dir(2) + "/rollout.h5",
                                  pairsPath: dir(2) + "/pairs.h5", groupsPath: nil, referencePath: nil, iteration: 2, output: weights,
                                  threads: threads)
            _ = try Stages.evaluate(configPath: run.config, weightsPath: dir(2) + "/weights.h5", iteration: 2, output: evaluation, threads: threads)
            #expect(FileManager.default.contents(atPath: rollout) == FileManager.default.contents(atPath: dir(2) + "/rollout.h5"))
            #expect(FileManager.default.contents(atPath: weights) == FileManager.default.contents(atPath: dir(2) + "/weights.h5"))
            #expect(FileManager.default.contents(atPath: evaluation) == FileManager.default.contents(atPath: dir(2) + "/eval.h5"))
        }
        #expect(throws: GridGRPOError("--threads -1 is outside 0...256 (0 = every core)")) {
            try Stages.evaluate(configPath: run.config, weightsPath: dir(2) + "/weights.h5", iteration: 2,
                                output: run.directory + "/x.h5", threads: -1)
        }
    }

    /// The rollout stage appends its episodes to rollout.h5 block by block;
    /// read back, the file holds exactly the episodes sampled all at once.
    @Test(arguments: PipelineConfig.Algorithm.allCases)
    func rolloutStageStreamsBlocksThatReadBackWhole(algorithm: PipelineConfig.Algorithm) throws {
        let directory = temporaryDirectory("stream")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let yaml = """
        algorithm: \(algorithm.rawValue)
        environment: {grid_size: 3, max_steps: 12}
        network: {hidden_size: 8}
        rollout: {pairs: 9000}
        grpo: {group_size: 5, groups_per_iteration: 3700}

        """
        let configPath = directory + "/config.yaml"
        #expect(FileManager.default.createFile(atPath: configPath, contents: Data(yaml.utf8)))
        let config = try PipelineConfig.load(path: configPath)
        #expect(config.rolloutEpisodes > 2 * rolloutBlock)
        _ = try Stages.initialize(configPath: configPath, output: directory + "/w.h5")
        _ = try Stages.rollout(configPath: configPath, weightsPath: directory + "/w.h5", iteration: 1, output: directory + "/r.h5")
        let policy = try ArtifactSchema.readWeights(path: directory + "/w.h5", config: config).agent.policy
        let expected = sampleRollout(policy: policy, config: config, iteration: 1, threads: 2)
        let stored = try ArtifactSchema.readRollout(path: directory + "/r.h5", config: config).episodes
        #expect(stored == expected)
        #expect(stored.count == config.rolloutEpisodes)
    }
}
