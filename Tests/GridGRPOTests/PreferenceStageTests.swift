import Foundation
import Testing
@testable import GridGRPO

/// The label and reward stages' files and refusals, and the hand-labelling
/// session with scripted answers.
@Suite("Preferences: labels.h5, reward.h5 and the stages that write them")
struct PreferenceStageTests {
    @Test func aLearnedRunRecordsLabelsAndAReusableRewardModel() throws {
        let run = try SmallRun(algorithm: .preference, learned: true)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let config = try PipelineConfig.load(path: run.config)
        let folder = run.directory + "/iter-0002"
        let (labels, info, provenance) = try ArtifactSchema.readLabels(path: folder + "/labels.h5", config: config)
        #expect(labels.count == 12 && info.newLabels == 6 && info.answeredBy == "simulated" && !info.typed)
        #expect(labels.iterations == [Int](repeating: 1, count: 6) + [Int](repeating: 2, count: 6))
        #expect(provenance.inputs.map(\.role) == ["params", "rollout", "labels", "reward"])
        // the first iteration's labels are carried over unchanged, episodes included
        let first = try ArtifactSchema.readLabels(path: run.directory + "/iter-0001/labels.h5", config: config).labels
        #expect(Array(labels.preferences.prefix(6)) == first.preferences && Array(labels.agentCells.prefix(first.stepCount)) == first.agentCells)
        // the stored episodes are the rollout's
        let (episodes, _) = try ArtifactSchema.readRollout(path: folder + "/rollout.h5", config: config)
        let label = 7, episode = labels.firstEpisodes[label]
        #expect(Array(labels.actions[labels.steps(2 * label)]) == Array(episodes.actions[episodes.steps(episode)]))

        let (ensemble, metrics, rewardSource) = try ArtifactSchema.readReward(path: folder + "/reward.h5", config: config)
        #expect(ensemble.members.count == 2 && metrics.labelCount == 12 && metrics.trainingLoss.count == 2)
        #expect(rewardSource.inputs.map(\.role) == ["params", "labels", "reward", "rollout"])
        #expect(ensemble.scale > 0 && ensemble.shift == 0)
        // pair and update recorded the very reward model they used
        let pairs = try ArtifactSchema.readPairs(path: folder + "/pairs.h5", config: config).provenance
        #expect(pairs.inputs.first { $0.role == "reward" }?.sha256 == (try SHA256.hex(ofFile: folder + "/reward.h5")))
        let (_, spent, _) = try ArtifactSchema.readEvaluationLabels(path: folder + "/eval.h5", config: config)
        #expect(spent?.labelsSpent == 12 && spent?.personLabels == 0)
        #expect(try Inspector.verify(runDirectory: run.directory).problems.isEmpty)
    }

    @Test func readersRefuseValuesOutsideTheirDomain() throws {
        let directory = temporaryDirectory("labels-domain")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let world = GridWorld(size: 3, maxSteps: 10)
        var config = PipelineConfig()
        config.environment.gridSize = 3
        config.preference.source = .labeller
        var episodes = Episodes()
        episodes.agentCells = [0, 1, 3]
        episodes.actions = [1, 1, 2]
        episodes.offsets = [0, 2, 3]
        episodes.goals = [2, 6]
        var labels = LabelSet()
        labels.append(.init(first: 0, second: 1, preference: 1, byPerson: false, firstUtility: 0.9, secondUtility: 1,
                            disagreement: 0), from: episodes, iteration: 1)
        let info = LabelsInfo(newLabels: 1, candidates: 1, answeredBy: "simulated", typed: false, selection: "random")
        let provenance = Provenance(schema: .labels, stage: .label, iteration: 1, config: config, inputs: [])
        let good = directory + "/good.h5"
        try ArtifactSchema.writeLabels(labels, info: info, world: world, provenance: provenance, to: good)
        #expect(try ArtifactSchema.readLabels(path: good, config: config).labels == labels)
        var bad = labels
        bad.preferences = [0.3]
        try ArtifactSchema.writeLabels(bad, info: info, world: world, provenance: provenance, to: directory + "/bad.h5")
        #expect(throws: GridGRPOError("\(directory)/bad.h5:/labels/preference: holds 0.3 at index 0, expected 0, 0.5 or 1")) {
            try ArtifactSchema.readLabels(path: directory + "/bad.h5", config: config)
        }
        bad = labels
        bad.actions[2] = 7
        try ArtifactSchema.writeLabels(bad, info: info, world: world, provenance: provenance, to: directory + "/bad.h5")
        #expect(throws: GridGRPOError("\(directory)/bad.h5:/steps/action: holds 7 at index 2, expected actions in 0..<4")) {
            try ArtifactSchema.readLabels(path: directory + "/bad.h5", config: config)
        }
        #expect(throws: GridGRPOError("\(good): made for grid_size 3, but the config says 5")) {
            var other = config
            other.environment.gridSize = 5
            return try ArtifactSchema.readLabels(path: good, config: other)
        }
        #expect(throws: GridGRPOError("\(directory)/none.h5: no labels to write (none was given)")) {
            try ArtifactSchema.writeLabels(LabelSet(), info: info, world: world, provenance: provenance, to: directory + "/none.h5")
        }
    }

    /// A file a person typed is never overwritten, by the simulated labeller
    /// or by another session at the terminal.
    @Test func aPersonsLabelsAreNeverOverwritten() throws {
        let run = try SmallRun(algorithm: .preference, learned: true)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let config = try PipelineConfig.load(path: run.config)
        let output = run.directory + "/typed.h5"
        let (labels, read, provenance) = try ArtifactSchema.readLabels(path: run.directory + "/iter-0001/labels.h5", config: config)
        var info = read
        info.typed = true
        try ArtifactSchema.writeLabels(labels, info: info, world: config.world, provenance: provenance, to: output)
        let before = FileManager.default.contents(atPath: output)
        for interactive in [false, true] {
            var invocation = StageInvocation(stage: .label, iteration: 1, config: config, directory: run.directory, output: output)
            invocation.interactive = interactive
            #expect(throws: GridGRPOError("\(output): holds 6 labels a person typed (label --interactive), which no stage overwrites; remove the file yourself to label again")) {
                try invocation.run()
            }
        }
        #expect(FileManager.default.contents(atPath: output) == before)
    }

    @Test func theSessionShowsBothEpisodesAsFramesAndTakesEachAnswer() {
        let world = GridWorld(size: 3, maxSteps: 10)
        var episodes = Episodes()
        // episode 0: 0 → 1 → 2 (goal 2, reached); episode 1: 0 ↓ 3 ↑ 0 → 1 → 2
        for (cells, actions) in [([0, 1], [1, 1]), ([0, 3, 0, 1], [2, 0, 1, 1])] {
            episodes.agentCells += cells
            episodes.actions += actions
            episodes.offsets.append(episodes.actions.count)
            episodes.goals.append(2)
            episodes.starts.append(0)
            episodes.successes.append(true)
        }
        let screen = HandLabelling.screen(episodes, first: 0, second: 1, world: world, header: "Pair 1")
        #expect(screen.contains("Episode 1: 2 moves, reached the goal") && screen.contains("Episode 2: 4 moves, reached the goal"))
        #expect(screen.contains("A . G") && screen.contains("Step 2: Agent chooses RIGHT") && screen.contains("Goal reached!"))
        #expect(screen.contains("moves: R R") && screen.contains("moves: D U R R"))
        // side by side: the first frame's rows carry both episodes
        #expect(screen.split(separator: "\n").contains { $0.hasPrefix("A . G") && $0.contains("│ A . G") })

        let candidates = [QuerySelection.Candidate(0, 1), .init(1, 0), .init(0, 1), .init(1, 0), .init(0, 1)]
        var lines = ["1", "maybe", "2", "s", "=", "q", "1"][...]
        var shown = ""
        let answers = HandLabelling.session(order: [0, 1, 2, 3, 4], candidates: candidates, episodes: episodes, world: world, budget: 10,
                                            iteration: 1, read: { lines.popFirst() }, write: { shown += $0 })
        #expect(answers.map(\.candidate) == [0, 1, 3] && answers.map(\.preference) == [1, 0, 0.5])
        #expect(shown.contains("'maybe' is not an answer.") && shown.contains("quit: keeping 3 answers"))
        // the budget ends a session too, and so does the end of the input
        var two = ["1", "1", "1"][...]
        #expect(HandLabelling.session(order: [0, 1, 2], candidates: candidates, episodes: episodes, world: world, budget: 2,
                                      iteration: 1, read: { two.popFirst() }, write: { _ in }).count == 2)
        var none = [String]()[...]
        #expect(HandLabelling.session(order: [0, 1], candidates: candidates, episodes: episodes, world: world, budget: 2,
                                      iteration: 1, read: { none.popFirst() }, write: { _ in }).isEmpty)
    }

    @Test func configRulesForPreferences() {
        #expect(throws: GridGRPOError("pipeline.yaml: key 'preference.labels_per_iteration' is 600, but an iteration has only 512 candidate pairs to ask about (allowed: 1...512)")) {
            try PipelineConfig.parse("preference: {source: labeller, labels_per_iteration: 600}")
        }
        #expect(throws: GridGRPOError("pipeline.yaml: key 'preference.ensemble_size' is 1, but selection: disagreement needs at least 2 members to disagree (allowed: 2...64)")) {
            try PipelineConfig.parse("preference: {source: labeller, selection: disagreement, ensemble_size: 1}")
        }
        #expect(throws: GridGRPOError("pipeline.yaml: key 'preference.source' is 'human' (allowed: return, labeller, file)")) {
            try PipelineConfig.parse("preference: {source: human}")
        }
        // the rules bind only runs that learn a reward
        #expect((try? PipelineConfig.parse("preference: {labels_per_iteration: 600}")) != nil)
    }

    /// The default config (the blog's `return` source) has neither stage,
    /// and no stage's stamp holds the preference section.
    @Test func theDefaultRunHasNoLabelOrRewardStage() {
        let config = PipelineConfig()
        #expect(Stage.stages(of: config) == [.initialize, .rollout, .pair, .update, .evaluate, .checkpoint])
        #expect(!Stage.stages(of: config).contains { $0.sections(for: config).contains(.preference) })
        #expect(StageGraph.parameterStamps(config: config).count == 7)
        #expect(!StageGraph.makefile(config: config).contains("labels.h5"))
        var learned = config
        learned.preference.source = .labeller
        #expect(StageGraph.makefile(config: learned).contains("iter-0003/labels.h5"))
    }
}
