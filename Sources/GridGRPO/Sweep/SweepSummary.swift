import Foundation

/// A sweep's statistics, per setting over its seeds (the formulas are in
/// Sources/GridGRPO/Statistics/): for each metric of `RunOutcome.Metric`,
/// the median, IQM and mean with 95 % stratified bootstrap intervals; the
/// probability that one setting needs fewer environment steps to the optimum
/// than another, for each pair, with its interval; the performance profile
/// of the final fraction optimal; the fraction of runs at the optimum within
/// τ environment steps; and the mean fraction optimal against environment
/// steps (the sample-efficiency curve), each point with its interval. The
/// bootstrap seed is the sweep file's, so the same runs give the same numbers.
public struct SweepSummary: Sendable {
    public struct Metric: Sendable {
        public var metric: RunOutcome.Metric
        public var values: [Double]
        public var censored: [Bool]
        /// Median, IQM and mean with their intervals (`RobustStatistics.summaryNames`).
        public var statistics: [Bootstrap.Interval]
        public var anyCensored: Bool { censored.contains(true) }
    }

    public struct Setting: Sendable {
        public var name: String
        public var runs: Int
        public var reached: Int
        public var seeds: [UInt64]
        public var metrics: [Metric]
        public var efficiency: [Bootstrap.Interval]
        public var reachedWithin: [Bootstrap.Interval]
        public var profile: [Bootstrap.Interval]
    }

    public var name: String
    public var description: String?
    public var settings: [Setting]
    /// `improvement[i][j]` = P(setting i needs fewer env steps to the optimum than j); nil on the diagonal.
    public var improvement: [[Bootstrap.Interval?]]
    public var stepGrid: [Double]
    public var profileThresholds: [Double]
    public var bootstrap: Bootstrap.Settings
    public var unfinished: [String]
    public var outcomes: [RunOutcome]

    /// Above this many settings the pairwise table is left out (it would
    /// have more than 300 entries).
    public static let maximumSettingsForImprovement = 25

    /// The curves' resolution: 51 points from 0 to the largest run's steps
    /// (and from 0 to 1 for the profile's thresholds).
    public static let gridIntervals = 50

    public static func compute(plan: SweepPlan, outcomes: [RunOutcome], unfinished: [String], threads: Int = 0) -> SweepSummary {
        let bootstrap = plan.sweep.bootstrap
        let maximumSteps = outcomes.map { $0.curveSteps.last ?? 0 }.max() ?? 0
        let stepGrid = (0...gridIntervals).map { maximumSteps * Double($0) / Double(gridIntervals) }
        let thresholds = (0...gridIntervals).map { Double($0) / Double(gridIntervals) }
        var settings: [Setting] = []
        var groups: [[RunOutcome]] = []
        for setting in plan.settings {
            let members = outcomes.filter { $0.setting == setting.index }
            groups.append(members)
            // One bootstrap per setting: every statistic of a replicate is
            // computed on the same resample of the setting's runs.
            let metrics = RunOutcome.Metric.allCases
            let sortedMetrics = metrics.map { metric -> (order: [Int], values: [Double]) in
                let values = members.map { $0.value(metric) }
                let order = values.indices.sorted { values[$0] < values[$1] }
                return (order, order.map { values[$0] })
            }
            let curves = members.map { Profiles.stepCurve(xs: $0.curveSteps, ys: $0.curveOptimalFraction, grid: stepGrid) }
            let costs = Profiles.SortedRuns(members.map(\.steps), censored: members.map(\.censored))
            let finals = Profiles.SortedRuns(members.map(\.finalOptimalFraction))
            let intervals = Bootstrap.intervals(counts: [members.count], name: "setting/\(setting.name)", settings: bootstrap, threads: threads) { weights in
                let w = weights[0]
                return sortedMetrics.flatMap { RobustStatistics.summary(sorted: $0.values, order: $0.order, weights: w) }
                    + Profiles.meanCurve(curves, weights: w)
                    + costs.reachedWithin(weights: w, thresholds: stepGrid)
                    + finals.scoreProfile(weights: w, thresholds: thresholds)
            }
            guard intervals.count == 3 * metrics.count + 2 * stepGrid.count + thresholds.count else {
                // a setting without finished runs: no curve, NaN statistics
                let empty = Bootstrap.Interval(point: .nan, low: .nan, high: .nan)
                settings.append(Setting(name: setting.name, runs: 0, reached: 0, seeds: [],
                                        metrics: metrics.map { Metric(metric: $0, values: [], censored: [], statistics: [empty, empty, empty]) },
                                        efficiency: [], reachedWithin: [], profile: []))
                continue
            }
            var offset = 0
            func take(_ count: Int) -> [Bootstrap.Interval] {
                defer { offset += count }
                return Array(intervals[offset..<offset + count])
            }
            let metricSummaries = metrics.map { metric in
                Metric(metric: metric, values: members.map { $0.value(metric) },
                       censored: members.map { metric.isCost && $0.censored }, statistics: take(3))
            }
            let efficiency = take(stepGrid.count), reachedWithin = take(stepGrid.count), profile = take(thresholds.count)
            settings.append(Setting(name: setting.name, runs: members.count, reached: members.filter(\.reached).count,
                                    seeds: members.map(\.seed), metrics: metricSummaries, efficiency: efficiency,
                                    reachedWithin: reachedWithin, profile: profile))
        }
        var improvement = [[Bootstrap.Interval?]](repeating: [Bootstrap.Interval?](repeating: nil, count: settings.count), count: settings.count)
        if settings.count <= maximumSettingsForImprovement {
            for i in settings.indices {
                for j in settings.indices where j > i && !groups[i].isEmpty && !groups[j].isEmpty {
                    let x = groups[i].map { ProbabilityOfImprovement.Run($0.steps, censored: $0.censored) }
                    let y = groups[j].map { ProbabilityOfImprovement.Run($0.steps, censored: $0.censored) }
                    let forward = ProbabilityOfImprovement.interval(x, y, name: "improvement/\(settings[i].name)/\(settings[j].name)",
                                                                    settings: bootstrap, threads: threads)
                    improvement[i][j] = forward
                    improvement[j][i] = Bootstrap.Interval(point: 1 - forward.point, low: 1 - forward.high, high: 1 - forward.low)
                }
            }
        }
        return SweepSummary(name: plan.sweep.name, description: plan.sweep.description, settings: settings, improvement: improvement,
                            stepGrid: stepGrid, profileThresholds: thresholds, bootstrap: bootstrap, unfinished: unfinished,
                            outcomes: outcomes)
    }
}
