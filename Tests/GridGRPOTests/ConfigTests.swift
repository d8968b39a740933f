import Foundation
import Testing
@testable import GridGRPO

@Suite("pipeline.yaml validation")
struct ConfigTests {
    func error(_ yaml: String) -> String {
        do {
            _ = try PipelineConfig.parse(yaml, source: "test.yaml")
            return "no error"
        } catch let error as GridGRPOError {
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func defaultsAndValuesAreRead() throws {
        let config = try PipelineConfig.parse("seed: 7\nrollout:\n  pairs: 10\nupdate:\n  minibatch_episodes: 2\n")
        #expect(config.seed == 7 && config.rollout.pairs == 10 && config.update.minibatchEpisodes == 2)
        #expect(config.environment.gridSize == 5 && config.environment.maxSteps == 100)
        #expect(config.rollout.gamma == 0.99 && config.update.clipEpsilon == 0.2)
    }

    @Test func theShippedConfigsAreValid() throws {
        let main = try PipelineConfig.load(path: repositoryRoot + "/pipeline.yaml")
        let blog = try PipelineConfig.load(path: repositoryRoot + "/configs/blog.yaml")
        #expect(main.algorithm == .preference)
        #expect(blog.rollout.pairs == 5)
    }

    /// pipeline.yaml shows the defaults: every value in it is the default, and
    /// it writes out every top-level key and every key of each section it has.
    @Test func pipelineYAMLIsTheDefaultsWrittenOut() throws {
        let path = repositoryRoot + "/pipeline.yaml"
        #expect(try PipelineConfig.load(path: path) == PipelineConfig())
        let written = try PipelineConfig.writtenKeys(try String(contentsOfFile: path, encoding: .utf8))
        var expected: [String] = []
        for key in PipelineConfig.reference where key.keys.isEmpty || written.contains(key.name) {
            expected.append(key.name)
            // No map is the default, and YAML has no value for it: the file only mentions it in a comment.
            expected += key.keys.map { "\(key.name).\($0.name)" }.filter { $0 != "environment.map" }
        }
        #expect(Set(written) == Set(expected), "pipeline.yaml lacks \(Set(expected).subtracting(written).sorted())")
        #expect(written.count == 4 + 5 + 4 + 1 + 2 + 11 + 1 + 1)
    }

    @Test func writtenKeysListSectionsAndTheirKeys() throws {
        #expect(try PipelineConfig.writtenKeys("seed: 1\nrollout: {pairs: 3, gamma: 0.5}\ngrpo: {}\n")
                == ["seed", "rollout", "rollout.pairs", "rollout.gamma", "grpo"])
    }

    @Test func everyFileInConfigsLoads() throws {
        let directory = repositoryRoot + "/configs"
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files == ["blog.yaml", "by-hand.yaml", "drgrpo.yaml", "four_rooms.yaml", "grpo.yaml", "labeller-grpo.yaml", "labeller.yaml", "lava_gap.yaml", "maze.yaml"])
        for file in files {
            #expect(throws: Never.self, "configs/\(file)") { try PipelineConfig.load(path: directory + "/" + file) }
        }
    }

    /// configs/four_rooms.yaml, maze.yaml and lava_gap.yaml: the blog's method
    /// on the world each is named after, at least the sizes issue 11 sets
    /// (four_rooms 11×11, maze 9×9), with pipeline.yaml's PPO and network but
    /// for the batch the file's comments explain.
    @Test(arguments: [("four_rooms", GridLayout.fourRooms, 11), ("maze", .maze, 9), ("lava_gap", .lavaGap, 3)])
    func worldConfigsRunTheBlogsMethodOnTheirWorld(name: String, layout: GridLayout, minimumSize: Int) throws {
        let config = try PipelineConfig.load(path: repositoryRoot + "/configs/\(name).yaml")
        let main = try PipelineConfig.load(path: repositoryRoot + "/pipeline.yaml")
        #expect(config.algorithm == main.algorithm)
        #expect(config.environment.layout == layout && config.environment.gridSize >= minimumSize)
        #expect(config.environment.lavaPenalty == main.environment.lavaPenalty)
        #expect(config.network == main.network && config.rollout.gamma == main.rollout.gamma)
        #expect(config.update.clipEpsilon == main.update.clipEpsilon && config.update.epochs == main.update.epochs)
        #expect(config.update.policyLearningRate == main.update.policyLearningRate)
        #expect(config.update.valueLearningRate == main.update.valueLearningRate)
        // F floor cells, counted from the layout's definition, give F(F − 1)
        // start configurations, in the world of every seed the sweeps run:
        // four_rooms loses its middle row and column but for four gaps; a
        // perfect maze on an odd N has ((N+1)/2)² rooms joined by one passage
        // fewer (a tree); lava_gap loses its middle column but for one gap.
        let n = config.environment.gridSize
        let floor = switch layout {
        case .fourRooms: n * n - (2 * n - 1) + 4
        case .maze: 2 * ((n + 1) / 2) * ((n + 1) / 2) - 1
        default: n * n - n + 1
        }
        for seed in UInt64(0)...4 {
            var seeded = config
            seeded.seed = seed
            #expect(seeded.world.configurationCount == floor * (floor - 1), "configs/\(name).yaml, seed \(seed)")
        }
    }

    /// The reader takes scalars as YAML 1.1 does (what Yams' default rules
    /// would tag), without those rules' regular expressions (ConfigYAML):
    /// booleans in their six spellings, numbers only when plain, no merge keys;
    /// the canonical JSON a file records reads back as the same config.
    @Test func scalarsReadAsYAMLWouldTagThem() throws {
        for (text, value) in [("yes", true), ("On", true), ("TRUE", true), ("no", false), ("off", false), ("False", false)] {
            #expect(try PipelineConfig.parse("grpo: {drop_uniform_groups: \(text)}").grpo.dropUniformGroups == value, "\(text)")
        }
        #expect(error("grpo: {drop_uniform_groups: 'true'}") == "test.yaml: key 'grpo.drop_uniform_groups' must be true or false")
        #expect(error("seed: '5'") == "test.yaml: key 'seed' must be a whole number in 0...9223372036854775807")
        #expect(error("seed: ~") == "test.yaml: key 'seed' must be a whole number in 0...9223372036854775807")
        #expect(error("update: {clip_epsilon: \"0.3\"}") == "test.yaml: key 'update.clip_epsilon' must be a number in 0.001...1.0")
        #expect(try PipelineConfig.parse("seed: 1_000\nupdate: {clip_epsilon: 3e-1}").seed == 1000)
        #expect(error("<<: {seed: 1}\n").hasPrefix("test.yaml: unknown key '<<'"))
        #expect(error("update:\n") == "test.yaml: section 'update' must be a mapping of keys to values")
        var config = PipelineConfig()
        config.grpo.dropUniformGroups = true
        config.update.learningRateSchedule = .linear
        config.environment.layout = .fourRooms
        config.environment.gridSize = 9
        #expect(try PipelineConfig.parse(config.canonicalJSON) == config)
    }

    @Test func unknownKeysAreNamedWithTheirSection() {
        #expect(error("update:\n  epoch: 3\n") == "test.yaml: unknown key 'update.epoch' (allowed in section 'update': epochs, minibatch_episodes, clip_epsilon, policy_learning_rate, value_learning_rate, adam_beta1, adam_beta2, adam_epsilon, learning_rate_schedule, advantage_normalization, entropy_coefficient)")
        #expect(error("sede: 1\n").hasPrefix("test.yaml: unknown key 'sede' (allowed in the top level: seed,"))
    }

    @Test func wrongTypesNameTheKeyAndTheRange() {
        #expect(error("environment:\n  grid_size: five\n") == "test.yaml: key 'environment.grid_size' must be a whole number in 2...32")
        #expect(error("rollout:\n  gamma: [1, 2]\n") == "test.yaml: key 'rollout.gamma' must be a number in 0.0...1.0")
        #expect(error("update: 3\n") == "test.yaml: section 'update' must be a mapping of keys to values")
        #expect(error("algorithm: grpoo\n") == "test.yaml: key 'algorithm' is 'grpoo' (allowed: preference, grpo)")
    }

    @Test func outOfRangeValuesNameTheAllowedRange() {
        #expect(error("iterations: 0\n") == "test.yaml: key 'iterations' is 0, outside the allowed range 1...10000")
        #expect(error("update:\n  clip_epsilon: 2.5\n") == "test.yaml: key 'update.clip_epsilon' is 2.5, outside the allowed range 0.001...1.0")
        #expect(error("rollout:\n  pairs: 4\nupdate:\n  minibatch_episodes: 8\n").contains("'update.minibatch_episodes' is 8"))
        #expect(error("seed: -1\n").contains("'seed'"))
        #expect(error("rollout:\n  gamma: .nan\n").contains("'rollout.gamma'"))
    }

    @Test func emptyAndMalformedFiles() {
        #expect(error("") == "test.yaml: config file is empty")
        #expect(error("  \n") == "test.yaml: config file is empty")
        #expect(error("- 1\n- 2\n") == "test.yaml: config must be a YAML mapping of keys to values")
        #expect(error("seed: [1,\n").hasPrefix("test.yaml: not valid YAML"))
        #expect(throws: GridGRPOError("/nonexistent/p.yaml: no such config file")) {
            try PipelineConfig.load(path: "/nonexistent/p.yaml")
        }
    }

    /// Messages the reader gave before its keys were single-sourced (the
    /// original `dag` binary's output for each file), for the kinds of key
    /// the other tests do not reach.
    @Test func everyKindOfKeyKeepsItsMessage() {
        #expect(error("grpo:\n  drop_uniform_groups: maybe\n") == "test.yaml: key 'grpo.drop_uniform_groups' must be true or false")
        #expect(error("grpo: {drop_uniform_groups: 1}\n") == "test.yaml: key 'grpo.drop_uniform_groups' must be true or false")
        #expect(error("grpo:\n  scale: [1]\n") == "test.yaml: key 'grpo.scale' is not a name (allowed: group, batch, none)")
        #expect(error("grpo:\n  scale: std\n") == "test.yaml: key 'grpo.scale' is 'std' (allowed: group, batch, none)")
        #expect(error("rollout:\n  gamma: .inf\n") == "test.yaml: key 'rollout.gamma' must be finite")
        #expect(error("environment: []\n") == "test.yaml: section 'environment' must be a mapping of keys to values")
        #expect(error("environment:\n") == "test.yaml: section 'environment' must be a mapping of keys to values")
        #expect(error("environment:\n  grid_size: 3.5\n") == "test.yaml: key 'environment.grid_size' must be a whole number in 2...32")
        #expect(error("seed: 18446744073709551615\n") == "test.yaml: key 'seed' is 18446744073709551615, outside the allowed range 0...9223372036854775807")
        #expect(error("seed: abc\n") == "test.yaml: key 'seed' must be a whole number in 0...9223372036854775807")
        #expect(error("threads: 300\n") == "test.yaml: key 'threads' is 300, outside the allowed range 0...256")
        #expect(error("algorithm: grpo\ngrpo:\n  minibatch_groups: 65\n") == "test.yaml: key 'grpo.minibatch_groups' is 65, but grpo.groups_per_iteration is 64 (allowed: 1...64)")
        #expect(error("rollout:\n  pairs: 4\nupdate:\n  minibatch_episodes: 8\n") == "test.yaml: key 'update.minibatch_episodes' is 8, but only rollout.pairs = 4 preferred episodes exist per iteration (allowed: 1...4)")
        #expect(error("update:\n  adam_epsilon: 0\n") == "test.yaml: key 'update.adam_epsilon' is 0.0, outside the allowed range 1e-12...1.0")
        #expect(error("foo: 1\nseed: x\n") == "test.yaml: unknown key 'foo' (allowed in the top level: seed, iterations, algorithm, environment, network, rollout, update, evaluation, grpo, preference, threads)")
        #expect(error("grpo:\n  group_size: 1\n  bogus: 2\n") == "test.yaml: unknown key 'grpo.bogus' (allowed in section 'grpo': group_size, groups_per_iteration, scale, advantage_epsilon, loss_aggregation, clip_epsilon, clip_epsilon_high, inner_epochs, minibatch_groups, learning_rate, kl_beta, reference_refresh, drop_uniform_groups)")
        #expect(error("evaluation: {sampled_episodes: null}\n") == "test.yaml: key 'evaluation.sampled_episodes' must be a whole number in 1...1000000")
    }

    @Test func digestIgnoresFormattingButNotValues() throws {
        let a = try PipelineConfig.parse("seed: 1\n# comment\nrollout: {pairs: 80}\n")
        let b = try PipelineConfig.parse("rollout:\n  pairs: 80\nseed: 1\n")
        let c = try PipelineConfig.parse("rollout:\n  pairs: 90\nseed: 1\n")
        #expect(a.digest == b.digest && a.digest != c.digest)
        #expect(a.digest.count == 64)
    }

    /// Valid-looking configs whose worst case would not fit are refused up
    /// front with the estimate; the bounds are worked out by hand here.
    @Test func configsBeyondTheResourceBoundsAreRefusedWithTheirNeed() throws {
        // 2·512 episodes × 100000 moves = 102,400,000 steps > 50,000,000; × 160 B = 16.4 GB
        #expect(throws: GridGRPOError("pipeline.yaml: a rollout of 1024 episodes of up to environment.max_steps = 100000 moves may hold up to 1024·100000 steps, about 16.4 GB in the update (allowed: 50000000 steps); lower rollout.pairs or environment.max_steps")) {
            try PipelineConfig.parse("environment: {max_steps: 100000}\n")
        }
        // 2·25000 × 1000 = 50,000,000 exactly: allowed
        _ = try PipelineConfig.parse("environment: {max_steps: 1000}\nrollout: {pairs: 25000}\n")
        // grpo: 64 groups × 4096 episodes × 200 moves = 52,428,800 > 50,000,000
        #expect(throws: GridGRPOError.self) {
            try PipelineConfig.parse("algorithm: grpo\ngrpo: {group_size: 4096}\nenvironment: {max_steps: 200}\n")
        }
        // 16×16: 256·255 = 65280 starts + 100 sampled = 65380 episodes × 40000 moves = 2,615,200,000 > 2e9
        #expect(throws: GridGRPOError("pipeline.yaml: an evaluation of 65380 episodes (every start configuration of the 16×16 open grid and evaluation.sampled_episodes = 100) of up to environment.max_steps = 40000 moves may walk 65380·40000 moves (allowed: 2000000000); lower environment.max_steps or evaluation.sampled_episodes")) {
            try PipelineConfig.parse("environment: {grid_size: 16, max_steps: 40000}\nrollout: {pairs: 8}\nupdate: {minibatch_episodes: 8}\n")
        }
        #expect(throws: GridGRPOError("pipeline.yaml: key 'iterations' is 20000, outside the allowed range 1...10000")) {
            try PipelineConfig.parse("iterations: 20000\n")
        }
    }
}
