import Foundation
import Testing
@testable import GridGRPO
import GridGRPOPlot

/// Runs that learn the reward from labels, through the real Makefile and
/// the real executables: a simulated labeller on a 3×3 grid, and a person
/// labelling by hand in a real terminal (tmux).
@Suite("End to end: learning from preferences", .serialized)
struct PreferenceEndToEndTests {
    let e2e = EndToEndTests()

    static let labellerConfig = EndToEndTests.tinyConfig.replacingOccurrences(of: "iterations: 8", with: "iterations: 12") + """
    preference: {source: labeller, rationality: 50, error_rate: 0.1, labels_per_iteration: 20, selection: disagreement}

    """

    @Test func aLabellerRunReachesTheOptimumFromLabelsAloneAndIsByteIdentical() throws {
        let root = temporaryDirectory("e2e-labeller")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = e2e.writeConfig(Self.labellerConfig, in: root)
        let first = try e2e.make([], artifacts: root + "/a", config: config)
        #expect(first.status == 0, "\(first.output)")
        let files = e2e.files(in: root + "/a")
        for name in ["iter-0001/labels.h5", "iter-0008/reward.h5", "figures/reward_map.png", "figures/preferences.png",
                     "params/label.json", "params/reward.json"] {
            #expect(files[name] != nil, "\(name) missing")
        }
        let parsed = try PipelineConfig.load(path: config)
        let best = try ArtifactSchema.readBest(path: root + "/a/best.h5", config: parsed)
        #expect(best.best.summary.allOptimal, "the greedy policy is optimal from all 72 configurations")
        let history = try PreferenceHistory(config: parsed, evaluationPaths: (0...12).map { root + "/a/" + StageGraph.iterationDirectory($0) + "/eval.h5" },
                                            rewardPaths: [])
        let reached = try #require(history.labelsToOptimum)
        #expect(reached.labels <= 200 && reached.labels == 20 * reached.iteration, "optimal after \(reached.labels) labels")
        #expect(try Inspector.verify(runDirectory: root + "/a").problems.isEmpty)

        let second = try e2e.make(["-j2"], artifacts: root + "/b", config: config)
        #expect(second.status == 0, "\(second.output)")
        #expect(e2e.differences(e2e.deterministicFiles(in: root + "/b"), e2e.deterministicFiles(in: root + "/a")).isEmpty)

        // the label and reward stages write the same bytes on one thread as on three
        for stage in [Stage.label, .reward] {
            for threads in [1, 3] {
                var run = StageInvocation(stage: stage, iteration: 5, config: parsed, directory: root + "/a",
                                          output: root + "/\(stage.rawValue)-\(threads).h5")
                run.threads = threads
                _ = try run.run()
            }
            #expect(FileManager.default.contents(atPath: root + "/\(stage.rawValue)-1.h5") == files["iter-0005/\(stage.outputKind(for: .preference) == .labels ? "labels" : "reward").h5"])
            #expect(FileManager.default.contents(atPath: root + "/\(stage.rawValue)-3.h5") == FileManager.default.contents(atPath: root + "/\(stage.rawValue)-1.h5"))
        }

        // switching back to the blog's return source prunes labels and reward models
        let plain = e2e.writeConfig(EndToEndTests.tinyConfig, in: root)
        #expect(try e2e.make([], artifacts: root + "/a", config: plain).status == 0)
        #expect(!e2e.files(in: root + "/a").keys.contains { $0.hasSuffix("labels.h5") || $0.hasSuffix("reward.h5") || $0.hasSuffix("label.json") })
    }

    // MARK: labelling by hand, in tmux

    static let byHandConfig = EndToEndTests.tinyConfig.replacingOccurrences(of: "iterations: 8", with: "iterations: 2") + """
    preference: {source: file, labels_per_iteration: 3}

    """

    /// A tmux server of the test's own (`-L`), so nothing else's sessions are touched.
    struct Terminal {
        let socket = "gridgrpo-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let session = "label"
        let log = temporaryDirectory("tmux") + "/output.txt"

        /// Runs tmux with its output in a file and waits for that very
        /// process: under Foundation's Process the client `tmux new-session`
        /// leaves behind was seen never to be reaped, and the test hung.
        func tmux(_ arguments: [String]) throws -> String {
            var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
            let argv = (["tmux", "-L", socket] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            // The test runs on a dispatch worker thread, which blocks signals;
            // tmux must start with none blocked and every handler at its default.
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var none = sigset_t(), all = sigset_t()
            sigemptyset(&none)
            sigfillset(&all)
            posix_spawnattr_setsigmask(&attributes, &none)
            posix_spawnattr_setsigdefault(&attributes, &all)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
            var pid: pid_t = 0
            guard posix_spawnp(&pid, "tmux", &actions, &attributes, argv, environ) == 0 else { throw GridGRPOError("cannot start tmux") }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        }

        func start(_ command: String) throws {
            let said = try tmux(["new-session", "-d", "-s", session, "-x", "200", "-y", "100", command + "; echo EXIT-$?; sleep 600"])
            if !said.isEmpty { throw GridGRPOError("tmux new-session: \(said)") }
        }

        func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", session, "-S", "-3000"]) }

        /// Waits until the screen shows `text` `count` times, up to 60 s.
        func wait(for text: String, count: Int = 1) throws -> String {
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                let shown = try screen()
                if shown.components(separatedBy: text).count - 1 >= count { return shown }
                Thread.sleep(forTimeInterval: 0.1)
            }
            return try screen()
        }

        func type(_ line: String) throws { _ = try tmux(["send-keys", "-t", session, line, "Enter"]) }
        func stop() {
            _ = try? tmux(["kill-server"])
            try? FileManager.default.removeItem(atPath: (log as NSString).deletingLastPathComponent)
        }
    }

    func labelByHand(iteration: Int, root: String, config: String, answers: [String], prompts: Int) throws -> String {
        let terminal = Terminal()
        defer { terminal.stop() }
        let make = ["make", "--no-print-directory", "-C", repositoryRoot, "CONFIG=\(config)", "ARTIFACTS=\(root)/a",
                    "BIN=\(EndToEndTests.binaries)", "BUILD_STAMP=", "label-by-hand", "ITER=\(iteration)"].joined(separator: " ")
        try terminal.start(make)
        _ = try terminal.wait(for: "Which is better?")
        for (index, answer) in answers.enumerated() {
            try terminal.type(answer)
            _ = try terminal.wait(for: "Which is better?", count: min(index + 2, prompts))
        }
        return try terminal.wait(for: "EXIT-")
    }

    @Test func aPersonLabelsInATerminalAndTheLabelsSurviveReruns() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            Issue.record("tmux is not installed: the hand-labelling test needs a real terminal")
            return
        }
        let root = temporaryDirectory("e2e-hand")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = e2e.writeConfig(Self.byHandConfig, in: root)
        let hand1 = root + "/a/hand/labels-0001.h5", hand2 = root + "/a/hand/labels-0002.h5"

        // the run stops where a person's labels are needed, naming the command
        let stopped = try e2e.make([], artifacts: root + "/a", config: config)
        #expect(stopped.status != 0 && stopped.output.contains("\(hand1): no labels by a person for iteration 0001")
                && stopped.output.contains("make label-by-hand ITER=0001"), "\(stopped.output)")

        // iteration 1: not an answer, then 1, skip, 2, = (the budget of 3 ends it)
        let first = try labelByHand(iteration: 1, root: root, config: config, answers: ["maybe", "1", "s", "2", "="], prompts: 5)
        #expect(first.contains("Episode 1:") && first.contains("Episode 2:") && first.contains("Start") && first.contains("Agent chooses"), "\(first)")
        #expect(first.contains("'maybe' is not an answer.") && first.contains("done: 3 answers") && first.contains("EXIT-0"), "\(first)")
        let parsed = try PipelineConfig.load(path: config)
        let (labels, info, _) = try ArtifactSchema.readLabels(path: hand1, config: parsed)
        #expect(labels.preferences == [1, 0, 0.5] && labels.byPerson == [true, true, true] && info.typed && info.answeredBy == "person")

        // the run goes on to iteration 2's labels; there the person answers once and quits
        let next = try e2e.make([], artifacts: root + "/a", config: config)
        #expect(next.status != 0 && next.output.contains("\(hand2): no labels by a person"), "\(next.output)")
        let second = try labelByHand(iteration: 2, root: root, config: config, answers: ["2", "q"], prompts: 2)
        #expect(second.contains("quit: keeping 1 answer") && second.contains("EXIT-0"), "\(second)")
        let finished = try e2e.make([], artifacts: root + "/a", config: config)
        #expect(finished.status == 0, "\(finished.output)")
        let (all, allInfo, _) = try ArtifactSchema.readLabels(path: root + "/a/iter-0002/labels.h5", config: parsed)
        #expect(all.preferences == [1, 0, 0.5, 0] && all.byPerson.allSatisfy { $0 } && allInfo.answeredBy == "person" && !allInfo.typed)
        #expect(try ArtifactSchema.readEvaluationLabels(path: root + "/a/iter-0002/eval.h5", config: parsed).labels?.personLabels == 4)
        #expect(try Inspector.verify(runDirectory: root + "/a").problems.isEmpty)

        // reruns never touch a person's labels: the label stage by name, a
        // whole run, another session at the terminal, the simulated labeller
        let typed = [hand1, hand2].map { FileManager.default.contents(atPath: $0) }
        let rerun = try e2e.make(["label", "ITER=1"], artifacts: root + "/a", config: config)
        #expect(rerun.status == 0, "\(rerun.output)")
        #expect(try e2e.make([], artifacts: root + "/a", config: config).status == 0)
        let again = try e2e.make(["label-by-hand", "ITER=1"], artifacts: root + "/a", config: config)
        #expect(again.status != 0 && again.output.contains("\(hand1): holds 3 labels a person typed"), "\(again.output)")
        var simulated = StageInvocation(stage: .label, iteration: 1, config: parsed, directory: root + "/a", output: hand1)
        simulated.inputs.removeAll { $0.role == .hand }
        let labeller = try runProcess(EndToEndTests.binaries + "/label", simulated.arguments)
        #expect(labeller.status == 1 && labeller.output.contains("\(hand1): holds 3 labels a person typed"), "\(labeller.output)")
        #expect(try e2e.make(["clean"], artifacts: root + "/a", config: config).status == 0)
        #expect([hand1, hand2].map { FileManager.default.contents(atPath: $0) } == typed)
    }
}
