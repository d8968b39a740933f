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
    public static let goal = Dataset<UInt8>("goal", in: segments)

    /// Per step of the labelled episodes.
    public static let steps = "steps"
    public static let agentCell = Dataset<UInt8>("agent_cell", in: steps)
    public static let action = Dataset<UInt8>("action", in: steps)

    public static let layout = ArtifactLayout(
        file: "labels.h5", groups: [labels, segments, steps],
        datasets: [iteration.path, firstEpisode.path, secondEpisode.path, preference.path, person.path, firstUtility.path,
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
        try writeArtifact(to: path, provenance: provenance) { root in
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
            try segments.write(Layout.goal, set.goals.map { UInt8($0) })
            let steps = try root.createGroup(Layout.steps)
            try steps.write(Layout.agentCell, set.agentCells.map { UInt8($0) }, compress: true)
            try steps.write(Layout.action, set.actions.map { UInt8($0) }, compress: true)
        }
    }

    /// Only the attributes of a labels file (evaluate records the counts).
    public static func readLabelsSummary(path: String) throws -> (count: Int, personCount: Int, info: LabelsInfo, provenance: Provenance) {
        typealias Layout = LabelsLayout
        return try readArtifact(path, .labels) { root, provenance in
            let count = try root.attribute(Layout.labelCount)
            let new = try root.attribute(Layout.newLabelCount)
            let person = try root.attribute(Layout.personLabelCount)
            let candidates = try root.attribute(Layout.candidateCount)
            guard count >= 1, (0...count).contains(new), (0...count).contains(person), candidates >= 0 else {
                throw GridGRPOError("\(path): \(Layout.labelCount.name) \(count), \(Layout.newLabelCount.name) \(new), \(Layout.personLabelCount.name) \(person) or \(Layout.candidateCount.name) \(candidates) out of range")
            }
            let info = LabelsInfo(newLabels: Int(new), candidates: Int(candidates), answeredBy: try root.attribute(Layout.answeredBy),
                                  typed: try root.attribute(Layout.typed) != 0, selection: try root.attribute(Layout.selection))
            return (Int(count), Int(person), info, provenance)
        }
    }

    /// A labels file, every value checked against the config's grid and its
    /// domain: answers in {0, ½, 1}, cells and actions in range, offsets from 0
    /// rising to the step count with at least one step per episode, iterations
    /// from 1 to the file's own, utilities finite.
    public static func readLabels(path: String, world: GridWorld) throws -> (labels: LabelSet, info: LabelsInfo, provenance: Provenance) {
        typealias Layout = LabelsLayout
        let (_, _, info, _) = try readLabelsSummary(path: path)
        return try readArtifact(path, .labels) { root, provenance in
            let gridSize = try root.attribute(Layout.gridSize)
            guard gridSize == world.size else {
                throw GridGRPOError("\(path): made for \(Layout.gridSize.name) \(gridSize), but the config says \(world.size)")
            }
            let count = Int(try root.attribute(Layout.labelCount))
            let labels = try root.openGroup(Layout.labels)
            var set = LabelSet()
            set.iterations = try labels.read(Layout.iteration, shape: [count]).map(Int.init)
            set.firstEpisodes = try labels.read(Layout.firstEpisode, shape: [count]).map(Int.init)
            set.secondEpisodes = try labels.read(Layout.secondEpisode, shape: [count]).map(Int.init)
            set.preferences = try labels.read(Layout.preference, shape: [count])
            set.byPerson = try labels.read(Layout.person, shape: [count]).map { $0 != 0 }
            set.firstUtilities = try labels.read(Layout.firstUtility, shape: [count])
            set.secondUtilities = try labels.read(Layout.secondUtility, shape: [count])
            set.disagreements = try labels.read(Layout.disagreement, shape: [count])
            let segments = try root.openGroup(Layout.segments)
            set.offsets = try segments.read(Layout.offsets, shape: [2 * count + 1]).map(Int.init)
            set.goals = try segments.read(Layout.goal, shape: [2 * count]).map(Int.init)
            guard set.offsets.first == 0, zip(set.offsets, set.offsets.dropFirst()).allSatisfy({ $0 < $1 }),
                  let stepCount = set.offsets.last else {
                throw GridGRPOError("\(path): \(Layout.offsets.path) must start at 0 and rise by at least one step per episode")
            }
            let steps = try root.openGroup(Layout.steps)
            set.agentCells = try steps.read(Layout.agentCell, shape: [stepCount]).map(Int.init)
            set.actions = try steps.read(Layout.action, shape: [stepCount]).map(Int.init)
            try checkLabels(set, path: path, world: world, iteration: provenance.iteration)
            return (set, info, provenance)
        }
    }

    static func checkLabels(_ set: LabelSet, path: String, world: GridWorld, iteration: Int) throws {
        typealias Layout = LabelsLayout
        guard set.preferences.allSatisfy({ $0 == 0 || $0 == 0.5 || $0 == 1 }) else {
            throw GridGRPOError("\(path): \(Layout.preference.path) holds a value other than 0, 0.5 or 1")
        }
        guard set.iterations.allSatisfy({ (1...max(1, iteration)).contains($0) }), zip(set.iterations, set.iterations.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw GridGRPOError("\(path): \(Layout.iteration.path) must rise from 1 to the file's iteration \(iteration)")
        }
        guard (set.firstEpisodes + set.secondEpisodes).allSatisfy({ $0 >= 0 }) else {
            throw GridGRPOError("\(path): a negative episode index in /\(Layout.labels)")
        }
        guard (set.goals + set.agentCells).allSatisfy({ $0 < world.cellCount }) else {
            throw GridGRPOError("\(path): a cell index is outside the \(world.size)×\(world.size) grid")
        }
        guard set.actions.allSatisfy({ $0 < GridWorld.actionCount }) else {
            throw GridGRPOError("\(path): \(Layout.action.path) holds a value outside 0...3")
        }
        guard (set.firstUtilities + set.secondUtilities + set.disagreements).allSatisfy({ $0.isFinite }) else {
            throw GridGRPOError("\(path): /\(Layout.labels) holds NaN or Inf")
        }
    }
}
