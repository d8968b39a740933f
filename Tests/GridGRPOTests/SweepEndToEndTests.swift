import Foundation
import Testing
@testable import GridGRPO
import GridGRPOPlot

/// A small sweep of tiny 3×3 runs (the blog's method and GRPO, two seeds)
/// in a temporary directory, run through the real Makefile.
struct SweepFixture {
    let root: String
    let sweep: String
    let e2e = EndToEndTests()

    init(_ name: String, seeds: String = "[1, 2]", extra: String = "") {
        root = temporaryDirectory(name)
        let tiny = EndToEndTests.tinyConfig.replacingOccurrences(of: "iterations: 8", with: "iterations: 4")
        let grpo = EndToEndTests.tinyGRPOConfig.replacingOccurrences(of: "iterations: 8", with: "iterations: 3")
        _ = FileManager.default.createFile(atPath: root + "/tiny.yaml", contents: Data(tiny.utf8))
        _ = FileManager.default.createFile(atPath: root + "/tiny-grpo.yaml", contents: Data(grpo.utf8))
        sweep = root + "/tiny-sweep.yaml"
        _ = FileManager.default.createFile(atPath: sweep, contents: Data("""
        name: tiny
        base: \(root)/tiny.yaml
        seeds: \(seeds)
        settings:
          - label: blog
          - label: grpo
            config: \(root)/tiny-grpo.yaml
        bootstrap: {replicates: 500}
        \(extra)
        """.utf8))
    }

    /// make with the test's binaries, no build step, the sweep and its directory.
    func make(_ arguments: [String], directory: String, environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        try runProcess("/usr/bin/env", ["make", "--no-print-directory", "-C", repositoryRoot, "SWEEP=\(sweep)", "SWEEP_DIR=\(directory)",
                                        "BIN=\(EndToEndTests.binaries)", "BUILD_STAMP="] + arguments, environment: environment)
    }

    func plan(_ directory: String) throws -> SweepPlan {
        try SweepPlan.expand(try SweepFile.load(path: sweep), directory: directory)
    }

    /// A run's files that must be the same bytes wherever and however it
    /// ran: everything but make's own files, the log of wall times and the
    /// report that quotes them.
    func artifacts(of run: String) -> [String: Data] {
        e2e.deterministicFiles(in: run).filter { !$0.key.hasSuffix(".mk") && $0.key != ".make.lock" }
    }

    /// The aggregate's numbers but the measured seconds, as text.
    func aggregateWithoutSeconds(_ directory: String) throws -> String {
        try withHDF5 {
            let reader = try HDF5Reader(path: directory + "/" + SweepAggregateFiles.data)
            var lines: [String] = []
            let runs = try reader.root.openGroup("runs")
            for name in runs.memberNames().sorted() where name != RunOutcome.Metric.seconds.rawValue {
                lines.append("runs/\(name): \(try runs.readAsDouble(name, atMost: 1_000_000))")
            }
            let settings = try reader.root.openGroup("settings")
            for setting in settings.memberNames().sorted() {
                let group = try settings.openGroup(setting)
                lines.append("\(setting): \(try group.attributeText("name")) \(try group.attributeText("reached"))/\(try group.attributeText("runs"))")
                for member in group.memberNames().sorted() where member != RunOutcome.Metric.seconds.rawValue {
                    if case .group(let metric) = try group.member(member) {
                        lines.append("\(setting)/\(member): " + (try metric.attributeNames().sorted().map { "\($0)=\(try metric.attributeText($0))" }.joined(separator: " ")))
                    } else {
                        lines.append("\(setting)/\(member): \(try group.readAsDouble(member, atMost: 1_000_000))")
                    }
                }
            }
            let improvement = try reader.root.openGroup("improvement")
            lines.append("improvement: \(try improvement.readAsDouble("estimate", atMost: 1_000_000)) \(try improvement.readAsDouble("low", atMost: 1_000_000)) \(try improvement.readAsDouble("high", atMost: 1_000_000))")
            return lines.joined(separator: "\n")
        }
    }
}

@Suite("Sweeps end to end: make sweep and the real executables", .serialized)
struct SweepEndToEndTests {
    @Test func aLocalSweepRunsEveryRunInOneMakeAndAggregates() throws {
        let fixture = SweepFixture("sweep-local")
        defer { try? FileManager.default.removeItem(atPath: fixture.root) }
        let directory = fixture.root + "/a"
        let first = try fixture.make(["sweep", "-j2"], directory: directory)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("aggregate  tiny: 4 runs, 2 settings"), "\(first.output)")
        let plan = try fixture.plan(directory)
        #expect(plan.runs.map(\.relativePath) == ["blog/seed-1", "blog/seed-2", "grpo/seed-1", "grpo/seed-2"])
        for file in [SweepAggregateFiles.data, SweepAggregateFiles.figure, SweepAggregateFiles.table] {
            #expect(FileManager.default.fileExists(atPath: directory + "/" + file), "\(file)")
        }
        let table = try String(contentsOfFile: directory + "/" + SweepAggregateFiles.table, encoding: .utf8)
        #expect(table.contains("| blog | ") && table.contains("| grpo | ") && table.contains("Probability of improvement"))
        #expect(try DecodedPNG(path: directory + "/" + SweepAggregateFiles.figure).text["gridgrpo.figure"] == "sweep")

        // Every run is an ordinary, finished run: its own config, verifiable,
        // and `make ARTIFACTS=RUN` (no CONFIG) only adds its figures.
        let run = plan.runs[2]
        #expect(try String(contentsOfFile: run.directory + "/config.yaml", encoding: .utf8) == run.configText)
        #expect(try Inspector.verify(runDirectory: run.directory).problems.isEmpty)
        let ordinary = try runProcess("/usr/bin/env", ["make", "--no-print-directory", "-C", repositoryRoot, "ARTIFACTS=\(run.directory)",
                                                       "BIN=\(EndToEndTests.binaries)", "BUILD_STAMP="])
        #expect(ordinary.status == 0, "\(ordinary.output)")
        #expect(!ordinary.output.contains("iter-0"), "no stage reran: \(ordinary.output)")
        #expect(ordinary.output.contains("(config \(run.directory)/config.yaml)"), "\(ordinary.output)")
        #expect(FileManager.default.fileExists(atPath: run.directory + "/report.html"))

        // The same run made on its own, elsewhere, is the same bytes.
        let alone = try fixture.e2e.make([fixture.root + "/alone/best.h5"], artifacts: fixture.root + "/alone", config: run.directory + "/config.yaml")
        #expect(alone.status == 0, "\(alone.output)")
        let mine = fixture.artifacts(of: run.directory).filter { !$0.key.hasPrefix("figures/") }
        #expect(fixture.e2e.differences(fixture.artifacts(of: fixture.root + "/alone"), mine).isEmpty)

        // Nothing to do the second time; status reads the runs' own files.
        let again = try fixture.make(["sweep"], directory: directory)
        #expect(again.status == 0 && !again.output.contains("iter-0") && !again.output.contains("aggregate "), "\(again.output)")
        let status = try fixture.make(["sweep-status"], directory: directory)
        #expect(status.status == 0 && status.output.contains("4 runs in \(directory)/: 4 done"), "\(status.output)")
        #expect(status.output.contains("blog/seed-1") && status.output.contains("done ("), "\(status.output)")

        // One more seed: only its runs are made, the others are not touched.
        let before = try FileManager.default.attributesOfItem(atPath: plan.runs[0].directory + "/best.h5")[.modificationDate] as? Date
        let text = try String(contentsOfFile: fixture.sweep, encoding: .utf8).replacingOccurrences(of: "seeds: [1, 2]", with: "seeds: [1, 2, 3]")
        try text.write(toFile: fixture.sweep, atomically: true, encoding: .utf8)
        let grown = try fixture.make(["sweep", "V=1"], directory: directory)
        #expect(grown.status == 0, "\(grown.output)")
        let commands = grown.output.split(separator: "\n").filter { $0.contains(" --config ") }
        #expect(!commands.isEmpty && commands.allSatisfy { $0.contains("/seed-3/") }, "\(grown.output)")
        #expect(try FileManager.default.attributesOfItem(atPath: plan.runs[0].directory + "/best.h5")[.modificationDate] as? Date == before)
        #expect(grown.output.contains("aggregate  tiny: 6 runs"), "\(grown.output)")
    }

    @Test func sweepStatusShowsRunsNotStartedAndAStoppedOne() throws {
        let fixture = SweepFixture("sweep-status", seeds: "[1]")
        defer { try? FileManager.default.removeItem(atPath: fixture.root) }
        let directory = fixture.root + "/a"
        let plan = try fixture.plan(directory)
        try plan.writeConfigs()
        // one run made up to its third iteration's evaluation, as if interrupted
        let run = plan.runs[0]
        let partial = try fixture.e2e.make([run.directory + "/iter-0003/eval.h5"], artifacts: run.directory, config: run.directory + "/config.yaml")
        #expect(partial.status == 0, "\(partial.output)")
        let status = try fixture.make(["sweep-status"], directory: directory)
        #expect(status.output.contains("blog/seed-1  stopped (iteration 3 of 4)"), "\(status.output)")
        #expect(status.output.contains("grpo/seed-1  not started"), "\(status.output)")
        #expect(status.output.contains("1 stopped, 1 not started"), "\(status.output)")
        // a bad sweep file: one line naming it
        let bad = try runProcess("/usr/bin/env", ["make", "--no-print-directory", "-C", repositoryRoot, "sweep", "SWEEP=\(fixture.root)/nope.yaml",
                                                  "SWEEP_DIR=\(fixture.root)/nope", "BIN=\(EndToEndTests.binaries)", "BUILD_STAMP="])
        #expect(bad.status != 0 && bad.output.contains("\(fixture.root)/nope.yaml: no such sweep file"), "\(bad.output)")
    }
}
