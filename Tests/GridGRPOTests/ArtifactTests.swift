import Foundation
import Testing
@testable import GridGRPO

@Suite("HDF5 artifacts")
struct ArtifactTests {
    let config: PipelineConfig = {
        var c = PipelineConfig()
        c.environment.gridSize = 3
        c.network.hiddenSize = 8
        c.rollout.pairs = 6
        c.update.minibatchEpisodes = 2
        return c
    }()

    func provenance(_ kind: ArtifactKind, _ iteration: Int = 1) -> Provenance {
        let stage = Stage.allCases.first { $0.outputKind(for: config.algorithm) == kind } ?? .update
        return Provenance(schema: kind, stage: stage, iteration: iteration, config: config,
                   inputs: [.init(role: "config", name: "run/config.yaml", sha256: String(repeating: "a", count: 64))])
    }

    func sampleEpisodes() -> Episodes {
        let world = config.world
        let agent = Agent.initial(world: world, hiddenSize: 8, seed: 1)
        var starts: [(agent: Int, goal: Int)] = [], streams: [RandomStream] = []
        for e in 0..<12 {
            var s = RandomStream(seed: 1, stage: .rollout, iteration: 1, index: e)
            starts.append(world.sampleStart(&s))
            streams.append(s)
        }
        return runEpisodes(policy: agent.policy, world: world, starts: starts, streams: streams, selection: .sample, gamma: 0.99)
    }

    @Test func everyKindRoundTripsExactly() throws {
        let directory = temporaryDirectory("roundtrip")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let episodes = sampleEpisodes()
        try ArtifactSchema.writeRollout(episodes, world: config.world, gamma: 0.99, provenance: provenance(.rollout), to: directory + "/rollout.h5")
        let rollout = try ArtifactSchema.readRollout(path: directory + "/rollout.h5", config: config)
        #expect(rollout.episodes == episodes)
        #expect(rollout.provenance == provenance(.rollout))

        let pairs = try PreferencePairs(episodes: episodes)
        try ArtifactSchema.writePairs(pairs, provenance: provenance(.pairs), to: directory + "/pairs.h5")
        #expect(try ArtifactSchema.readPairs(path: directory + "/pairs.h5", config: config).pairs == pairs)

        var agent = Agent.initial(world: config.world, hiddenSize: 8, seed: 2)
        let metrics = try preferenceUpdate(agent: &agent, episodes: episodes, pairs: pairs, config: config.update,
                                       world: config.world, seed: 2, iteration: 1)
        try ArtifactSchema.writeWeights(agent, world: config.world, metrics: metrics, provenance: provenance(.weights), to: directory + "/weights.h5")
        let weights = try ArtifactSchema.readWeights(path: directory + "/weights.h5", config: config)
        #expect(weights.agent == agent)
        #expect(weights.metrics == metrics)

        let evaluation = Evaluation.run(policy: agent.policy, world: config.world, sampledEpisodes: config.evaluation.sampledEpisodes, seed: 2, iteration: 1)
        try ArtifactSchema.writeEvaluation(evaluation, world: config.world, provenance: provenance(.evaluation), to: directory + "/eval.h5")
        #expect(try ArtifactSchema.readEvaluation(path: directory + "/eval.h5", config: config).evaluation == evaluation)

        let best = ArtifactSchema.Best(policy: agent.policy, value: agent.value, iteration: 1, summary: evaluation.summary,
                                       firstAllOptimalIteration: nil)
        try ArtifactSchema.writeBest(best, world: config.world, provenance: provenance(.best), to: directory + "/best.h5")
        #expect(try ArtifactSchema.readBest(path: directory + "/best.h5", config: config).best == best)
    }

    @Test func writingTwiceGivesIdenticalBytes() throws {
        let directory = temporaryDirectory("identical")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let episodes = sampleEpisodes()
        for name in ["a.h5", "b.h5"] {
            try ArtifactSchema.writeRollout(episodes, world: config.world, gamma: 0.99, provenance: provenance(.rollout), to: "\(directory)/\(name)")
            // a second apart, so any timestamp HDF5 wrote would differ
            Thread.sleep(forTimeInterval: 1.1)
        }
        let a = FileManager.default.contents(atPath: directory + "/a.h5")
        let b = FileManager.default.contents(atPath: directory + "/b.h5")
        #expect(a != nil && a == b)
        // and no temporary file is left behind
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["a.h5", "b.h5"])
    }

    @Test func readersRejectTheWrongKindTypeShapeAndDamage() throws {
        let directory = temporaryDirectory("reject")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let episodes = sampleEpisodes()
        let rolloutPath = directory + "/rollout.h5"
        try ArtifactSchema.writeRollout(episodes, world: config.world, gamma: 0.99, provenance: provenance(.rollout), to: rolloutPath)

        #expect(throws: GridGRPOError("\(rolloutPath): is a 'gridgrpo.rollout' file, expected 'gridgrpo.weights'")) {
            try ArtifactSchema.readWeights(path: rolloutPath, config: config)
        }
        #expect(throws: GridGRPOError("\(directory)/missing.h5: no such file")) {
            try ArtifactSchema.readRollout(path: directory + "/missing.h5", config: config)
        }
        var bigger = config
        bigger.environment.gridSize = 4
        #expect(throws: GridGRPOError("\(rolloutPath): made for grid_size 3, but the config says 4")) {
            try ArtifactSchema.readRollout(path: rolloutPath, config: bigger)
        }

        // random bytes and a truncated file
        let garbage = directory + "/garbage.h5"
        #expect(FileManager.default.createFile(atPath: garbage, contents: Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 97) })))
        #expect(throws: GridGRPOError("\(garbage): not an HDF5 file (truncated or damaged?)")) {
            try ArtifactSchema.readRollout(path: garbage, config: config)
        }
        let truncated = directory + "/truncated.h5"
        let bytes = try #require(FileManager.default.contents(atPath: rolloutPath))
        #expect(FileManager.default.createFile(atPath: truncated, contents: bytes.prefix(bytes.count / 2)))
        #expect(throws: GridGRPOError.self) { try ArtifactSchema.readRollout(path: truncated, config: config) }

        // a dataset of the wrong dtype, written by hand
        let wrongType = directory + "/wrong-type.h5"
        try withHDF5 {
            let writer = try HDF5Writer(path: wrongType)
            try provenance(.pairs).write(to: writer.root)
            try writer.root.setAttribute("pair_count", Int64(6))
            try writer.root.write("preferred", [Double](repeating: 0, count: 6))
            try writer.commit()
        }
        #expect(throws: GridGRPOError("\(wrongType):/preferred: has type float64, expected int32")) {
            try ArtifactSchema.readPairs(path: wrongType, config: config)
        }
    }

    @Test func weightsWithNaNAreRefused() throws {
        let directory = temporaryDirectory("nan")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var agent = Agent.initial(world: config.world, hiddenSize: 8, seed: 2)
        agent.policy.parameters[3] = .nan
        try ArtifactSchema.writeWeights(agent, world: config.world, metrics: nil, provenance: provenance(.weights, 0), to: directory + "/w.h5")
        #expect(throws: GridGRPOError("\(directory)/w.h5:/policy/network.0.weight: holds nan at index 3, expected weights (finite, in -10000.0...10000.0)")) {
            try ArtifactSchema.readWeights(path: directory + "/w.h5", config: config)
        }
        var other = config
        other.network.hiddenSize = 16
        agent.policy.parameters[3] = 0
        try ArtifactSchema.writeWeights(agent, world: config.world, metrics: nil, provenance: provenance(.weights, 0), to: directory + "/w.h5")
        #expect(throws: GridGRPOError("\(directory)/w.h5: /policy/network.0.weight has shape [8, 18], but the config (grid_size, hidden_size) needs [16, 18]")) {
            try ArtifactSchema.readWeights(path: directory + "/w.h5", config: other)
        }
    }
}

@Suite("HDF5 handles")
struct HDF5HandleTests {
    /// Counts only this run's files, so suites running HDF5 work in parallel
    /// (another run's writer open at this instant) cannot make it fail.
    @Test func noHandleStaysOpenAfterAWholeRun() throws {
        let run = try SmallRun(algorithm: .grpo)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        func openInRun() -> [String] { openHDF5ObjectFiles().filter { $0.hasPrefix(run.directory + "/") } }
        // the check sees a file that is open: the reader's file and its root group
        try withHDF5 {
            let reader = try HDF5Reader(path: run.weights[0])
            #expect(openInRun() == [run.weights[0], run.weights[0]], "\(openInRun())")
            _ = reader.root
        }
        _ = try ArtifactSchema.readWeights(path: run.weights[0], config: try PipelineConfig.load(path: run.config))
        #expect(throws: GridGRPOError.self) { try ArtifactSchema.readPairs(path: run.best, config: try PipelineConfig.load(path: run.config)) }
        #expect(openInRun().isEmpty, "\(openInRun())")
    }

    /// Finite weights so large that the forward pass would overflow are
    /// refused when read (|w| ≤ ArtifactBounds.weightMagnitude), naming the
    /// tensor, before the update runs; nothing is written.
    @Test func hugeFiniteWeightsAreRefusedBeforeTheUpdate() throws {
        let run = try SmallRun(algorithm: .preference)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let dir = { (i: Int) in "\(run.directory)/\(StageGraph.iterationDirectory(i))" }
        var (agent, metrics, source) = try ArtifactSchema.readWeights(path: dir(1) + "/weights.h5", config: try PipelineConfig.load(path: run.config))
        agent.policy.parameters = agent.policy.parameters.map { $0 * 1e30 }
        let huge = run.directory + "/huge.h5"
        try ArtifactSchema.writeWeights(agent, world: try PipelineConfig.load(path: run.config).world, metrics: metrics, provenance: source, to: huge)
        let output = run.directory + "/out.h5"
        let first = agent.policy.parameters[0]
        #expect(throws: GridGRPOError("\(huge):/policy/network.0.weight: holds \(first) at index 0, expected weights (finite, in -10000.0...10000.0)")) {
            try Stages.update(configPath: run.config, weightsPath: huge, rolloutPath: dir(2) + "/rollout.h5", pairsPath: dir(2) + "/pairs.h5",
                              groupsPath: nil, referencePath: nil, iteration: 2, output: output)
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
