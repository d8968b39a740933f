import Foundation
import Testing
@testable import GridGRPO

/// docs/config.md is generated from the key tables; these tests keep the file
/// current and check the tables against values written down independently
/// (the README's hand-written reference before it was generated).
@Suite("Config reference: docs/config.md from the key tables")
struct ConfigReferenceTests {
    static let path = repositoryRoot + "/docs/config.md"

    /// Fails when docs/config.md differs from the generated text, naming the
    /// first differing line (`make docs` rewrites it).
    @Test func docsConfigIsCurrent() throws {
        let generated = ConfigReference.document(readBy: ConfigReference.readers())
        let onDisk = FileManager.default.contents(atPath: Self.path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        guard onDisk != generated else { return }
        let (old, new) = (onDisk.components(separatedBy: "\n"), generated.components(separatedBy: "\n"))
        let line = (0..<min(old.count, new.count)).first { old[$0] != new[$0] } ?? min(old.count, new.count)
        Issue.record("""
            docs/config.md is not what the key tables generate (first difference at line \(line + 1): \
            file has \(line < old.count ? "'\(old[line])'" : "no line"), generated \(line < new.count ? "'\(new[line])'" : "no line")). \
            Regenerate it with: \(ConfigReference.regenerateCommand)
            """)
    }

    @Test func readersFollowTheStageList() {
        let readers = ConfigReference.readers()
        // label and reward exist only in runs with a learned reward, and
        // read the rollout, update (Adam's β₁, β₂, ε) and grpo sections there;
        // update reads rollout.gamma for the learned returns-to-go.
        let everyStage = ["initialize", "rollout", "pair", "update", "evaluate", "checkpoint", "label", "reward"]
        #expect(readers["seed"] == everyStage)
        #expect(readers["algorithm"] == everyStage)
        #expect(readers["environment"] == everyStage)
        #expect(readers["network"] == ["initialize", "rollout", "update", "evaluate", "checkpoint"])
        #expect(readers["rollout"] == ["rollout", "pair", "label", "reward", "update"])
        #expect(readers["update"] == ["update", "reward"])
        #expect(readers["evaluation"] == ["evaluate"])
        #expect(readers["grpo"] == ["rollout", "pair", "update", "label", "reward"])
        #expect(readers["preference"] == ["label", "reward", "pair", "update", "evaluate"])
        #expect(readers["iterations"] == ["dag"])
        #expect(readers["threads"] == ["rollout", "label", "reward", "update", "evaluate"])
        #expect(readers.count == 11)
    }

    /// (key, default, allowed) of every key as the README's hand-written table
    /// listed them, except the two bounds a cross-key rule sets, written there
    /// as "1…P" and "1…S"; grid sizes up to 32 and the layout keys came with
    /// the harder worlds (issue 11), the `preference` section with learning
    /// from preferences (issue 10; its labels bound is a cross-key rule too),
    /// `rollout.pairing` with pairs from one start, `update.learning_rate_schedule`
    /// and `update.advantage_normalization` with the harder worlds' tuning.
    static let readmeTable: [(String, String, String)] = [
        ("seed", "0", "0…2⁶³−1"), ("iterations", "20", "1…10000"), ("algorithm", "preference", "preference, grpo"),
        ("environment.grid_size", "5", "2…32"), ("environment.max_steps", "100", "1…100000"),
        ("environment.layout", "open", "open, four_rooms, maze, lava_gap, map"),
        ("environment.map", "none", "N rows of N cells: . floor, # wall, ~ lava"), ("environment.lava_penalty", "-1", "-100…0"),
        ("network.hidden_size", "64", "1…1024"),
        ("rollout.pairs", "512", "1…1000000"), ("rollout.gamma", "0.99", "0…1"), ("rollout.pairing", "independent", "independent, same_start"),
        ("update.epochs", "4", "1…1000"), ("update.minibatch_episodes", "16", "1…rollout.pairs"),
        ("update.clip_epsilon", "0.2", "0.001…1"), ("update.policy_learning_rate", "0.002", "1e-9…1"),
        ("update.value_learning_rate", "0.002", "1e-9…1"), ("update.adam_beta1", "0.9", "0…0.999999"),
        ("update.adam_beta2", "0.999", "0…0.999999999"), ("update.adam_epsilon", "1e-8", "1e-12…1"),
        ("update.learning_rate_schedule", "constant", "constant, linear"),
        ("update.advantage_normalization", "none", "none, minibatch"), ("update.entropy_coefficient", "0", "0…1"),
        ("evaluation.sampled_episodes", "100", "1…1000000"),
        ("grpo.group_size", "4", "2…4096"), ("grpo.groups_per_iteration", "64", "1…1000000"),
        ("grpo.scale", "group", "group, batch, none"), ("grpo.advantage_epsilon", "1e-4", "1e-12…1"),
        ("grpo.drop_uniform_groups", "false", "true, false"),
        ("grpo.loss_aggregation", "sequence_mean", "sequence_mean, token_mean, constant"),
        ("grpo.clip_epsilon", "0.2", "0.001…1"), ("grpo.clip_epsilon_high", "0.2", "0.001…10"),
        ("grpo.inner_epochs", "2", "1…1000"), ("grpo.minibatch_groups", "16", "1…grpo.groups_per_iteration"),
        ("grpo.learning_rate", "0.003", "1e-9…1"), ("grpo.kl_beta", "0.01", "0…100"),
        ("grpo.reference_refresh", "0", "0…100000"), ("threads", "0", "0…256"),
        ("preference.source", "return", "return, labeller, file"), ("preference.rationality", "0", "0…1000000"),
        ("preference.error_rate", "0", "0…1"), ("preference.edge_weight", "0", "0…100"), ("preference.revisit_weight", "0", "0…100"),
        ("preference.labels_per_iteration", "100", "1…candidate pairs per iteration"),
        ("preference.selection", "random", "random, disagreement"), ("preference.ensemble_size", "3", "1…64"),
        ("preference.reward_hidden_size", "32", "1…1024"), ("preference.reward_epochs", "4", "1…1000"),
        ("preference.reward_minibatch", "16", "1…1000000"), ("preference.reward_learning_rate", "0.003", "1e-9…1"),
        ("preference.held_out_fraction", "0.1", "0…0.9"), ("preference.warm_start", "true", "true, false"),
        ("preference.normalization", "scale", "scale, standardize, none"), ("preference.reward_scale", "0.1", "1e-6…1000"),
    ]

    @Test func everyKeyHasTheDefaultAndRangeTheREADMEListed() {
        var generated: [String: (String, String)] = [:]
        for key in PipelineConfig.reference {
            if let value = key.defaultValue { generated[key.name] = (value, key.allowed) }
            for nested in key.keys { generated["\(key.name).\(nested.name)"] = (nested.defaultValue ?? "", nested.allowed) }
        }
        #expect(generated.count == Self.readmeTable.count)
        for (name, value, allowed) in Self.readmeTable {
            #expect(generated[name]?.0 == value, "default of \(name)")
            #expect(generated[name]?.1 == allowed, "allowed values of \(name)")
        }
    }

    @Test func theTableHasOneRowPerKeyAndSection() {
        let table = ConfigReference.markdown(readBy: ConfigReference.readers())
        let rows = table.split(separator: "\n").dropFirst(2)
        #expect(rows.count == 54 + 7)
        #expect(rows.contains("| `environment.grid_size` | 5 | 2…32 | initialize, rollout, pair, update, evaluate, checkpoint, label, reward | N: the grid is N×N (each layout's sizes: the layout rule below) |"))
        #expect(rows.contains("| **`evaluation`** |  | section | evaluate | the evaluation of every iteration's weights |"))
        #expect(rows.contains("| `iterations` | 20 | 1…10000 | dag | how many rollout → pair → update → evaluate → checkpoint iterations the Makefile runs |"))
        #expect(!table.contains("—"), "a top-level key without readers")
    }

    @Test func numbersAreWrittenAsInYAML() {
        #expect(1e-8.configText == "1e-8")
        #expect(0.0001.configText == "1e-4")
        #expect(2.5e-7.configText == "2.5e-07")
        #expect(0.999999999.configText == "0.999999999")
        #expect(100.0.configText == "100")
        #expect(0.0.configText == "0")
        #expect(UInt64(Int64.max).configText == "2⁶³−1")
        #expect(UInt64(12).configText == "12")
    }

    @Test func theExamplesShowTheReadersMessages() {
        #expect(ConfigReference.message("update: {epoch: 3}")
                == "pipeline.yaml: unknown key 'update.epoch' (allowed in section 'update': epochs, minibatch_episodes, clip_epsilon, policy_learning_rate, value_learning_rate, adam_beta1, adam_beta2, adam_epsilon, learning_rate_schedule, advantage_normalization, entropy_coefficient)")
        #expect(ConfigReference.examples.allSatisfy { ConfigReference.message($0).hasPrefix("pipeline.yaml: ") })
    }
}
