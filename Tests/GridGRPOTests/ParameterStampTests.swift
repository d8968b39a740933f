import Foundation
import Testing
@testable import GridGRPO

/// The stamps are only as good as the sections each stage declares: a stage
/// that read an undeclared section would not rerun when it changes. Each stage
/// is rerun here with every section it does not declare changed, and must
/// write the very same bytes.
@Suite("Parameter stamps: each stage reads only the sections it declares")
struct ParameterStampTests {
    /// A changed value for each section that can change without breaking the
    /// run's other constraints (seed, algorithm and environment are read by
    /// every stage).
    static let edits: [PipelineConfig.Section: (String, String)] = [
        .network: ("network: {hidden_size: 8}", "network: {hidden_size: 16}"),
        .rollout: ("rollout: {pairs: 8}", "rollout: {pairs: 8, gamma: 0.5}"),
        .update: ("update: {minibatch_episodes: 4}", "update: {minibatch_episodes: 2, epochs: 2, policy_learning_rate: 0.01, adam_beta1: 0.5}"),
        .grpo: ("kl_beta: 0.05", "kl_beta: 0.2, learning_rate: 0.05, scale: batch"),
        .evaluation: ("iterations: 3", "iterations: 3\nevaluation: {sampled_episodes: 7}"),
        // a run of the blog's `return` source has no preference section at its
        // defaults to edit; a learned run's keeps its source
        .preference: ("environment: {grid_size: 3, max_steps: 20}", "environment: {grid_size: 3, max_steps: 20}\npreference: {labels_per_iteration: 5, reward_epochs: 3}"),
    ]

    /// The run's config with every section outside `declared` edited.
    func configChangingAllBut(_ declared: [PipelineConfig.Section], of run: SmallRun, name: String) throws -> String {
        var text = try String(contentsOfFile: run.config, encoding: .utf8)
        if text.contains(SmallRun.learnedPreference) {
            // the learned run's own preference line takes the edit instead
            text = text.replacingOccurrences(of: SmallRun.learnedPreference, with: "")
            if declared.contains(.preference) { text += SmallRun.learnedPreference + "\n" } else {
                text += SmallRun.learnedPreference.replacingOccurrences(of: "labels_per_iteration: 6", with: "labels_per_iteration: 5")
                    .replacingOccurrences(of: "reward_epochs: 2", with: "reward_epochs: 3") + "\n"
            }
        }
        for (section, edit) in Self.edits where !declared.contains(section) && !(section == .preference && text.contains("source: labeller")) {
            #expect(text.contains(edit.0))
            text = text.replacingOccurrences(of: edit.0, with: edit.1)
        }
        let path = run.directory + "/" + name + ".yaml"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
        _ = try PipelineConfig.load(path: path)
        return path
    }

    @Test(arguments: PipelineConfig.Algorithm.allCases, [false, true])
    func stagesIgnoreUndeclaredSections(algorithm: PipelineConfig.Algorithm, learned: Bool) throws {
        let run = try SmallRun(algorithm: algorithm, learned: learned)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let parsed = try PipelineConfig.load(path: run.config)
        var checked = 0
        for stage in Stage.stages(of: parsed) {
            let config = try configChangingAllBut(stage.sections(for: parsed), of: run, name: stage.rawValue)
            let iteration = stage.runs(at: 2) ? 2 : 0
            let original = StageInvocation(stage: stage, iteration: iteration, config: parsed, directory: run.directory)
            var again = original
            again.configPath = config
            again.output = run.directory + "/again-" + stage.rawValue + ".h5"
            _ = try again.run()
            #expect(FileManager.default.contents(atPath: again.output) == FileManager.default.contents(atPath: original.output),
                    "\(stage.rawValue) wrote other bytes when sections it does not declare changed")
            checked += 1
        }
        #expect(checked == (learned ? 8 : 6))
    }

    @Test func stampsHoldExactlyTheDeclaredSections() throws {
        var config = PipelineConfig()
        config.evaluation.sampledEpisodes = 7
        let stamps = Dictionary(uniqueKeysWithValues: StageGraph.parameterStamps(config: config).map { ($0.file, $0.content) })
        let evaluate = try #require(stamps["params/evaluate.json"])
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(evaluate.utf8)) as? [String: Any]).keys.sorted()
        #expect(keys == ["algorithm", "environment", "evaluation", "network", "seed"])
        #expect(evaluate.contains("\"sampled_episodes\":7"))
        #expect(stamps["params/rollout.json"]?.contains("sampled_episodes") == false)
        // the run length is in no stage's stamp (adding iterations reruns no
        // existing one), only in the plots'; threads is in none
        #expect(stamps.filter { $0.value.contains("iterations") }.keys.sorted() == ["params/plot.json"])
        #expect(!stamps.values.contains { $0.contains("threads") })
    }
}
