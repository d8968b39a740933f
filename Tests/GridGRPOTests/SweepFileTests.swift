import Foundation
import Testing
@testable import GridGRPO

/// Sweep files: strict validation with one-line errors naming the sweep file
/// and the axis or setting, the expansion into runs, and run naming.
@Suite("Sweep files")
struct SweepFileTests {
    /// A sweep file and a tiny base config in a temporary directory.
    struct Fixture {
        let root = temporaryDirectory("sweep-file")
        var base: String { root + "/tiny.yaml" }

        init() {
            _ = FileManager.default.createFile(atPath: root + "/tiny.yaml", contents: Data(EndToEndTests.tinyConfig.utf8))
            _ = FileManager.default.createFile(atPath: root + "/grpo.yaml", contents: Data(EndToEndTests.tinyGRPOConfig.utf8))
        }

        func plan(_ text: String) throws -> SweepPlan {
            let path = root + "/s.yaml"
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            return try SweepPlan.expand(try SweepFile.load(path: path), directory: root + "/out")
        }

        /// The one-line error expanding `text` gives.
        func error(_ text: String) -> String {
            do {
                _ = try plan(text)
                return "no error"
            } catch {
                return String(describing: error)
            }
        }
    }

    @Test func axesAndSettingsExpandIntoNamedRunsWithValidatedConfigs() throws {
        let fixture = Fixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.root) }
        let plan = try fixture.plan("""
        name: grid
        base: \(fixture.base)
        seeds: [3, 7]
        axes:
          rollout.pairs: [32, 64]
          update.clip_epsilon: [0.1]
          grpo.clip_epsilon: [0.3]
        settings:
          - label: blog
          - config: \(fixture.root)/grpo.yaml
            set: {grpo.learning_rate: 0.02}
        """)
        #expect(plan.settings.map(\.name) == [
            "blog/pairs-32/update.clip_epsilon-0.1/grpo.clip_epsilon-0.3",
            "blog/pairs-64/update.clip_epsilon-0.1/grpo.clip_epsilon-0.3",
            "grpo/learning_rate-0.02/pairs-32/update.clip_epsilon-0.1/grpo.clip_epsilon-0.3",
            "grpo/learning_rate-0.02/pairs-64/update.clip_epsilon-0.1/grpo.clip_epsilon-0.3",
        ])
        #expect(plan.runs.count == 8)
        let run = plan.runs[5]
        #expect(run.relativePath == "grpo/learning_rate-0.02/pairs-32/update.clip_epsilon-0.1/grpo.clip_epsilon-0.3/seed-7")
        #expect(run.directory == fixture.root + "/out/" + run.relativePath)
        #expect(run.config.seed == 7 && run.config.algorithm == .grpo && run.config.rollout.pairs == 32)
        #expect(run.config.grpo.learningRate == 0.02 && run.config.grpo.clipEpsilon == 0.3 && run.config.update.clipEpsilon == 0.1)
        // the rest comes from the setting's base file
        #expect(run.config.grpo.referenceRefresh == 4 && run.config.iterations == 8)
        // the written text is the config the strict reader gives
        #expect(try PipelineConfig.parse(run.configText) == run.config)
        #expect(plan.runs.allSatisfy { RunNaming.isSafePath($0.directory) })
        #expect(plan.settings[2].values.map(\.key) == ["grpo.learning_rate", "rollout.pairs", "update.clip_epsilon", "grpo.clip_epsilon"])
    }

    @Test func errorsNameTheSweepFileAndTheAxisOrSetting() {
        let fixture = Fixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.root) }
        let file = fixture.root + "/s.yaml"
        let head = "name: bad\nbase: \(fixture.base)\nseeds: [0]\n"
        let cases: [(String, String)] = [
            (head + "axis:\n  rollout.pairs: [1]\n", "\(file): unknown key 'axis' (allowed: name, description, base, seeds, axes, settings, figures, bootstrap)"),
            (head + "axes:\n  rollout.pairs: [0, 64]\n", "\(file): axis 'rollout.pairs' = 0: key 'rollout.pairs' is 0, outside the allowed range"),
            (head + "axes:\n  update.epoch: [2]\n", "\(file): axis 'update.epoch' = 2: unknown key 'update.epoch'"),
            (head + "axes:\n  algorithm: [preference, ppo]\n", "\(file): axis 'algorithm' = ppo:"),
            (head + "axes:\n  rollout.pairs: []\n", "\(file): axis 'rollout.pairs': its values must be a non-empty list"),
            (head + "axes:\n  rollout.pairs: [8, 8]\n", "\(file): axis 'rollout.pairs': the value 8 appears twice"),
            (head + "axes:\n  seed: [1, 2]\n", "\(file): axes: 'seed' is given by the sweep's 'seeds'"),
            (head + "axes:\n  Rollout.Pairs: [1]\n", "\(file): axes: 'Rollout.Pairs' is not a config key"),
            (head + "settings:\n  - lable: x\n", "\(file): settings[0]: unknown key 'lable' (allowed: label, config, set)"),
            (head + "settings:\n  - label: a\n  - set: {update.epochs: 0}\n", "\(file): settings[1]: 'update.epochs' = 0: key 'update.epochs' is 0, outside the allowed range"),
            (head + "settings:\n  - config: nowhere.yaml\n", "\(file): settings[0]: nowhere.yaml: no such config file"),
            (head + "settings:\n  - label: a b\n", "\(file): settings[0]: label 'a b' may hold only letters, digits"),
            (head + "settings:\n  - label: x\n  - label: x\n", "would share the directory 'x'"),
            (head + "settings:\n  - label: seed-1\n", "\(file): settings[0]: the directory name 'seed-1' starts with 'seed-'"),
            (head + "axes:\n  rollout.pairs: [8]\nsettings:\n  - set: {rollout.pairs: 16}\n", "\(file): settings[0]: 'rollout.pairs' is also an axis"),
            // a combination the reader refuses: 4 pairs but minibatches of 8
            (head + "axes:\n  rollout.pairs: [4]\n", "\(file): axis 'rollout.pairs' = 4: key 'update.minibatch_episodes' is 8, but only rollout.pairs = 4"),
            ("name: bad\nbase: \(fixture.base)\n", "\(file): missing key 'seeds'"),
            ("name: a/b\nseeds: [0]\n", "\(file): key 'name' must be letters, digits"),
            (head + "bootstrap: {replicates: 5}\n", "\(file): key 'bootstrap.replicates' must be a whole number in 100...100000"),
            (head + "figures: maybe\n", "\(file): key 'figures' must be true or false"),
            ("name: x\nbase: \(fixture.base)\nseeds: [1, 1]\n", "\(file): key 'seeds' lists a seed twice"),
            ("name: x\nbase: \(fixture.base)\nseeds: {from: 5, to: 2}\n", "\(file): key 'seeds': {from: A, to: B} needs whole numbers"),
            ("name: x\nseeds: [0]\nbase: [", "\(file): not valid YAML"),
        ]
        for (text, expected) in cases {
            let message = fixture.error(text)
            #expect(message.contains(expected), "\(text)\n→ \(message)")
            #expect(!message.contains("\n"), "not one line: \(message)")
        }
    }

    /// Every sweep file shipped in sweeps/ reads and expands: each run's config
    /// passes the strict reader (paths resolved from the repository root, as
    /// make runs them).
    @Test func everyShippedSweepExpands() throws {
        let directory = repositoryRoot + "/sweeps"
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }.sorted()
        // settings per file: the three methods; the labeller, its variants and GRPO;
        // the three methods and the blog's method with same-start pairs, annealed, and with the entropy bonus;
        // same-start pairs on the three worlds
        let settings = ["compare.yaml": 3, "four_rooms.yaml": 6, "label-efficiency.yaml": 5, "lava_gap.yaml": 6, "maze.yaml": 6,
                        "same-start-long.yaml": 3]
        #expect(files == settings.keys.sorted())
        for file in files {
            let plan = try Self.shippedPlan(file)
            #expect(plan.sweep.name + ".yaml" == file)
            #expect(plan.sweep.seeds == [0, 1, 2, 3, 4])
            #expect(plan.runs.count == plan.settings.count * 5 && plan.settings.count == settings[file], "sweeps/\(file)")
        }
    }

    /// The world sweeps: the tuned method (`blog-entropy`) is the world
    /// config as it is, and `blog-annealed` that config without its entropy
    /// bonus (on four_rooms at its earlier 300 iterations); the blog's method as the blog runs it is that config with its
    /// pairing, a constant rate, no bonus and 60 iterations, and same-start
    /// pairs differ from it in the pairing alone; the GRPO settings are the
    /// world config with the algorithm and the method's defining keys as
    /// configs/grpo.yaml and configs/drgrpo.yaml define them (so the sweep's
    /// overrides cannot drift from those files), at a constant rate.
    @Test(arguments: ["four_rooms", "maze", "lava_gap"])
    func worldSweepsCompareTheThreeMethodsOnTheWorldConfig(world: String) throws {
        let plan = try Self.shippedPlan(world + ".yaml")
        #expect(plan.settings.map(\.name) == ["blog", "grpo", "drgrpo", "blog-same-start", "blog-annealed", "blog-entropy"])
        let tuned = try PipelineConfig.load(path: repositoryRoot + "/configs/\(world).yaml")
        #expect(tuned.rollout.pairing == .sameStart && tuned.update.learningRateSchedule == .linear)
        #expect(tuned.update.entropyCoefficient > 0)
        var base = tuned
        base.update.entropyCoefficient = 0
        let methods = [("grpo", try PipelineConfig.load(path: repositoryRoot + "/configs/grpo.yaml")),
                       ("drgrpo", try PipelineConfig.load(path: repositoryRoot + "/configs/drgrpo.yaml"))]
        for run in plan.runs {
            var expected = base
            expected.seed = run.seed
            let setting = plan.settings[run.setting].name
            if setting == "blog-entropy" {
                expected.update.entropyCoefficient = tuned.update.entropyCoefficient
                #expect(run.config == expected, "\(world): \(run.relativePath)")
                continue
            }
            #expect(run.config.update.entropyCoefficient == 0, "\(world): \(run.relativePath)")
            #expect(run.config.environment == base.environment && run.config.network == base.network, "\(world): \(run.relativePath)")
            if setting == "blog-annealed" {
                // four_rooms keeps the budget it ran with before the bonus (300)
                expected.iterations = world == "four_rooms" ? 300 : tuned.iterations
                #expect(run.config == expected, "\(world): \(run.relativePath)")
                continue
            }
            #expect(run.config.update.learningRateSchedule == .constant, "\(world): \(run.relativePath)")
            expected.update.learningRateSchedule = .constant
            expected.iterations = 60
            if setting == "blog" || setting == "blog-same-start" {
                expected.rollout.pairing = setting == "blog" ? .independent : .sameStart
                #expect(run.config == expected, "\(world): \(run.relativePath)")
                continue
            }
            #expect(run.config.rollout.pairing == .independent && run.config.iterations == 200, "\(world): \(run.relativePath)")
            let method = try #require(methods.first { $0.0 == setting }?.1)
            let grpo = run.config.grpo
            #expect(run.config.algorithm == .grpo && method.algorithm == .grpo)
            #expect(grpo.scale == method.grpo.scale && grpo.lossAggregation == method.grpo.lossAggregation, "\(world): \(run.relativePath)")
            #expect(grpo.klBeta == method.grpo.klBeta && grpo.learningRate == method.grpo.learningRate, "\(world): \(run.relativePath)")
            #expect(grpo.clipEpsilon == method.grpo.clipEpsilon && grpo.clipEpsilonHigh == method.grpo.clipEpsilonHigh)
            #expect(grpo.innerEpochs == method.grpo.innerEpochs && grpo.referenceRefresh == method.grpo.referenceRefresh)
            // the batch is the world config's
            #expect(grpo.groupSize == base.grpo.groupSize && grpo.groupsPerIteration == base.grpo.groupsPerIteration)
            #expect(grpo.minibatchGroups == base.grpo.minibatchGroups)
        }
    }

    /// A shipped sweep file expanded with its config paths taken from the repository root.
    static func shippedPlan(_ file: String) throws -> SweepPlan {
        var sweep = try SweepFile.load(path: repositoryRoot + "/sweeps/" + file)
        sweep.base = repositoryRoot + "/" + sweep.base
        for index in sweep.settings.indices {
            if let config = sweep.settings[index].config { sweep.settings[index].config = repositoryRoot + "/" + config }
        }
        return try SweepPlan.expand(sweep, directory: "artifacts/sweeps/" + sweep.name)
    }

    @Test func runNamesAreReadableAndSafeForMake() {
        // the last part of a key when unique, the whole key when two keys end alike
        let short = RunNaming.shortKeys(["rollout.pairs", "update.clip_epsilon", "grpo.clip_epsilon", "algorithm"])
        #expect(short == ["rollout.pairs": "pairs", "update.clip_epsilon": "update.clip_epsilon",
                          "grpo.clip_epsilon": "grpo.clip_epsilon", "algorithm": "algorithm"])
        #expect(RunNaming.component(key: "update.adam_epsilon", value: "1.0e-8", short: [:]) == "update.adam_epsilon-1.0e-8")
        // characters make would refuse become _
        #expect(RunNaming.sanitize("a b$c'd/e") == "a_b_c_d_e")
        #expect(RunNaming.stem("configs/drgrpo.yaml") == "drgrpo")
        #expect(RunNaming.runPath(setting: "grpo/pairs-64", seed: 12) == "grpo/pairs-64/seed-12")
        #expect(RunNaming.isSafePath("artifacts/sweeps/x/grpo+kl/seed-1"))
        #expect(!RunNaming.isSafePath("artifacts/a b") && !RunNaming.isSafePath("x;rm") && !RunNaming.isSafePath(""))
        #expect(RunNaming.reservedReason("iter-0001") != nil && RunNaming.reservedReason("params") != nil && RunNaming.reservedReason("grpo") == nil)
    }

    @Test func aSettingWithNothingToNameItIsBaseAndSeedRangesExpand() throws {
        let fixture = Fixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.root) }
        let plan = try fixture.plan("name: seeds\nbase: \(fixture.base)\nseeds: {from: 10, to: 14}\n")
        #expect(plan.runs.map(\.relativePath) == (10...14).map { "base/seed-\($0)" })
        #expect(plan.sweep.bootstrap == Bootstrap.Settings(replicates: 2000, seed: 0, confidence: 0.95))
        #expect(!plan.sweep.figures)
    }

    @Test func configsAreWrittenOnlyWhenTheirBytesChange() throws {
        let fixture = Fixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.root) }
        let text = "name: w\nbase: \(fixture.base)\nseeds: [0, 1]\naxes:\n  rollout.pairs: [32, 64]\n"
        let plan = try fixture.plan(text)
        #expect(try plan.writeConfigs().count == 4)
        let path = plan.runs[0].directory + "/config.yaml"
        let before = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        Thread.sleep(forTimeInterval: 0.02)
        #expect(try plan.writeConfigs().isEmpty)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date == before)
        // one value changes: only the runs it touches are rewritten
        let changed = try fixture.plan(text.replacingOccurrences(of: "[32, 64]", with: "[32, 48]"))
        #expect(try changed.writeConfigs().map(\.relativePath) == ["pairs-48/seed-0", "pairs-48/seed-1"])
    }
}
