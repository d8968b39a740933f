import Foundation
import GridGRPO

/// What the preference figures and the report's preference section read from
/// a run with a learned reward: per iteration, the labels spent and the
/// greedy policy's quality (every eval.h5), and the reward model's
/// measurements (every reward.h5).
public struct PreferenceHistory {
    /// Per evaluated iteration 0…N.
    public var iterations: [Int] = []
    public var labelsSpent: [Int] = []
    public var personLabels: [Int] = []
    public var optimalFraction: [Double] = []
    public var successRate: [Double] = []
    public var meanEdgeMoves: [Double] = []
    public var meanRevisits: [Double] = []
    /// Per reward.h5, iterations 1…N.
    public var rewardIterations: [Int] = []
    public var reward: [RewardMetrics] = []
    public var inputs: [Provenance.Input] = []

    public init(config: PipelineConfig, evaluationPaths: [String], rewardPaths: [String]) throws {
        guard !evaluationPaths.isEmpty else { throw GridGRPOError("no eval.h5 files given: the run is empty (run `make` first)") }
        var rows: [Int: (EvaluationSummary, EvaluationLabels)] = [:]
        var read: [Provenance.Input] = []
        for path in evaluationPaths {
            let (summary, labels, provenance) = try ArtifactSchema.readEvaluationLabels(path: path, config: config)
            guard let labels else { throw GridGRPOError("\(path): records no labels spent (a run with preference.source: return?)") }
            guard rows[provenance.iteration] == nil else { throw GridGRPOError("\(path): a second eval.h5 for iteration \(provenance.iteration)") }
            rows[provenance.iteration] = (summary, labels)
            read.append(try .input("evaluation", path: path))
        }
        var rewards: [Int: RewardMetrics] = [:]
        for path in rewardPaths {
            let (metrics, provenance) = try ArtifactSchema.readRewardMetrics(path: path, config: config)
            guard rewards[provenance.iteration] == nil else { throw GridGRPOError("\(path): a second reward.h5 for iteration \(provenance.iteration)") }
            rewards[provenance.iteration] = metrics
            read.append(try .input("reward", path: path))
        }
        inputs = read.sorted { ($0.role, $0.name) < ($1.role, $1.name) }
        iterations = rows.keys.sorted()
        for iteration in iterations {
            guard let (summary, labels) = rows[iteration] else { continue }
            labelsSpent.append(labels.labelsSpent)
            personLabels.append(labels.personLabels)
            optimalFraction.append(summary.optimalFraction)
            successRate.append(summary.successRate)
            meanEdgeMoves.append(labels.meanEdgeMoves)
            meanRevisits.append(labels.meanRevisits)
        }
        rewardIterations = rewards.keys.sorted()
        reward = rewardIterations.compactMap { rewards[$0] }
    }

    /// The labels spent when the greedy policy was first optimal from every
    /// start configuration, and that iteration; nil if it never was.
    public var labelsToOptimum: (labels: Int, iteration: Int)? {
        guard let index = optimalFraction.firstIndex(where: { $0 >= 1 }) else { return nil }
        return (labelsSpent[index], iterations[index])
    }
}
