import Foundation
import Testing
@testable import GridGRPO

/// What make promises under edits, signals and odd arguments: an edited run
/// ends byte-identical to a fresh run of the final config, killing make stops
/// the whole run, and a path or ITER make cannot pass safely is refused before
/// anything runs.
@Suite("make under edits, signals and hostile arguments", .serialized)
struct MakeHardeningTests {
    let e2e = EndToEndTests()

    /// Lowering `iterations` or switching `algorithm` in a finished run lands
    /// on exactly the files of a fresh run of the new config: no iteration or
    /// stage of the old config leaks into the results, and verify is green.
    @Test func editedRunsEndAsFreshRunsOfTheFinalConfig() throws {
        let root = temporaryDirectory("edits")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let long = e2e.writeConfig(EndToEndTests.tinyConfig, in: root)
        #expect(try e2e.make([], artifacts: root + "/a", config: long).status == 0)

        for (name, edit) in [("shorter", ("iterations: 8", "iterations: 3")),
                             ("grpo", ("iterations: 8", "iterations: 3\nalgorithm: grpo\ngrpo: {groups_per_iteration: 8, minibatch_groups: 4}"))] {
            let path = root + "/\(name).yaml"
            let text = EndToEndTests.tinyConfig.replacingOccurrences(of: edit.0, with: edit.1)
            #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
            let edited = try e2e.make([], artifacts: root + "/a", config: path)
            #expect(edited.status == 0, "\(edited.output)")
            #expect(try e2e.make([], artifacts: root + "/fresh-\(name)", config: path).status == 0)
            let differences = e2e.differences(e2e.deterministicFiles(in: root + "/fresh-\(name)"), e2e.deterministicFiles(in: root + "/a"))
            #expect(differences.isEmpty, "\(name): \(differences)")
            #expect(try Inspector.verify(runDirectory: root + "/a").problems.isEmpty)
        }
    }

    /// SIGTERM to the make a user started stops the inner make and the stage
    /// it runs: nothing goes on writing the run in the background.
    @Test func terminatingMakeStopsTheWholeRun() throws {
        let root = temporaryDirectory("term")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = e2e.writeConfig(EndToEndTests.tinyConfig.replacingOccurrences(of: "iterations: 8", with: "iterations: 200"), in: root)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/make")
        process.arguments = ["--no-print-directory", "-C", repositoryRoot, "CONFIG=\(config)", "ARTIFACTS=\(root)/a",
                             "BIN=\(EndToEndTests.binaries)", "BUILD_STAMP=", root + "/a/best.h5"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 2.0)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        Thread.sleep(forTimeInterval: 0.5)
        let before = e2e.files(in: root + "/a").keys.sorted()
        Thread.sleep(forTimeInterval: 2.0)
        #expect(e2e.files(in: root + "/a").keys.sorted() == before, "the run went on after make was terminated")
        #expect(!before.contains("best.h5"))
    }

    /// `make -n` previews a run that has no directory yet.
    @Test func dryRunOnANewDirectoryPreviews() throws {
        let root = temporaryDirectory("dry")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = e2e.writeConfig(EndToEndTests.tinyConfig, in: root)
        let preview = try e2e.make(["-n"], artifacts: root + "/new/run", config: config)
        #expect(preview.status == 0, "\(preview.output)")
        #expect(preview.output.contains("--iteration 8"), "\(preview.output)")
        #expect(!FileManager.default.fileExists(atPath: root + "/new/run/iter-0001"))
    }

    /// A path with characters the shell would read (space, $, ;, `, ') is
    /// refused in one line before any recipe runs; nothing is created and no
    /// text of it is executed.
    @Test(arguments: ["with space", "dollar$HOME", "semi;touch PWNED", "back`touch PWNED`", "quote'd", "sub$(shell touch PWNED)"])
    func unsafePathsAreRefused(name: String) throws {
        let root = temporaryDirectory("paths")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = e2e.writeConfig(EndToEndTests.tinyConfig, in: root)
        let result = try runProcess("/usr/bin/make", ["--no-print-directory", "-C", root, "-f", repositoryRoot + "/Makefile",
                                                      "CONFIG=\(config)", "ARTIFACTS=\(name)", "BIN=\(EndToEndTests.binaries)", "BUILD_STAMP="])
        #expect(result.status != 0)
        #expect(result.output.split(separator: "\n").count == 1 && result.output.contains("characters make cannot pass safely"),
                "\(result.output)")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        #expect(left == ["tiny.yaml"], "\(left)")
    }

    /// `make STAGE ITER=n` takes the folders' zero-padded numbers as decimal
    /// and refuses anything that is not an iteration of the stage.
    @Test func iterationNumbersAreDecimalAndChecked() throws {
        let root = temporaryDirectory("iter")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = e2e.writeConfig(EndToEndTests.tinyConfig, in: root)
        #expect(try e2e.make([], artifacts: root + "/a", config: config).status == 0)
        let padded = try e2e.make(["evaluate", "ITER=0008"], artifacts: root + "/a", config: config)
        #expect(padded.status == 0 && padded.output.contains("evaluate   iter-0008"), "\(padded.output)")
        let octalLooking = try e2e.make(["pair", "ITER=010"], artifacts: root + "/a", config: config)
        #expect(octalLooking.status != 0 && octalLooking.output.contains("outside 1...8"), "\(octalLooking.output)")
        for bad in ["abc", "-1", "7;ls", "", "7'; touch PWNED; '"] {
            let refused = try e2e.make(["rollout", "ITER=\(bad)"], artifacts: root + "/a", config: config)
            #expect(refused.status != 0 && (refused.output.contains("usage: make rollout ITER=n") || refused.output.contains("cannot pass safely")),
                    "\(bad): \(refused.output)")
            #expect(!FileManager.default.fileExists(atPath: repositoryRoot + "/PWNED"))
        }
        let early = try e2e.make(["rollout", "ITER=0"], artifacts: root + "/a", config: config)
        #expect(early.status != 0 && early.output.contains("outside 1...8"), "\(early.output)")
    }
}
