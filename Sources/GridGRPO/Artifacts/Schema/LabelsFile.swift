/// `labels.h5`: every label of the run up to its iteration (the previous
/// iteration's labels plus this one's), with the two episodes of each, so
/// the reward model retrains from this file alone.
public enum LabelsLayout {
    public static let gridSize = Attribute<Int64>("grid_size")
    public static let labelCount = Attribute<Int64>("label_count")
    public static let newLabelCount = Attribute<Int64>("new_label_count")
    public static let personLabelCount = Attribute<Int64>("person_label_count")
    public static let candidateCount = Attribute<Int64>("candidate_count")
    /// `simulated` (the labeller) or `person` (typed, or copied from a person's file).
    public static let answeredBy = Attribute<String>("answered_by")
    /// 1 in the file a person typed with `label --interactive`: no stage overwrites it.
    public static let typed = Attribute<Int64>("typed")
    public static let selection = Attribute<String>("selection")

    /// Per label.
    public static let labels = "labels"
    public static let iteration = Dataset<Int32>("iteration", in: labels)
    public static let firstEpisode = Dataset<Int32>("first_episode", in: labels)
    public static let secondEpisode = Dataset<Int32>("second_episode", in: labels)
    public static let preference = Dataset<Float>("preference", in: labels)
    public static let person = Dataset<UInt8>("person", in: labels)
    public static let firstUtility = Dataset<Float>("first_utility", in: labels)
    public static let secondUtility = Dataset<Float>("second_utility", in: labels)
    public static let disagreement = Dataset<Float>("disagreement", in: labels)

    /// Per labelled episode (2 per label: first, second).
    public static let segments = "segments"
    public static let offsets = Dataset<Int64>("offsets", in: segments)
    public static let goal = CellDataset("goal", in: segments)

    /// Per step of the labelled episodes.
    public static let steps = "steps"
    public static let agentCell = CellDataset("agent_cell", in: steps)
    public static let action = Dataset<UInt8>("action", in: steps)

    public static let layout = ArtifactLayout(
        file: "labels.h5", groups: [labels, segments, steps],
        datasets: WorldLayout.datasets + [iteration.path, firstEpisode.path, secondEpisode.path, preference.path, person.path, firstUtility.path,
                   secondUtility.path, disagreement.path, offsets.path, goal.path, agentCell.path, action.path],
        attributes: [gridSize.name, labelCount.name, newLabelCount.name, personLabelCount.name, candidateCount.name,
                     answeredBy.name, typed.name, selection.name])
}

/// What a labels file says about itself besides its labels.
public struct LabelsInfo: Equatable, Sendable {
    public var newLabels: Int
    public var candidates: Int
    public var answeredBy: String
    public var typed: Bool
    public var selection: String

    public init(newLabels: Int, candidates: Int, answeredBy: String, typed: Bool, selection: String) {
        self.newLabels = newLabels
        self.candidates = candidates
        self.answeredBy = answeredBy
        self.typed = typed
        self.selection = selection
    }
}

extension ArtifactSchema {
    public static func writeLabels(_ set: LabelSet, info: LabelsInfo, world: GridWorld, provenance: Provenance, to path: String) throws {
        typealias Layout = LabelsLayout
        guard set.count > 0 else { throw GridGRPOError("\(path): no labels to write (none was given)") }
        try writeArtifact(to: path, provenance: provenance, world: world) { root in
            try root.setAttribute(Layout.gridSize, Int64(world.size))
            try root.setAttribute(Layout.labelCount, Int64(set.count))
            try root.setAttribute(Layout.newLabelCount, Int64(info.newLabels))
            try root.setAttribute(Layout.personLabelCount, Int64(set.byPerson.filter { $0 }.count))
            try root.setAttribute(Layout.candidateCount, Int64(info.candidates))
            try root.setAttribute(Layout.answeredBy, info.answeredBy)
            try root.setAttribute(Layout.typed, Int64(info.typed ? 1 : 0))
            try root.setAttribute(Layout.selection, info.selection)
            let labels = try root.createGroup(Layout.labels)
            try labels.write(Layout.iteration, set.iterations.map(Int32.init))
            try labels.write(Layout.firstEpisode, set.firstEpisodes.map(Int32.init))
            try labels.write(Layout.secondEpisode, set.secondEpisodes.map(Int32.init))
            try labels.write(Layout.preference, set.preferences)
            try labels.write(Layout.person, set.byPerson.map { UInt8($0 ? 1 : 0) })
            try labels.write(Layout.firstUtility, set.firstUtilities)
            try labels.write(Layout.secondUtility, set.secondUtilities)
            try labels.write(Layout.disagreement, set.disagreements)
            let segments = try root.createGroup(Layout.segments)
            try segments.write(Layout.offsets, set.offsets.map(Int64.init))
            try segments.writeCells(Layout.goal, set.goals, world: world)
            let steps = try root.createGroup(Layout.steps)
            try steps.writeCells(Layout.agentCell, set.agentCells, world: world, compress: true)
            try steps.write(Layout.action, set.actions.map { UInt8($0) }, compress: true)
        }
    }

    /// Whether `path` is a labels file a person typed (`typed` = 1), whatever
    /// run it belongs to: such a file is never overwritten, so this reads
    /// nothing but that attribute and answers false for anything else.
    public static func isTypedLabels(path: String) -> Bool {
        (try? readArtifact(path, .labels, world: nil) { root, _ in try root.attribute(LabelsLayout.typed) != 0 }) ?? false
    }

    /// Only the attributes of a labels file of a run of `config` (evaluate
    /// records the counts; label checks whether a file was typed by a person):
    /// the world the config's, the counts within what the run can have asked
    /// (`ArtifactBounds.labels`), the strings bounded.
    public static func readLabelsSummary(path: String, config: PipelineConfig) throws -> (count: Int, personCount: Int, info: LabelsInfo, provenance: Provenance) {
        let bounds = try ArtifactBounds(config: config, path: path)
        let check = DomainCheck(path: path)
        return try readArtifact(path, .labels, world: bounds.world) { root, provenance in
            let (count, person, info) = try labelsSummary(root, path: path, bounds: bounds, check: check)
            return (count, person, info, provenance)
        }
    }

    /// The summary attributes of an open labels file, each checked.
    private static func labelsSummary(_ root: HDF5Group, path: String, bounds: ArtifactBounds, check: DomainCheck) throws
        -> (count: Int, personCount: Int, info: LabelsInfo) {
        typealias Layout = LabelsLayout
        let gridSize = try root.attribute(Layout.gridSize)
        guard gridSize == bounds.world.size else {
            throw GridGRPOError("\(path): made for \(Layout.gridSize.name) \(gridSize), but the config says \(bounds.world.size)")
        }
        let count = try check.count(try root.attribute(Layout.labelCount), in: 1...max(1, bounds.labels), Layout.labelCount.name)
        let new = try check.count(try root.attribute(Layout.newLabelCount), in: 0...count, Layout.newLabelCount.name)
        let person = try check.count(try root.attribute(Layout.personLabelCount), in: 0...count, Layout.personLabelCount.name)
        let candidates = try check.count(try root.attribute(Layout.candidateCount), in: 0...bounds.candidatePairs, Layout.candidateCount.name)
        let typed = try check.count(try root.attribute(Layout.typed), in: 0...1, Layout.typed.name)
        let answeredBy = try root.attribute(Layout.answeredBy)
        try check.require(["simulated", "person"].contains(answeredBy), Layout.answeredBy.name, "is '\(answeredBy)', expected simulated or person")
        let selection = try root.attribute(Layout.selection)
        try check.require(selection.count <= 64, Layout.selection.name, "is longer than 64 characters")
        return (count, person, LabelsInfo(newLabels: new, candidates: candidates, answeredBy: answeredBy, typed: typed == 1, selection: selection))
    }

    /// A labels file of a run of `config`, every count checked against the
    /// config before anything is read and every value against its domain:
    /// answers in {0, ½, 1}, episode indices within a rollout, cells floor
    /// cells of the config's world, actions 0...3, offsets from 0 rising by
    /// 1...max_steps steps per episode, iterations rising from 1 to the
    /// file's own, utilities and disagreements finite.
    public static func readLabels(path: String, config: PipelineConfig) throws -> (labels: LabelSet, info: LabelsInfo, provenance: Provenance) {
        typealias Layout = LabelsLayout
        let bounds = try ArtifactBounds(config: config, path: path)
        let world = bounds.world, check = DomainCheck(path: path)
        return try readArtifact(path, .labels, world: world) { root, provenance in
            let (count, _, info) = try labelsSummary(root, path: path, bounds: bounds, check: check)
            let labels = try root.openGroup(Layout.labels)
            var set = LabelSet()
            set.iterations = try labels.read(Layout.iteration, shape: [count]).map(Int.init)
            let first = try labels.read(Layout.firstEpisode, shape: [count]), second = try labels.read(Layout.secondEpisode, shape: [count])
            try check.values(first, in: 0..<bounds.episodes, Layout.firstEpisode.path, "episode indices")
            try check.values(second, in: 0..<bounds.episodes, Layout.secondEpisode.path, "episode indices")
            set.firstEpisodes = first.map(Int.init)
            set.secondEpisodes = second.map(Int.init)
            set.preferences = try labels.read(Layout.preference, shape: [count])
            if let index = set.preferences.firstIndex(where: { !($0 == 0 || $0 == 0.5 || $0 == 1) }) {
                throw check.fail(Layout.preference.path, "holds \(set.preferences[index]) at index \(index), expected 0, 0.5 or 1")
            }
            set.byPerson = try check.flags(try labels.read(Layout.person, shape: [count]), Layout.person.path)
            set.firstUtilities = try labels.read(Layout.firstUtility, shape: [count])
            set.secondUtilities = try labels.read(Layout.secondUtility, shape: [count])
            set.disagreements = try labels.read(Layout.disagreement, shape: [count])
            for (values, dataset) in [(set.firstUtilities, Layout.firstUtility), (set.secondUtilities, Layout.secondUtility), (set.disagreements, Layout.disagreement)] {
                try check.values(values, in: -Float.greatestFiniteMagnitude...Float.greatestFiniteMagnitude, dataset.path, "values")
            }
            let fileIteration = max(1, provenance.iteration)
            try check.values(set.iterations, in: 1..<(fileIteration + 1), Layout.iteration.path, "iterations")
            try check.require(zip(set.iterations, set.iterations.dropFirst()).allSatisfy { $0 <= $1 }, Layout.iteration.path,
                              "must rise from 1 to the file's iteration \(fileIteration)")
            let segments = try root.openGroup(Layout.segments)
            let offsets = try segments.read(Layout.offsets, shape: [2 * count + 1])
            try check.require(offsets.first == 0, Layout.offsets.path, "must start at 0")
            for segment in 0..<(2 * count) where !(offsets[segment] < offsets[segment + 1] && offsets[segment + 1] - offsets[segment] <= Int64(world.maxSteps)) {
                throw check.fail(Layout.offsets.path, "episode \(segment) spans \(offsets[segment])..<\(offsets[segment + 1]), expected 1...\(world.maxSteps) steps after the previous one")
            }
            // Each of the 2·count episodes has at most max_steps steps, so the
            // last offset is bounded by the config before the steps are read.
            let stepCount = Int(offsets[2 * count])
            set.offsets = offsets.map(Int.init)
            set.goals = try segments.readCells(Layout.goal, shape: [2 * count], world: world, check: check)
            let steps = try root.openGroup(Layout.steps)
            set.agentCells = try steps.readCells(Layout.agentCell, shape: [stepCount], world: world, check: check)
            let actions = try steps.read(Layout.action, shape: [stepCount])
            try check.values(actions, in: 0..<GridWorld.actionCount, Layout.action.path, "actions")
            set.actions = actions.map(Int.init)
            return (set, info, provenance)
        }
    }
}
