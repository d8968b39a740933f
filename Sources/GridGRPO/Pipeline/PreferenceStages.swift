import Foundation

/// The stages of a run that learns its reward from labels
/// (docs/preferences.md): `label` asks the labeller, `reward` trains the
/// reward model; pair and update read the learned reward through
/// `learnedStepRewards`.
extension Stages {
    static func requireLearnedReward(_ config: PipelineConfig, _ stage: Stage) throws {
        guard config.preference.learnsReward else {
            throw GridGRPOError("preference.source is return: the run has no \(stage.rawValue) stage (set preference.source: labeller or file)")
        }
    }

    /// A file a person typed is never overwritten: refuse before any work.
    static func refuseTypedOutput(_ output: String, config: PipelineConfig) throws {
        guard FileManager.default.fileExists(atPath: output), ArtifactSchema.isTypedLabels(path: output) else { return }
        let count = (try? ArtifactSchema.readLabelsSummary(path: output, config: config)).map { "\($0.count) labels" } ?? "labels"
        throw GridGRPOError("\(output): holds \(count) a person typed (label --interactive), which no stage overwrites; remove the file yourself to label again")
    }

    /// The labels of iteration `iteration`: every earlier label (from the
    /// previous labels.h5) plus this iteration's answers, from the simulated
    /// labeller, a person's file (`source: file`) or a person at the
    /// terminal (`interactive`).
    public static func label(configPath: String, rolloutPath: String, labelsPath: String?, rewardPath: String?, handPath: String?,
                             iteration: Int, output: String, interactive: Bool = false, threads: Int? = nil) throws -> String {
        let config = try PipelineConfig.loadInput(path: configPath)
        let preference = config.preference, world = config.world
        try requireLearnedReward(config, .label)
        try checkIteration(iteration, config, from: 1)
        let workers = try workers(threads, config)
        try refuseTypedOutput(output, config: config)
        let (episodes, rolloutSource) = try ArtifactSchema.readRollout(path: rolloutPath, config: config)
        try checkSource(rolloutSource, path: rolloutPath, iteration: iteration)
        guard episodes.count == config.rolloutEpisodes else {
            throw GridGRPOError("\(rolloutPath): holds \(episodes.count) episodes, but the config's rollout has \(config.rolloutEpisodes)")
        }
        var inputs: [Provenance.Input] = [try .input(.rollout, path: rolloutPath)]
        var labels = LabelSet()
        if iteration > 1 {
            guard let labelsPath else { throw GridGRPOError("label at iteration \(iteration) needs --labels (labels.h5 of iteration \(iteration - 1))") }
            let (previous, _, source) = try ArtifactSchema.readLabels(path: labelsPath, config: config)
            try checkSource(source, path: labelsPath, iteration: iteration - 1)
            labels = previous
            inputs.append(try .input(.labels, path: labelsPath))
        } else if labelsPath != nil {
            throw GridGRPOError("label at iteration 1 reads no --labels (no labels come before it)")
        }
        let candidates = QuerySelection.candidates(config: config, episodeCount: episodes.count)
        var order = QuerySelection.randomOrder(count: candidates.count, seed: config.seed, iteration: iteration)
        var disagreement = [Double](repeating: 0, count: candidates.count)
        if preference.selection == .disagreement, iteration > 1 {
            guard let rewardPath else { throw GridGRPOError("selection disagreement: label needs --reward (reward.h5 of iteration \(iteration - 1))") }
            let (ensemble, _, source) = try ArtifactSchema.readReward(path: rewardPath, config: config)
            try checkSource(source, path: rewardPath, iteration: iteration - 1)
            disagreement = QuerySelection.disagreements(ensemble, episodes: episodes, candidates: candidates, world: world, threads: workers)
            order = QuerySelection.byDisagreement(disagreement)
            inputs.append(try .input(.reward, path: rewardPath))
        } else if rewardPath != nil {
            throw GridGRPOError("label reads --reward only with preference.selection: disagreement, from iteration 2")
        }
        let criteria = EpisodeCriteria.of(episodes, world: world)
        let utilities = (0..<episodes.count).map { criteria[$0].utility(return: episodes.returns[$0], preference) }
        let budget = min(preference.labelsPerIteration, candidates.count)
        var typed = false, byPerson = false
        var answered: [(candidate: Int, preference: Float)]
        if interactive {
            guard handPath == nil else { throw GridGRPOError("label --interactive makes a person's labels; it reads no --hand") }
            answered = HandLabelling.session(order: order, candidates: candidates, episodes: episodes, world: world, budget: budget,
                                             iteration: iteration, read: HandLabelling.terminalReader(),
                                             write: { print($0, terminator: ""); fflush(nil) })
            (typed, byPerson) = (true, true)
        } else if preference.source == .file {
            guard let handPath else { throw GridGRPOError("preference.source is file: label needs --hand (a person's \(StageInput.handDirectory)/labels-NNNN.h5; make label-by-hand ITER=\(iteration))") }
            let (hand, handInfo, source) = try ArtifactSchema.readLabels(path: handPath, config: config)
            let recorded = Dictionary(source.inputs.map { ($0.role, $0.sha256) }, uniquingKeysWith: { first, _ in first })
            guard source.iteration == iteration, handInfo.typed,
                  recorded[InputRole.rollout.rawValue] == inputs[0].sha256,
                  recorded[InputRole.labels.rawValue] == inputs.first(where: { $0.role == InputRole.labels.rawValue })?.sha256 else {
                throw GridGRPOError("\(handPath): a person's labels of another iteration, rollout or earlier labels than \(rolloutPath) (the run changed since); they are never overwritten: remove the file and label again (make label-by-hand ITER=\(iteration))")
            }
            inputs.append(try .input(.hand, path: handPath))
            let info = LabelsInfo(newLabels: handInfo.newLabels, candidates: candidates.count, answeredBy: "person", typed: false,
                                  selection: preference.selection.rawValue)
            let provenance = Provenance(schema: .labels, stage: .label, iteration: iteration, config: config, inputs: inputs)
            try ArtifactSchema.writeLabels(hand, info: info, world: world, provenance: provenance, to: output)
            return label(.label, iteration) + "\(handInfo.newLabels) labels by a person (\(StageInput.handDirectory)), \(hand.count) so far"
        } else {
            guard handPath == nil else { throw GridGRPOError("preference.source is labeller: label reads no --hand") }
            let labeller = SimulatedLabeller(preference)
            answered = order.prefix(budget).map { candidate in
                let pair = candidates[candidate]
                return (candidate, labeller.answer(utilities[pair.first], utilities[pair.second], seed: config.seed,
                                                   iteration: iteration, candidate: candidate))
            }
        }
        for (candidate, value) in answered {
            let pair = candidates[candidate]
            labels.append(.init(first: pair.first, second: pair.second, preference: value, byPerson: byPerson,
                                firstUtility: Float(utilities[pair.first]), secondUtility: Float(utilities[pair.second]),
                                disagreement: Float(disagreement[candidate])),
                          from: episodes, iteration: iteration)
        }
        let info = LabelsInfo(newLabels: answered.count, candidates: candidates.count, answeredBy: byPerson ? "person" : "simulated",
                              typed: typed, selection: preference.selection.rawValue)
        let provenance = Provenance(schema: .labels, stage: .label, iteration: iteration, config: config, inputs: inputs)
        try ArtifactSchema.writeLabels(labels, info: info, world: world, provenance: provenance, to: output)
        let strict = answered.filter { $0.preference != 0.5 }
        let agreeing = strict.filter { entry in
            let pair = candidates[entry.candidate]
            return (utilities[pair.first] > utilities[pair.second]) == (entry.preference == 1) && utilities[pair.first] != utilities[pair.second]
        }.count
        let agreement = strict.isEmpty ? "–" : percent(Double(agreeing) / Double(strict.count))
        return label(.label, iteration) + "\(answered.count) new labels (\(byPerson ? "person" : "simulated"), \(preference.selection.rawValue)), \(labels.count) so far, \(answered.count - strict.count) ties, \(agreement) agree with the utility"
    }
}
