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

    /// The summary of an `eval.h5` and, if its run learned the reward from
    /// labels, what it records of them (nil otherwise).
    public static func readEvaluationLabels(path: String) throws -> (summary: EvaluationSummary, labels: EvaluationLabels?, provenance: Provenance) {
        typealias Layout = EvaluationLabelsLayout
        return try readArtifact(path, .evaluation) { root, provenance in
            let summary = try readSummary(from: root)
            guard root.hasAttribute(Layout.labelsSpent.name) else { return (summary, nil, provenance) }
            let labels = EvaluationLabels(labelsSpent: Int(try root.attribute(Layout.labelsSpent)),
                                          personLabels: Int(try root.attribute(Layout.personLabels)),
                                          meanEdgeMoves: try root.attribute(Layout.meanEdgeMoves),
                                          meanRevisits: try root.attribute(Layout.meanRevisits))
            guard labels.labelsSpent >= 0, (0...labels.labelsSpent).contains(labels.personLabels),
                  labels.meanEdgeMoves.isFinite, labels.meanEdgeMoves >= 0, labels.meanRevisits.isFinite, labels.meanRevisits >= 0 else {
                throw GridGRPOError("\(path): \(Layout.labelsSpent.name), \(Layout.personLabels.name) or a criterion is out of range")
            }
            return (summary, labels, provenance)
        }
    }
}
