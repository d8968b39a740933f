import Foundation

/// A finished run's learning curve, read from its own files: per iteration
/// 0…N the cumulative environment steps (each rollout.h5's `step_count`) and
/// training seconds (the rollout, pair and update stages' own wall times in
/// stages.jsonl, start-up excluded), and the exhaustive evaluation's summary
/// (eval.h5). What `make compare`'s figure and a sweep's statistics read.
public struct RunCurves: Sendable {
    public var directory: String
    public var config: PipelineConfig
    public var steps: [Double] = []
    public var seconds: [Double] = []
    public var successRate: [Double] = []
    public var optimalityGap: [Double] = []
    /// The fraction of start configurations from which the greedy policy is optimal.
    public var optimalFraction: [Double] = []
    /// The first iteration whose greedy policy is optimal from every start configuration.
    public var firstOptimal: Int?
    public var evaluationPaths: [String] = []
    /// The SHA-256 of the weights the last evaluation evaluated (its
    /// recorded `weights` input): which policy the run ended with.
    public var finalWeightsSHA256 = ""

    public static func load(directory: String, config: PipelineConfig) throws -> RunCurves {
        var run = RunCurves(directory: directory, config: config)
        let recordsPath = directory + "/" + StageRecord.fileName
        let times = StageRecord.latest(try StageRecord.read(path: recordsPath))
        var steps = 0.0, seconds = 0.0
        for iteration in 0...config.iterations {
            let folder = "\(directory)/\(StageGraph.iterationDirectory(iteration))"
            if iteration > 0 {
                steps += Double(try ArtifactSchema.readRolloutSummary(path: folder + "/" + Stage.rollout.output(for: config.algorithm)))
                for stage in [Stage.rollout, .pair, .update] {
                    guard let record = times[StageRecord.key(stage.rawValue, iteration)] else {
                        throw GridGRPOError("\(recordsPath): no time for \(stage.rawValue) of iteration \(iteration)")
                    }
                    seconds += record.milliseconds / 1000
                }
            }
            let path = folder + "/" + Stage.evaluate.output(for: config.algorithm)
            let (summary, provenance) = try ArtifactSchema.readEvaluationSummary(path: path, config: config)
            run.finalWeightsSHA256 = provenance.inputs.first { $0.role == InputRole.weights.rawValue }?.sha256 ?? ""
            run.evaluationPaths.append(path)
            run.steps.append(steps)
            run.seconds.append(seconds)
            run.successRate.append(summary.successRate)
            run.optimalityGap.append(summary.meanOptimalityGap)
            run.optimalFraction.append(summary.optimalFraction)
            if summary.allOptimal && run.firstOptimal == nil { run.firstOptimal = iteration }
        }
        return run
    }
}
