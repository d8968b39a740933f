import Foundation
import Testing
@testable import GridGRPO
import GridGRPOPlot

/// End-to-end runs of the real stage executables through the real Makefile,
/// on a 3×3 grid small enough to reach the optimum in a few iterations.
@Suite("End to end: make and the stage executables", .serialized)
struct EndToEndTests {
    static let tinyConfig = """
    seed: 1
    iterations: 8
    environment: {grid_size: 3, max_steps: 30}
    network: {hidden_size: 32}
    rollout: {pairs: 64, gamma: 0.99}
    update: {epochs: 4, minibatch_episodes: 8, policy_learning_rate: 0.003, value_learning_rate: 0.003}
    evaluation: {sampled_episodes: 20}

    """

    /// The directory holding the executables `swift test` built beside this
    /// test bundle, with the stage links to gridgrpo made as make makes them.
    static let binaries: String = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        let directory = [beside, repositoryRoot + "/.build/debug"].first {
            FileManager.default.isExecutableFile(atPath: $0 + "/" + StageBinary.name)
        } ?? repositoryRoot + "/.build/debug"
        // A static property cannot throw: a failure is said here, and the
        // tests that run a stage then fail on its missing executable.
        do {
            try StageBinary.installLinks(in: directory)
        } catch {
            FileHandle.standardError.write(Data("EndToEndTests: cannot link the stage names to \(StageBinary.name) in \(directory): \(error)\n".utf8))
        }
        return directory
    }()

    /// Runs make in the repository with the test's binaries and no build step.
    func make(_ arguments: [String], artifacts: String, config: String) throws -> (status: Int32, output: String) {
        try runProcess("/usr/bin/env", ["make", "--no-print-directory", "-C", repositoryRoot,
                                        "CONFIG=\(config)", "ARTIFACTS=\(artifacts)", "BIN=\(Self.binaries)", "BUILD_STAMP="] + arguments)
    }

    func files(in directory: String) -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let relative = enumerator?.nextObject() as? String {
            let path = directory + "/" + relative
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[relative] = FileManager.default.contents(atPath: path)
            }
        }
        return result
    }

    /// Files that must be byte-identical between runs: everything but the
    /// log of wall times and the report that quotes them.
    func deterministicFiles(in directory: String) -> [String: Data] {
        files(in: directory).filter { $0.key != StageRecord.fileName && $0.key != "report.html" }
    }

    /// The names of the files that differ between two runs.
    func differences(_ a: [String: Data], _ b: [String: Data]) -> [String] {
        Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
    }

    func writeConfig(_ text: String, in directory: String) -> String {
        let path = directory + "/tiny.yaml"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
        return path
    }

    @Test func fullRunReachesTheOptimumIsByteIdenticalAndRerunsOneStage() throws {
        let root = temporaryDirectory("e2e")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = writeConfig(Self.tinyConfig, in: root)

        let first = try make([], artifacts: root + "/a", config: config)
        #expect(first.status == 0, "\(first.output)")
        let figures = ["training_results", "network_architecture", "training_process", "grid_world", "policy_map"].map { "figures/\($0).png" }
        let expectedFiles = ["config.yaml", "dag.mk", "best.h5", "iter-0000/weights.h5", "iter-0000/eval.h5", "iter-0000/best.h5"]
            + (1...8).flatMap { i in ["rollout.h5", "pairs.h5", "weights.h5", "eval.h5", "best.h5"].map { "\(StageGraph.iterationDirectory(i))/\($0)" } }
            + figures + ["report.html", StageRecord.fileName, ".make.lock"]
            + ["initialize", "rollout", "pair", "update", "evaluate", "checkpoint", "plot"].map { "params/\($0).json" }
        #expect(Set(files(in: root + "/a").keys) == Set(expectedFiles))
        let a = deterministicFiles(in: root + "/a")

        // The report is one offline page with every figure embedded.
        let report = try String(contentsOfFile: root + "/a/report.html", encoding: .utf8)
        #expect(report.components(separatedBy: "data:image/png;base64,").count == figures.count + 1)
        #expect(!report.contains("http://") && !report.contains("https://") && !report.contains("src=\"figures/"))
        #expect(report.contains("first iteration optimal from every start configuration"))
        for figure in figures {
            let png = try DecodedPNG(path: root + "/a/" + figure)
            #expect(png.width >= 1600, "\(figure) is \(png.width) px wide")
            #expect(png.text["gridgrpo.config_digest"] == "sha256:" + (try PipelineConfig.load(path: config)).digest)
        }

        // The default algorithm learns the 3×3 world: optimal from all 72 configurations.
        let parsed = try PipelineConfig.load(path: config)
        let best = try ArtifactSchema.readBest(path: root + "/a/best.h5", config: parsed)
        #expect(best.best.summary.allOptimal)
        #expect(best.best.firstAllOptimalIteration != nil)
        #expect(best.provenance.iteration == 8)

        // A second run, two jobs at once, elsewhere: the same bytes.
        let second = try make(["-j2"], artifacts: root + "/b", config: config)
        #expect(second.status == 0, "\(second.output)")
        #expect(differences(deterministicFiles(in: root + "/b"), a).isEmpty)

        // Nothing to do after a complete run: no stage runs again.
        let again = try make([], artifacts: root + "/a", config: config)
        #expect(again.status == 0 && !again.output.contains("iter-"), "\(again.output)")

        // Rerun one stage by name: exactly that stage runs.
        let rerun = try make(["rollout", "ITER=3"], artifacts: root + "/a", config: config)
        #expect(rerun.status == 0, "\(rerun.output)")
        let stageLines = rerun.output.split(separator: "\n").filter { $0.contains("iter-") && !$0.hasPrefix("make") }
        #expect(stageLines.count == 1 && stageLines[0].hasPrefix("rollout    iter-0003"), "\(rerun.output)")
        // The downstream stages are now stale; the next make redoes them and,
        // the stages being pure, lands on the same bytes.
        let downstream = try make([], artifacts: root + "/a", config: config)
        #expect(downstream.status == 0)
        #expect(!downstream.output.contains("iter-0002"))
        #expect(downstream.output.contains("pair       iter-0003"))
        #expect(differences(deterministicFiles(in: root + "/a"), a).isEmpty)

        // Naming one missing artifact builds just that artifact.
        try FileManager.default.removeItem(atPath: root + "/a/iter-0005/pairs.h5")
        let single = try make([root + "/a/iter-0005/pairs.h5"], artifacts: root + "/a", config: config)
        #expect(single.output.split(separator: "\n").filter { $0.contains("iter-") }.count == 1, "\(single.output)")

        // h5py and numpy alone load best.h5 as the blog's PolicyNetwork and replay eval.h5.
        let check = try runProcess("/usr/bin/env", ["python3", repositoryRoot + "/scripts/check_artifacts.py", root + "/a"])
        #expect(check.status == 0, "\(check.output)")

        // h5dump reads every artifact.
        let dump = try runProcess("/usr/bin/env", ["h5dump", "-H", root + "/a/iter-0001/rollout.h5"])
        #expect(dump.status == 0 && dump.output.contains("return_to_go"))
    }

    /// DVC-style params: each stage depends on a stamp of the config sections
    /// it reads. Editing `evaluation` reruns evaluate, checkpoint and the
    /// plots, nothing upstream, and lands on the bytes of a fresh run.
    @Test func editingOneSectionRerunsOnlyTheStagesThatReadIt() throws {
        let root = temporaryDirectory("e2e-params")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let original = writeConfig(Self.tinyConfig, in: root)
        #expect(try make([], artifacts: root + "/a", config: original).status == 0)
        let before = deterministicFiles(in: root + "/a")

        let nothing = try make(["-n"], artifacts: root + "/a", config: original)
        #expect(nothing.status == 0 && !nothing.output.contains("--iteration"), "\(nothing.output)")

        let editedPath = root + "/edited.yaml"
        let edited = Self.tinyConfig.replacingOccurrences(of: "sampled_episodes: 20", with: "sampled_episodes: 25")
        #expect(FileManager.default.createFile(atPath: editedPath, contents: Data((edited + "# a comment changes no stamp\n").utf8)))
        func stagesNamed(_ output: String) -> Set<String> {
            Set(output.split(separator: "\n").compactMap { line in
                ["rollout", "pair", "update", "evaluate", "checkpoint"].first { line.contains("/\($0) --config") }
            })
        }
        let preview = try make(["-n"], artifacts: root + "/a", config: editedPath)
        #expect(preview.status == 0)
        #expect(stagesNamed(preview.output) == ["evaluate", "checkpoint"], "\(preview.output)")
        #expect(preview.output.contains("plot training-results"))

        let rerun = try make(["V=1"], artifacts: root + "/a", config: editedPath)
        #expect(rerun.status == 0, "\(rerun.output)")
        #expect(stagesNamed(rerun.output) == ["evaluate", "checkpoint"], "\(rerun.output)")
        let after = deterministicFiles(in: root + "/a")
        let changed = Set(differences(before, after))
        #expect(!changed.contains { $0.hasSuffix("rollout.h5") || $0.hasSuffix("pairs.h5") || $0.hasSuffix("weights.h5") })
        #expect(changed.contains("iter-0004/eval.h5") && changed.contains("params/evaluate.json"))
        #expect(!changed.contains("params/rollout.json") && !changed.contains("params/checkpoint.json"))

        // The same bytes as a run made from the edited config in one go.
        #expect(try make([], artifacts: root + "/fresh", config: editedPath).status == 0)
        #expect(differences(deterministicFiles(in: root + "/fresh"), after).isEmpty)
        #expect(try Inspector.verify(runDirectory: root + "/a").problems.isEmpty)
    }

    static let tinyGRPOConfig = """
    seed: 1
    iterations: 8
    algorithm: grpo
    environment: {grid_size: 3, max_steps: 30}
    network: {hidden_size: 32}
    grpo: {group_size: 4, groups_per_iteration: 64, minibatch_groups: 16, learning_rate: 0.01, kl_beta: 0.01, reference_refresh: 4}
    evaluation: {sampled_episodes: 20}

    """

    @Test func grpoRunReachesTheOptimumAndIsByteIdentical() throws {
        let root = temporaryDirectory("e2e-grpo")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = writeConfig(Self.tinyGRPOConfig, in: root)
        let first = try make([], artifacts: root + "/a", config: config)
        #expect(first.status == 0, "\(first.output)")
        let second = try make(["-j2"], artifacts: root + "/b", config: config)
        #expect(second.status == 0, "\(second.output)")
        let a = deterministicFiles(in: root + "/a")
        #expect(differences(deterministicFiles(in: root + "/b"), a).isEmpty)
        #expect(a["iter-0003/groups.h5"] != nil && a["iter-0003/pairs.h5"] == nil)
        let parsed = try PipelineConfig.load(path: config)
        let best = try ArtifactSchema.readBest(path: root + "/a/best.h5", config: parsed)
        #expect(best.best.summary.allOptimal)
        #expect(best.best.value == nil)
        // iteration 6 trained against the policy of iteration 4 (reference_refresh 4)
        let weights = try ArtifactSchema.readWeights(path: root + "/a/iter-0006/weights.h5", config: parsed)
        #expect(weights.provenance.inputs.first { $0.role == "reference" }?.name == "iter-0004/weights.h5")
        #expect(weights.metrics?.referenceKL.isEmpty == false)
    }

    @Test func aConfigErrorStopsTheRunWithTheKeyNamed() throws {
        let root = temporaryDirectory("e2e-bad")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = writeConfig(Self.tinyConfig.replacingOccurrences(of: "epochs: 4", with: "epoch: 4"), in: root)
        let result = try make([], artifacts: root + "/a", config: config)
        #expect(result.status != 0)
        #expect(result.output.contains("unknown key 'update.epoch'"), "\(result.output)")
    }

    @Test func stagesRefuseBadInputsWithOneLineAndNoOutput() throws {
        let root = temporaryDirectory("e2e-inputs")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = writeConfig(Self.tinyConfig, in: root)
        let output = root + "/out.h5"
        let missing = try runProcess(Self.binaries + "/rollout", ["--config", config, "--weights", root + "/nope.h5",
                                                                  "--iteration", "1", "--output", output])
        #expect(missing.status != 0)
        #expect(missing.output.contains("\(root)/nope.h5: no such file"), "\(missing.output)")
        #expect(!FileManager.default.fileExists(atPath: output))

        // the config file given as weights: not HDF5
        let wrongKind = try runProcess(Self.binaries + "/evaluate", ["--config", config, "--weights", config,
                                                                     "--iteration", "0", "--output", output])
        #expect(wrongKind.status != 0 && wrongKind.output.contains("not an HDF5 file"), "\(wrongKind.output)")
        #expect(!FileManager.default.fileExists(atPath: output))

        // an iteration outside the config's range
        let initial = try runProcess(Self.binaries + "/update", ["--init", "--config", config, "--output", root + "/w0.h5"])
        #expect(initial.status == 0, "\(initial.output)")
        let late = try runProcess(Self.binaries + "/rollout", ["--config", config, "--weights", root + "/w0.h5",
                                                               "--iteration", "99", "--output", output])
        #expect(late.status != 0 && late.output.contains("--iteration 99 is outside 1...8"), "\(late.output)")
        // weights of iteration 0 used as if they were iteration 4's
        let stale = try runProcess(Self.binaries + "/rollout", ["--config", config, "--weights", root + "/w0.h5",
                                                                "--iteration", "5", "--output", output])
        #expect(stale.status != 0 && stale.output.contains("holds iteration 0, expected iteration 4"), "\(stale.output)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    /// The executables' flags are the registry's: every invocation the make
    /// rules would run parses back to itself, `--help` lists exactly the
    /// registry's flags, and a flag the registry does not have is refused.
    @Test func stageExecutablesTakeExactlyTheRegistrysFlags() throws {
        for config in PipelineConfig.variants {
            for stage in Stage.stages(of: config) {
                for iteration in [0, 1, 7] where stage.runs(at: iteration) {
                    var invocation = StageInvocation(stage: stage, iteration: iteration, config: config, directory: "run dir")
                    invocation.threads = 2
                    invocation.record = "run dir/stages.jsonl"
                    if !stage.takesThreads { invocation.threads = nil }
                    invocation.interactive = stage == .label && iteration == 7
                    let parsed = try StageCommand.parse(executable: stage.executable, invocation.arguments)
                    #expect(parsed == invocation, "\(stage.rawValue) at \(iteration): \(invocation.arguments)")
                }
            }
        }
        for stage in Stage.allCases {
            let help = try runProcess(Self.binaries + "/" + stage.executable, ["--help"])
            #expect(help.status == 0)
            let listed = Set(help.output.split(whereSeparator: { " []<>\n".contains($0) }).filter { $0.hasPrefix("--") }.map(String.init))
            for flag in StageCommand.flags(of: stage) { #expect(listed.contains(flag.flag), "\(stage.rawValue) --help: \(flag.flag)") }
            for role in InputRole.allCases where !listed.contains(role.flag) {
                let wrong = try runProcess(Self.binaries + "/" + stage.executable, (stage.selector.map { [$0] } ?? []) + [role.flag, "x"])
                #expect(wrong.status == 64 && wrong.output.split(separator: "\n").count == 1, "\(stage.rawValue) \(role.flag): \(wrong.output)")
            }
        }
    }

    @Test func everyStageExplainsItsInputsAndOutputs() throws {
        for (stage, mention) in [("rollout", "weights.h5"), ("pair", "rollout.h5"), ("update", "pairs.h5"),
                                 ("evaluate", "eval.h5"), ("checkpoint", "best.h5"), ("dag rules", "dag.mk")] {
            let words = stage.split(separator: " ").map(String.init)
            let help = try runProcess(Self.binaries + "/" + words[0], words.dropFirst() + ["--help"])
            #expect(help.status == 0)
            #expect(help.output.contains(mention) && help.output.contains("--config"), "\(stage): \(help.output)")
        }
    }
}

@Suite("Crash safety: killed stages and concurrent makes", .serialized)
struct CrashSafetyTests {
    let e2e = EndToEndTests()

    @Test func killingMakeAtRandomInstantsNeverCorruptsTheRun() throws {
        let root = temporaryDirectory("kill")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = e2e.writeConfig(EndToEndTests.tinyConfig, in: root)
        let reference = try e2e.make([root + "/a/best.h5"], artifacts: root + "/a", config: config)
        #expect(reference.status == 0, "\(reference.output)")

        // Start make, SIGKILL its whole process group (make and the stage it is
        // running) after a pseudo-random delay, many times; then finish the run.
        var random = RandomStream(seed: 7, stage: .evaluate, iteration: 0, index: 0)
        var kills = 0
        for _ in 0..<12 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
            process.arguments = ["make", "--no-print-directory", "-C", repositoryRoot, "CONFIG=\(config)", "ARTIFACTS=\(root)/b",
                                 "BIN=\(EndToEndTests.binaries)", "BUILD_STAMP=", root + "/b/best.h5"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: 0.05 + 0.6 * random.nextUnitDouble())
            if process.isRunning {
                kill(-process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
        }
        #expect(kills > 0)
        let finish = try e2e.make([root + "/b/best.h5"], artifacts: root + "/b", config: config)
        #expect(finish.status == 0, "\(finish.output)")
        let a = e2e.deterministicFiles(in: root + "/a"), b = e2e.deterministicFiles(in: root + "/b")
        #expect(e2e.differences(a, b).isEmpty)
        // no temporary file is left beside a finished one
        #expect(!b.keys.contains { $0.hasSuffix(".tmp") })
    }

    @Test func aSecondMakeOnTheSameRunRefusesWithAClearMessage() throws {
        let root = temporaryDirectory("lock")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = e2e.writeConfig(EndToEndTests.tinyConfig, in: root)
        let first = Process()
        first.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        first.arguments = ["make", "--no-print-directory", "-C", repositoryRoot, "CONFIG=\(config)", "ARTIFACTS=\(root)/a",
                           "BIN=\(EndToEndTests.binaries)", "BUILD_STAMP="]
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        Thread.sleep(forTimeInterval: 1.0)
        let second = try e2e.make([], artifacts: root + "/a", config: config)
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        #expect(second.status != 0)
        #expect(second.output.contains("another make is running on \(root)/a/"), "\(second.output)")
        #expect(try Inspector.verify(runDirectory: root + "/a").problems.isEmpty)
    }
}
