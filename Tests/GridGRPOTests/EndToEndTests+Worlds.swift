import Foundation
import Testing
@testable import GridGRPO

/// A run on a small walled map with lava, through the real Makefile and the
/// stage executables: it reaches the optimum, repeats byte for byte, and every
/// reader (h5py, inspect) rebuilds the world from the files.
extension EndToEndTests {
    static let walledConfig = """
    seed: 1
    iterations: 10
    environment:
      grid_size: 4
      max_steps: 30
      layout: map
      map: |
        ....
        .#~.
        ....
        #...
    network: {hidden_size: 32}
    rollout: {pairs: 256, gamma: 0.99}
    update: {epochs: 4, minibatch_episodes: 16, policy_learning_rate: 0.005, value_learning_rate: 0.005}
    evaluation: {sampled_episodes: 20}

    """

    @Test func aWalledMapRunReachesTheOptimumAndIsByteIdentical() throws {
        let root = temporaryDirectory("e2e-walls")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = writeConfig(Self.walledConfig, in: root)
        let parsed = try PipelineConfig.load(path: config)
        #expect(parsed.world.configurationCount == 13 * 12)

        let first = try make([], artifacts: root + "/a", config: config)
        #expect(first.status == 0, "\(first.output)")
        let best = try ArtifactSchema.readBest(path: root + "/a/best.h5", config: parsed)
        #expect(best.best.summary.allOptimal, "optimal fraction \(best.best.summary.optimalFraction)")
        #expect(best.best.firstAllOptimalIteration != nil)

        let second = try make(["-j2"], artifacts: root + "/b", config: config)
        #expect(second.status == 0, "\(second.output)")
        #expect(differences(deterministicFiles(in: root + "/b"), deterministicFiles(in: root + "/a")).isEmpty)

        // h5py alone: the world from /world, the configurations by BFS, every greedy episode replayed.
        let check = try runProcess("/usr/bin/env", ["python3", repositoryRoot + "/scripts/check_artifacts.py", root + "/a"])
        #expect(check.status == 0 && check.output.contains("map 4x4") && check.output.contains("all 156 configurations"), "\(check.output)")

        // scripts/worlds.py (the README's "Harder worlds" table) reads the kept policy as the project's reader does.
        let worlds = try runProcess("/usr/bin/env", ["python3", repositoryRoot + "/scripts/worlds.py", root + "/a"])
        let setting = (root as NSString).lastPathComponent
        #expect(worlds.status == 0 && worlds.output.contains("| \(setting) | 1 | 1.000 | \(best.best.iteration) |"), "\(worlds.output)")

        // inspect: the frames show walls and lava; the world is recorded; the run verifies.
        let frames = try runProcess(Self.binaries + "/inspect", [root + "/a/iter-0001/rollout.h5", "--episode", "0"])
        #expect(frames.status == 0 && frames.output.contains("#") && frames.output.contains("~"), "\(frames.output)")
        let described = try Inspector.describe(path: root + "/a/best.h5")
        #expect(described.attributes["world@layout"] == "map")
        #expect(described.datasets.contains { $0.path == "/world/cell_type" && $0.shape == [4, 4] })
        let verify = try runProcess(Self.binaries + "/inspect", ["--verify", root + "/a"])
        #expect(verify.status == 0, "\(verify.output)")
        let report = try String(contentsOfFile: root + "/a/report.html", encoding: .utf8)
        #expect(report.contains("4×4 map grid world") && report.contains(". # ~ ."))
    }
}
