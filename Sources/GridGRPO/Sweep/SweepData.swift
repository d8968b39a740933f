import Foundation

/// `sweep.h5`, the aggregation stage's artifact, written through the
/// project's HDF5 layer (atomically, no timestamps: the same runs give the
/// same bytes, but for the measured seconds).
///
/// Root attributes: `schema` = gridgrpo.sweep, `schema_version`, `stage` =
/// aggregate, `sweep`, `sweep_file`, `sweep_file_sha256`, `bootstrap_replicates`,
/// `bootstrap_seed`, `confidence`, `censoring`, `unfinished_runs`.
/// - `/runs/`: one entry per finished run: `setting` (index), `seed`, `reached`,
///   `iterations_to_optimum`, `env_steps_to_optimum`, `seconds_to_optimum`
///   (censored at the budget when not reached), `final_fraction_optimal`,
///   `final_weights_sha256` ([runs, 32]: the SHA-256 of the weights its last
///   eval.h5 evaluated, as that file records it; zeros if it records none).
/// - `/settings/NNN/`: attributes `name`, `base_config`, `values`, `runs`,
///   `reached`; a group per metric with attributes `median`, `median_low`,
///   `median_high`, `iqm`, …, `mean_high`, `censored_runs`; datasets
///   `efficiency`, `reached_within` ([3, G]: estimate, low, high over
///   `/grid/env_steps`) and `profile` ([3, T] over `/grid/profile_thresholds`).
/// - `/improvement/`: `estimate`, `low`, `high` ([S, S]: P(row needs fewer env
///   steps to the optimum than column); NaN on the diagonal).
public enum SweepData {
    public static let schema = "gridgrpo.sweep"
    public static let schemaVersion: Int64 = 1
    public static let censoring = "a run that never reached the optimum counts at its budget (all its iterations, steps and seconds), a lower bound, flagged; none is dropped"

    public static func write(_ summary: SweepSummary, plan: SweepPlan, to path: String) throws {
        try withHDF5 {
            let writer = try HDF5Writer(path: path)
            let root = writer.root
            try root.setAttribute("schema", schema)
            try root.setAttribute("schema_version", schemaVersion)
            try root.setAttribute("stage", "aggregate")
            try root.setAttribute("sweep", summary.name)
            try root.setAttribute("sweep_file", plan.sweep.source)
            try root.setAttribute("sweep_file_sha256", plan.sweep.digest)
            try root.setAttribute("bootstrap_replicates", Int64(summary.bootstrap.replicates))
            try root.setAttribute("bootstrap_seed", Int64(bitPattern: summary.bootstrap.seed))
            try root.setAttribute("confidence", summary.bootstrap.confidence)
            try root.setAttribute("censoring", censoring)
            try root.setAttribute("unfinished_runs", summary.unfinished.joined(separator: "\n"))

            let runs = try root.createGroup("runs")
            let outcomes = summary.outcomes
            try runs.write("setting", outcomes.map { Int32($0.setting) })
            try runs.write("seed", outcomes.map { Int64(bitPattern: $0.seed) })
            try runs.write("reached", outcomes.map { UInt8($0.reached ? 1 : 0) })
            for metric in RunOutcome.Metric.allCases {
                try runs.write(metric.rawValue, outcomes.map { $0.value(metric) })
            }
            try runs.write("final_weights_sha256", outcomes.flatMap { bytes(hex: $0.finalWeightsSHA256) }, shape: [outcomes.count, 32])

            let grid = try root.createGroup("grid")
            try grid.write("env_steps", summary.stepGrid)
            try grid.write("profile_thresholds", summary.profileThresholds)

            let settings = try root.createGroup("settings")
            for (index, setting) in summary.settings.enumerated() {
                let group = try settings.createGroup(String(cFormat: "%03ld", index))
                try group.setAttribute("name", setting.name)
                try group.setAttribute("base_config", plan.settings[index].baseConfig)
                try group.setAttribute("values", plan.settings[index].values.map { "\($0.key): \($0.value)" }.joined(separator: "\n"))
                try group.setAttribute("runs", Int64(setting.runs))
                try group.setAttribute("reached", Int64(setting.reached))
                for metric in setting.metrics {
                    let metricGroup = try group.createGroup(metric.metric.rawValue)
                    for (name, interval) in zip(RobustStatistics.summaryNames, metric.statistics) {
                        try metricGroup.setAttribute(name, interval.point)
                        try metricGroup.setAttribute(name + "_low", interval.low)
                        try metricGroup.setAttribute(name + "_high", interval.high)
                    }
                    try metricGroup.setAttribute("censored_runs", Int64(metric.censored.filter { $0 }.count))
                }
                for (name, curve) in [("efficiency", setting.efficiency), ("reached_within", setting.reachedWithin), ("profile", setting.profile)] {
                    try group.write(name, curve.map(\.point) + curve.map(\.low) + curve.map(\.high), shape: [3, curve.count])
                }
            }

            let improvement = try root.createGroup("improvement")
            let matrix = summary.improvement
            let count = matrix.count
            try improvement.write("estimate", matrix.flatMap { $0.map { $0?.point ?? .nan } }, shape: [count, count])
            try improvement.write("low", matrix.flatMap { $0.map { $0?.low ?? .nan } }, shape: [count, count])
            try improvement.write("high", matrix.flatMap { $0.map { $0?.high ?? .nan } }, shape: [count, count])
            try writer.commit()
        }
    }

    static func bytes(hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            result.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return result.count == 32 ? result : [UInt8](repeating: 0, count: 32)
    }
}
