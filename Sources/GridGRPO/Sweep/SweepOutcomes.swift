import Foundation

/// What the aggregation reads of each finished run: when it first reached
/// the optimum (the greedy policy optimal from every start configuration),
/// its final fraction optimal, and its curve of fraction optimal against
/// environment steps.
///
/// A run that never reached the optimum is **censored at its budget**: its
/// iterations, environment steps and seconds "to the optimum" are those of
/// its whole run (all `iterations`), a lower bound of what it would have
/// needed, flagged `censored`. It is never dropped.
public struct RunOutcome: Sendable {
    public var setting: Int
    public var seed: UInt64
    public var relativePath: String
    public var reached: Bool
    /// Iterations, environment steps and training seconds to the optimum (or the budget, censored).
    public var iterations: Double
    public var steps: Double
    public var seconds: Double
    public var finalOptimalFraction: Double
    public var curveSteps: [Double]
    public var curveOptimalFraction: [Double]
    /// SHA-256 of the weights its last evaluation evaluated (recorded in
    /// that eval.h5): the provenance of the aggregate, without rehashing.
    public var finalWeightsSHA256: String

    public var censored: Bool { !reached }

    public init(setting: Int, seed: UInt64, relativePath: String, curves: RunCurves) {
        self.setting = setting
        self.seed = seed
        self.relativePath = relativePath
        let last = curves.steps.count - 1
        let at = curves.firstOptimal ?? last
        reached = curves.firstOptimal != nil
        iterations = Double(curves.firstOptimal ?? curves.config.iterations)
        steps = curves.steps[at]
        seconds = curves.seconds[at]
        finalOptimalFraction = curves.optimalFraction[last]
        curveSteps = curves.steps
        curveOptimalFraction = curves.optimalFraction
        finalWeightsSHA256 = curves.finalWeightsSHA256
    }

    /// The metrics a sweep reports, in the table's order.
    public enum Metric: String, CaseIterable, Sendable {
        case iterations = "iterations_to_optimum"
        case steps = "env_steps_to_optimum"
        case seconds = "seconds_to_optimum"
        case finalOptimalFraction = "final_fraction_optimal"

        public var title: String {
            switch self {
            case .iterations: return "iterations to optimum"
            case .steps: return "env steps to optimum"
            case .seconds: return "training seconds to optimum"
            case .finalOptimalFraction: return "final fraction optimal"
            }
        }

        /// Lower is better, and a censored run's value is a lower bound.
        public var isCost: Bool { self != .finalOptimalFraction }
    }

    public func value(_ metric: Metric) -> Double {
        switch metric {
        case .iterations: return iterations
        case .steps: return steps
        case .seconds: return seconds
        case .finalOptimalFraction: return finalOptimalFraction
        }
    }

    /// Reads every finished run of `plan`. Unfinished runs are an error
    /// naming the first, unless `allowUnfinished` (the Slurm aggregation
    /// job, which runs after the array whatever became of its tasks): then
    /// they are listed and left out.
    public static func load(_ plan: SweepPlan, allowUnfinished: Bool) throws -> (outcomes: [RunOutcome], unfinished: [String]) {
        var finished: [SweepPlan.Run] = [], unfinished: [String] = []
        for run in plan.runs {
            if plan.isFinished(run) { finished.append(run) } else { unfinished.append(run.relativePath) }
        }
        if let first = unfinished.first, !allowUnfinished {
            throw GridGRPOError("\(plan.directory)/\(first): not finished (\(unfinished.count) of \(plan.runs.count) runs are not); run make sweep first")
        }
        guard !finished.isEmpty else { throw GridGRPOError("\(plan.directory): no run of sweep '\(plan.sweep.name)' has finished yet") }
        let outcomes = try finished.map { run in
            RunOutcome(setting: run.setting, seed: run.seed, relativePath: run.relativePath,
                       curves: try RunCurves.load(directory: run.directory, config: run.config))
        }
        return (outcomes, unfinished)
    }
}
