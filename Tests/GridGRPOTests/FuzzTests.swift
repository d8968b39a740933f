import Foundation
import Testing
@testable import GridGRPO

/// Hundreds of damaged artifacts and configs fed to the real stage
/// executables: each run must end by itself with exit status 0 and its output
/// written, or with a non-zero status, one line of explanation and no output
/// file. Never a signal (trap, crash) and never a hang.
@Suite("Fuzz: damaged artifacts and configs", .serialized)
struct FuzzTests {
    struct Outcome {
        let status: Int32
        let signaled: Bool
        let output: String
    }

    /// Runs a stage with its output in a file rather than a pipe, so that a
    /// hanging stage is detected by the deadline instead of blocking a read.
    func launch(_ executable: String, _ arguments: [String]) throws -> Outcome {
        let log = temporaryDirectory("fuzz-log") + "/output.txt"
        defer { try? FileManager.default.removeItem(atPath: (log as NSString).deletingLastPathComponent) }
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: EndToEndTests.binaries + "/" + executable)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.002) }
        let hung = process.isRunning
        if hung { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try handle.close()
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return Outcome(status: process.terminationStatus, signaled: hung || process.terminationReason == .uncaughtSignal,
                       output: hung ? "hung for 30 s: " + output : output)
    }

    func mutate(_ bytes: [UInt8], _ random: inout RandomStream) -> [UInt8] {
        var result = bytes
        switch random.nextInt(below: 5) {
        case 0: result = Array(bytes.prefix(random.nextInt(below: bytes.count)))
        case 1:
            for _ in 0..<(1 + random.nextInt(below: 16)) {
                result[random.nextInt(below: result.count)] = UInt8(truncatingIfNeeded: random.next())
            }
        case 2:
            let start = random.nextInt(below: result.count)
            let end = min(result.count, start + 1 + random.nextInt(below: 512))
            for i in start..<end { result[i] = 0 }
        case 3: result = (0..<(1 + random.nextInt(below: 4096))).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        default: result = []
        }
        return result
    }

    @Test(arguments: [false, true])
    func damagedArtifactsGetOneLineOrAValidOutput(learned: Bool) throws {
        let run = try SmallRun(algorithm: .preference, learned: learned)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let dir = { (i: Int) in "\(run.directory)/\(StageGraph.iterationDirectory(i))" }
        let config = try PipelineConfig.load(path: run.config)
        // (executable, damaged input, arguments with FILE marking it): every
        // input of every stage at iteration 2, from the registry, and inspect
        var cases: [(String, String, [String])] = []
        for stage in Stage.stages(of: config) where stage.runs(at: 2) {
            let invocation = StageInvocation(stage: stage, iteration: 2, config: config, directory: run.directory)
            for (index, input) in invocation.inputs.enumerated() {
                var damaged = invocation
                damaged.inputs[index].path = "FILE"
                damaged.output = "OUTPUT"
                cases.append((stage.executable, input.path, damaged.arguments))
            }
        }
        // learned: label (rollout, labels, reward), reward (labels, reward, rollout), pair +reward, update +reward, evaluate +labels
        #expect(cases.count == (learned ? 18 : 9))
        cases += [
            ("inspect", dir(2) + "/eval.h5", ["FILE"]),
            ("inspect", dir(2) + "/rollout.h5", ["FILE", "--episode", "3"]),
            ("inspect", dir(2) + "/weights.h5", ["FILE"]),
        ]
        if learned { cases += [("inspect", dir(2) + "/labels.h5", ["FILE"]), ("inspect", dir(2) + "/reward.h5", ["FILE"])] }
        var random = RandomStream(seed: 99, stage: .evaluate, iteration: learned ? 1 : 0, index: 0)
        var failures = 0, successes = 0
        let trials = learned ? 420 : 600
        for trial in 0..<trials {
            let (stage, source, template) = cases[trial % cases.count]
            let original = try #require(FileManager.default.contents(atPath: source)).map { $0 }
            let damaged = run.directory + "/damaged-\(trial).h5"
            #expect(FileManager.default.createFile(atPath: damaged, contents: Data(mutate(original, &random))))
            let output = run.directory + "/out-\(trial).h5"
            let arguments = template.map { $0 == "FILE" ? damaged : $0 == "OUTPUT" ? output : $0 }
            let outcome = try launch(stage, arguments)
            if outcome.signaled {
                // Keep the input that broke the stage, to reproduce it by hand.
                let kept = NSTemporaryDirectory() + "gridgrpo-fuzz-\(stage)-\(trial).h5"
                try? FileManager.default.removeItem(atPath: kept)
                try? FileManager.default.copyItem(atPath: damaged, toPath: kept)
                Issue.record("\(stage) on damaged input \(trial) (kept at \(kept)) died by a signal: \(outcome.output)")
            } else if outcome.status == 0 {
                successes += 1
                if stage != "inspect" { #expect(FileManager.default.fileExists(atPath: output)) }
            } else {
                failures += 1
                let lines = outcome.output.split(separator: "\n")
                #expect(lines.count == 1, "\(stage) trial \(trial): \(outcome.output)")
                #expect(!FileManager.default.fileExists(atPath: output), "\(stage) trial \(trial) failed but left \(output)")
                #expect(!outcome.output.contains("HDF5-DIAG"), "HDF5's error stack reached the user: \(outcome.output)")
            }
            try? FileManager.default.removeItem(atPath: damaged)
            try? FileManager.default.removeItem(atPath: output)
        }
        #expect(failures > trials / 2)
    }

    @Test func damagedConfigsGetOneLineNamingTheProblem() throws {
        let base = try String(contentsOfFile: repositoryRoot + "/pipeline.yaml", encoding: .utf8)
        let directory = temporaryDirectory("fuzz-config")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var random = RandomStream(seed: 5, stage: .evaluate, iteration: 0, index: 1)
        let junk = Array(":{}[]-#&*!|>'\"%@`,?\t 0.5e-x\n")
        for trial in 0..<150 {
            var characters = Array(base)
            for _ in 0..<(1 + random.nextInt(below: 4)) {
                let position = random.nextInt(below: characters.count)
                switch random.nextInt(below: 3) {
                case 0: characters.remove(at: position)
                case 1: characters.insert(junk[random.nextInt(below: junk.count)], at: position)
                default: characters[position] = junk[random.nextInt(below: junk.count)]
                }
            }
            let path = directory + "/c\(trial).yaml"
            #expect(FileManager.default.createFile(atPath: path, contents: Data(String(characters).utf8)))
            let outcome = try launch("dag", ["--config", path])
            #expect(!outcome.signaled, "dag died by a signal on config \(trial)")
            if outcome.status != 0 {
                #expect(outcome.output.split(separator: "\n").count == 1 && outcome.output.contains(path), "config \(trial): \(outcome.output)")
            }
        }
    }
}
