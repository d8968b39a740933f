/// The attributes `eval.h5` gains in a run that learns its reward from labels
/// (`preference.source` other than `return`): the labels spent so far and the
/// greedy policy's other criteria. The evaluation itself is on the true reward.
public enum EvaluationLabelsLayout {
    public static let labelsSpent = Attribute<Int64>("labels_spent")
    public static let personLabels = Attribute<Int64>("person_labels")
    public static let meanEdgeMoves = Attribute<Double>("mean_edge_moves")
    public static let meanRevisits = Attribute<Double>("mean_revisits")

    public static let layout = ArtifactLayout(
        file: "eval.h5", groups: [], datasets: [],
        attributes: [labelsSpent.name, personLabels.name, meanEdgeMoves.name, meanRevisits.name])
}

/// What a learned-reward run's evaluation records beside the evaluation.
public struct EvaluationLabels: Equatable, Sendable {
    public var labelsSpent: Int
    public var personLabels: Int
    public var meanEdgeMoves: Double
    public var meanRevisits: Double

    public init(labelsSpent: Int, personLabels: Int, meanEdgeMoves: Double, meanRevisits: Double) {
        self.labelsSpent = labelsSpent
        self.personLabels = personLabels
        self.meanEdgeMoves = meanEdgeMoves
        self.meanRevisits = meanRevisits
    }
}

extension ArtifactSchema {
    static func writeEvaluationLabels(_ labels: EvaluationLabels, to root: HDF5Group) throws {
        typealias Layout = EvaluationLabelsLayout
        try root.setAttribute(Layout.labelsSpent, Int64(labels.labelsSpent))
        try root.setAttribute(Layout.personLabels, Int64(labels.personLabels))
        try root.setAttribute(Layout.meanEdgeMoves, labels.meanEdgeMoves)
        try root.setAttribute(Layout.meanRevisits, labels.meanRevisits)
    }

    /// The summary of an `eval.h5` of a run of `config` and, if that run
    /// learns its reward from labels, what it records of them (nil
    /// otherwise): counts within what the run can have asked, criteria finite
    /// and non-negative. The attributes are present exactly when the config
    /// learns its reward.
    public static func readEvaluationLabels(path: String, config: PipelineConfig) throws -> (summary: EvaluationSummary, labels: EvaluationLabels?, provenance: Provenance) {
        typealias Layout = EvaluationLabelsLayout
        let bounds = try ArtifactBounds(config: config, path: path)
        let check = DomainCheck(path: path)
        return try readArtifact(path, .evaluation, world: bounds.world) { root, provenance in
            let summary = try readSummary(from: root, path: path, bounds: bounds)
            let learns = config.preference.learnsReward
            try check.require(root.hasAttribute(Layout.labelsSpent.name) == learns, Layout.labelsSpent.name,
                              learns ? "is missing, but the config learns its reward from labels" : "is present, but the config's preference.source is return")
            guard learns else { return (summary, nil, provenance) }
            let spent = try check.count(try root.attribute(Layout.labelsSpent), in: 0...bounds.labels, Layout.labelsSpent.name)
            let person = try check.count(try root.attribute(Layout.personLabels), in: 0...spent, Layout.personLabels.name)
            let edges = try root.attribute(Layout.meanEdgeMoves), revisits = try root.attribute(Layout.meanRevisits)
            try check.value(edges, in: 0...Double(bounds.world.maxSteps), Layout.meanEdgeMoves.name)
            try check.value(revisits, in: 0...Double(bounds.world.maxSteps), Layout.meanRevisits.name)
            return (summary, EvaluationLabels(labelsSpent: spent, personLabels: person, meanEdgeMoves: edges, meanRevisits: revisits), provenance)
        }
    }
}
