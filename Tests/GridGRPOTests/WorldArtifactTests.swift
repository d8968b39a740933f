import Foundation
import Testing
@testable import GridGRPO

/// Artifacts of worlds with walls and lava: the evaluation covers every
/// reachable pair, files record their world and a file of another world is
/// refused in one line naming both, large grids store cells as uint16, and
/// rollouts are checked move by move with lava.
@Suite("World artifacts")
struct WorldArtifactTests {
    static func config(_ yaml: String) throws -> PipelineConfig {
        try PipelineConfig.parse("network: {hidden_size: 8}\nrollout: {pairs: 16}\nupdate: {minibatch_episodes: 4}\n" + yaml)
    }

    func provenance(_ kind: ArtifactKind, _ config: PipelineConfig, stage: Stage = .update, iteration: Int = 1) -> Provenance {
        Provenance(schema: kind, stage: stage, iteration: iteration, config: config, inputs: [])
    }

    @Test func theEvaluationCoversEveryReachablePairWithItsBreadthFirstDistance() throws {
        let config = try Self.config("environment: {grid_size: 5, max_steps: 30, layout: map, map: ['#.#..', '..#..', '##~##', '..#..', '..#.#']}\n")
        let world = config.world
        let agent = Agent.initial(world: world, hiddenSize: 8, seed: 3)
        let evaluation = Evaluation.run(policy: agent.policy, world: world, sampledEpisodes: 50, seed: 3, iteration: 0)
        // four regions of 3, 4, 4 and 3 floor cells
        #expect(world.configurationCount == 3 * 2 + 4 * 3 + 4 * 3 + 3 * 2)
        #expect(evaluation.count == world.configurationCount)
        #expect(zip(evaluation.agents, evaluation.goals).map { [$0, $1] } == world.allConfigurations().map { [$0.agent, $0.goal] })
        let paths = world.shortestPaths()
        for i in 0..<evaluation.count {
            #expect(evaluation.distances[i] == paths.distance(from: evaluation.agents[i], to: evaluation.goals[i]))
            #expect(evaluation.distances[i] >= world.manhattanDistance(evaluation.agents[i], evaluation.goals[i]))
        }
        let directory = temporaryDirectory("world-eval")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/eval.h5"
        try ArtifactSchema.writeEvaluation(evaluation, world: world, provenance: provenance(.evaluation, config, stage: .evaluate, iteration: 0), to: path)
        let read = try ArtifactSchema.readEvaluation(path: path, config: config).evaluation
        #expect(read == evaluation)
    }

    /// The weights of every world, each read with the config of every other:
    /// refused in one line that names both.
    @Test func aFileOfAnotherWorldIsRefusedNamingBoth() throws {
        let worlds: [(name: String, config: PipelineConfig)] = [
            ("open", try Self.config("environment: {grid_size: 7}\n")),
            ("four_rooms seed 0", try Self.config("seed: 0\nenvironment: {grid_size: 7, layout: four_rooms}\n")),
            ("four_rooms seed 1", try Self.config("seed: 1\nenvironment: {grid_size: 7, layout: four_rooms}\n")),
            ("maze", try Self.config("environment: {grid_size: 7, layout: maze}\n")),
            ("lava_gap", try Self.config("environment: {grid_size: 7, layout: lava_gap}\n")),
            ("lava_gap -2", try Self.config("environment: {grid_size: 7, layout: lava_gap, lava_penalty: -2}\n")),
            ("map", try Self.config("environment: {grid_size: 7, layout: map, map: ['.......', '.#####.', '.......', '.......', '.......', '.......', '.......']}\n")),
            ("four_rooms 9×9", try Self.config("seed: 0\nenvironment: {grid_size: 9, layout: four_rooms}\n")),
        ]
        #expect(worlds[1].config.world != worlds[2].config.world, "seeds 0 and 1 draw other gaps")
        let directory = temporaryDirectory("world-refusal")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (index, made) in worlds.enumerated() {
            let world = made.config.world
            let path = "\(directory)/weights-\(index).h5"
            let agent = Agent.initial(world: world, hiddenSize: 8, seed: 0)
            try ArtifactSchema.writeWeights(agent, world: world, metrics: nil, provenance: provenance(.weights, made.config, stage: .initialize, iteration: 0), to: path)
            _ = try ArtifactSchema.readWeights(path: path, config: made.config)
            for (other, reader) in worlds.enumerated() where other != index {
                let layout = reader.config.environment.layout.rawValue
                do {
                    _ = try ArtifactSchema.readWeights(path: path, config: reader.config)
                    Issue.record("\(made.name) weights read with the \(reader.name) config")
                } catch let error as GridGRPOError {
                    #expect(error.message.hasPrefix(path + ":") && !error.message.contains("\n"), "\(error.message)")
                    #expect(error.message.contains(world.layout.rawValue) && error.message.contains(layout),
                            "\(made.name) read as \(reader.name): \(error.message)")
                }
            }
        }
        let open = "\(directory)/weights-0.h5", seedZero = "\(directory)/weights-1.h5", lava = "\(directory)/weights-4.h5"
        #expect(throws: GridGRPOError("\(open): made for the open grid (no /world), but the config's layout is four_rooms (the config's four_rooms 7×7 grid)")) {
            try ArtifactSchema.readWeights(path: open, config: worlds[1].config)
        }
        #expect(throws: GridGRPOError("\(seedZero): made for layout four_rooms, but the config's layout is open")) {
            try ArtifactSchema.readWeights(path: seedZero, config: worlds[0].config)
        }
        #expect(throws: GridGRPOError("\(lava):/world@lava_penalty: is -1.0: a lava_gap world with another lava penalty than the config's lava_gap 7×7 grid, whose environment.lava_penalty is -2.0")) {
            try ArtifactSchema.readWeights(path: lava, config: worlds[5].config)
        }
        do {
            _ = try ArtifactSchema.readWeights(path: seedZero, config: worlds[2].config)
        } catch let error as GridGRPOError {
            #expect(error.message.hasPrefix("\(seedZero):/world/cell_type: another four_rooms layout than the config's four_rooms 7×7 grid (another seed or map?): cell ("))
        }
    }

    /// Above 16×16 cells no longer fit in a byte: rollout.h5 stores them as uint16.
    @Test func largeGridsStoreCellsAsUInt16() throws {
        let config = try Self.config("environment: {grid_size: 32, max_steps: 20, layout: four_rooms}\n")
        let world = config.world
        #expect(world.cellCount == 1024 && CellDataset.isWide(cellCount: world.cellCount))
        let agent = Agent.initial(world: world, hiddenSize: 8, seed: 0)
        let episodes = sampleRollout(policy: agent.policy, config: config, iteration: 1, threads: 2)
        #expect(episodes.starts.contains { $0 > 255 } && episodes.agentCells.contains { $0 > 255 })
        let directory = temporaryDirectory("world-wide")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/rollout.h5"
        try ArtifactSchema.writeRollout(episodes, world: world, gamma: config.rollout.gamma, provenance: provenance(.rollout, config, stage: .rollout), to: path)
        let read = try ArtifactSchema.readRollout(path: path, config: config).episodes
        #expect(read == episodes)
        let types = Dictionary(uniqueKeysWithValues: try Inspector.describe(path: path).datasets.map { ($0.path, $0.type) })
        #expect(types["/episodes/agent_start"] == "uint16" && types["/episodes/goal"] == "uint16" && types["/steps/agent_cell"] == "uint16")
        #expect(types["/world/cell_type"] == "uint8")
    }

    @Test func rolloutsAreCheckedMoveByMoveWithLava() throws {
        let config = try Self.config("environment: {grid_size: 5, max_steps: 30, layout: lava_gap, lava_penalty: -3}\n")
        let world = config.world
        let agent = Agent.initial(world: world, hiddenSize: 8, seed: 0)
        let episodes = sampleRollout(policy: agent.policy, config: config, iteration: 1, threads: 1)
        let check = DomainCheck(path: "r.h5")
        try ArtifactSchema.checkEpisodes(episodes, world: world, check: check)
        let lava = try #require((0..<episodes.count).first { episodes.rewards[episodes.offsets[$0 + 1] - 1] == -3 })
        let last = episodes.offsets[lava + 1] - 1
        #expect(!episodes.successes[lava] && episodes.length(lava) < world.maxSteps)
        var milder = episodes
        milder.rewards[last] = -0.1
        #expect(throws: GridGRPOError.self) { try ArtifactSchema.checkEpisodes(milder, world: world, check: check) }
        // Walking on after the lava: the next episode's first step moved into this one.
        var onward = episodes
        onward.offsets[lava + 1] += 1
        do {
            try ArtifactSchema.checkEpisodes(onward, world: world, check: check)
            Issue.record("an episode that goes on after lava was accepted")
        } catch let error as GridGRPOError {
            #expect(error.message == "r.h5:/episodes/offsets: episode \(lava) goes on after stepping onto lava")
        }
        // The evaluation rows of a lava world may fail in fewer than max_steps
        // moves: a policy of zeros always goes up, onto the lava from row 2.
        let row = try Self.config("environment: {grid_size: 5, max_steps: 30, layout: map, map: ['.....', '~~~~.', '.....', '.....', '.....']}\n").world
        var zeros = Agent.initial(world: row, hiddenSize: 8, seed: 0).policy
        zeros.parameters = [Float](repeating: 0, count: zeros.parameters.count)
        let evaluation = Evaluation.run(policy: zeros, world: row, sampledEpisodes: 10, seed: 0, iteration: 0)
        let fell = (0..<evaluation.count).filter { (10..<14).contains(evaluation.agents[$0]) }
        #expect(!fell.isEmpty && fell.allSatisfy { !evaluation.successes[$0] && evaluation.lengths[$0] == 1 && evaluation.returns[$0] == -1 })
        try ArtifactSchema.checkRows(evaluation, optimal: (0..<evaluation.count).map(evaluation.isOptimal), world: row, check: check)
    }
}
