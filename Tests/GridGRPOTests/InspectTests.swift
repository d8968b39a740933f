import Foundation
import Testing
@testable import GridGRPO

@Suite("inspect: describe, replay, worst, verify")
struct InspectTests {
    @Test func describeReportsSchemaProvenanceAndLayerNorms() throws {
        let run = try SmallRun(algorithm: .preference)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let report = try Inspector.describe(path: run.weights[1])
        #expect(report.schema == "gridgrpo.weights" && report.stage == "update" && report.iteration == 2)
        #expect(report.inputs.map(\.role) == ["params", "weights", "rollout", "pairs"])
        // the update's parameter stamp, whose bytes are the config it records:
        // both digests against coreutils' SHA-256 of the files on disk
        func sha256sum(_ path: String) throws -> String {
            let result = try runProcess("/usr/bin/sha256sum", [path])
            #expect(result.status == 0)
            return String(result.output.prefix(64))
        }
        let stamp = try sha256sum(run.directory + "/params/update.json")
        #expect(report.inputs[0].name == "params/update.json")
        #expect(report.inputs[0].sha256 == stamp)
        #expect(report.configDigest == stamp)
        #expect(report.inputs[1].name == "iter-0001/weights.h5")
        #expect(report.inputs[1].sha256 == (try sha256sum(run.weights[0])))
        // the layer norm is the Euclidean norm of the stored weights, computed independently here
        let config = try PipelineConfig.load(path: run.config)
        let weights = try ArtifactSchema.readWeights(path: run.weights[1], config: config).agent.policy
        let tensor = weights.tensors[2]
        let expected = weights.parameters[tensor.range].reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let layer = try #require(report.datasets.first { $0.path == "/policy/network.2.weight" })
        #expect(layer.shape == [8, 8] && layer.type == "float32")
        #expect(abs((layer.norm ?? 0) - expected) < 1e-9)
        #expect(report.attributes["metrics@gradient_steps"] != nil)
        #expect(Inspector.text(report).contains("/policy/network.2.weight"))
    }

    @Test func replayPrintsTheBlogsFramesStepByStep() throws {
        let run = try SmallRun(algorithm: .preference)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let rollout = run.directory + "/iter-0001/rollout.h5"
        let episodes = try ArtifactSchema.readRollout(path: rollout, config: try PipelineConfig.load(path: run.config)).episodes
        let frames = try Inspector.replay(rolloutPath: rollout, episode: 2)
        #expect(frames.components(separatedBy: "Agent chooses").count - 1 == episodes.length(2))
        #expect(frames.contains(GridWorld(size: 3, maxSteps: 20).render(agent: episodes.starts[2], goal: episodes.goals[2])))
        #expect(frames.hasSuffix("Goal reached!") == episodes.successes[2])
        #expect(throws: GridGRPOError("--episode 99 is outside 0...15 (\(rollout) holds 16 episodes)")) {
            try Inspector.replay(rolloutPath: rollout, episode: 99)
        }
    }

    @Test func worstListsTheLargestGapsFirst() throws {
        let run = try SmallRun(algorithm: .grpo)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let rows = try Inspector.worst(evaluationPath: run.evaluations[0], count: 5)
        let evaluation = try ArtifactSchema.readEvaluation(path: run.evaluations[0], config: try PipelineConfig.load(path: run.config)).evaluation
        #expect(rows.count == 5)
        #expect(rows.map(\.gap) == Array(evaluation.optimalityGaps.sorted(by: >).prefix(5)))
        #expect(rows.allSatisfy { $0.agent.allSatisfy { (0..<3).contains($0) } })
    }

    @Test func verifyFindsStaleAndForeignFilesWithTheirChain() throws {
        let run = try SmallRun(algorithm: .preference)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let clean = try Inspector.verify(runDirectory: run.directory)
        #expect(clean.problems.isEmpty, "\(clean.problems)")
        #expect(clean.checked == 3 + 3 * 5 + 1 + 7)   // the artifacts, config.yaml, the stamps
        // Rerun the rollout of iteration 2 with another seed: its consumers are now stale,
        // and what was made from them cannot be trusted either.
        let other = run.directory + "/other.yaml"
        let text = try String(contentsOfFile: run.config, encoding: .utf8).replacingOccurrences(of: "seed: 4", with: "seed: 5")
        #expect(FileManager.default.createFile(atPath: other, contents: Data(text.utf8)))
        _ = try Stages.rollout(configPath: other, weightsPath: run.directory + "/iter-0001/weights.h5", iteration: 2,
                               output: run.directory + "/iter-0002/rollout.h5")
        let found = try Inspector.verify(runDirectory: run.directory).problems
        let byFile = Dictionary(grouping: found, by: \.file)
        #expect(byFile["iter-0002/rollout.h5"]?.contains { $0.message.contains("made with parameters") } == true)
        #expect(byFile["iter-0002/pairs.h5"]?.contains { $0.message.contains("cannot be trusted: iter-0002/pairs.h5 ← iter-0002/rollout.h5") } == true)
        #expect(byFile["iter-0003/weights.h5"]?.contains { $0.message.contains("cannot be trusted: iter-0003/weights.h5 ← iter-0002/weights.h5") } == true)
        #expect(byFile["iter-0001/weights.h5"] == nil)
    }

    @Test func theInspectExecutableSpeaksTextAndJSON() throws {
        let run = try SmallRun(algorithm: .preference)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let binary = EndToEndTests.binaries + "/inspect"
        let text = try runProcess(binary, [run.best])
        #expect(text.status == 0 && text.output.contains("gridgrpo.best"))
        let json = try runProcess(binary, [run.evaluations[1], "--worst", "3", "--json"])
        #expect(json.status == 0)
        let rows = try JSONDecoder().decode([Inspector.EvaluationRow].self, from: Data(json.output.utf8))
        #expect(rows.count == 3)
        let verify = try runProcess(binary, ["--verify", run.directory])
        #expect(verify.status == 0 && verify.output.contains("all 26 files check"), "\(verify.output)")
        let garbage = run.directory + "/garbage.h5"
        #expect(FileManager.default.createFile(atPath: garbage, contents: Data(repeating: 7, count: 100)))
        let bad = try runProcess(binary, [garbage])
        #expect(bad.status != 0 && bad.output.contains("not an HDF5 file") && bad.output.split(separator: "\n").count == 1, "\(bad.output)")
    }
}
