import Foundation

/// `sweep.md`: the sweep's statistics as Markdown tables, with the method
/// stated under them.
public enum SweepTable {
    static func format(_ value: Double, _ metric: RunOutcome.Metric) -> String {
        guard value.isFinite else { return "–" }
        switch metric {
        case .iterations: return value == value.rounded() ? String(cFormat: "%.0f", value) : String(cFormat: "%.1f", value)
        case .steps: return grouped(value)
        case .seconds: return String(cFormat: "%.2f", value)
        case .finalOptimalFraction: return String(cFormat: "%.3f", value)
        }
    }

    /// A whole number with thin separators every three digits: 120 171.
    static func grouped(_ value: Double) -> String {
        let digits = String(cFormat: "%.0f", value.rounded())
        let negative = digits.hasPrefix("-")
        let body = Array(negative ? String(digits.dropFirst()) : digits)
        var result = ""
        for (index, character) in body.enumerated() {
            if index > 0 && (body.count - index) % 3 == 0 { result += "\u{202F}" }
            result.append(character)
        }
        return (negative ? "-" : "") + result
    }

    /// "IQM [low, high]", with ≥ when censored runs make it a lower bound.
    static func cell(_ interval: Bootstrap.Interval, _ metric: SweepSummary.Metric) -> String {
        guard interval.point.isFinite else { return "–" }
        let bound = metric.anyCensored ? "≥ " : ""
        return "\(bound)\(format(interval.point, metric.metric)) [\(format(interval.low, metric.metric)), \(format(interval.high, metric.metric))]"
    }

    public static func markdown(_ summary: SweepSummary) -> String {
        let percent = Int((summary.bootstrap.confidence * 100).rounded())
        let metrics = RunOutcome.Metric.allCases
        var lines = ["# Sweep `\(summary.name)`", ""]
        if let description = summary.description { lines += [description, ""] }
        let runCount = summary.settings.reduce(0) { $0 + $1.runs }
        lines.append("\(summary.settings.count) setting\(summary.settings.count == 1 ? "" : "s"), \(runCount) finished runs"
                     + (summary.unfinished.isEmpty ? "." : "; **\(summary.unfinished.count) unfinished, not included**: \(summary.unfinished.prefix(10).joined(separator: ", "))\(summary.unfinished.count > 10 ? ", …" : "")."))
        lines += ["", "## Interquartile mean and \(percent) % interval", ""]
        lines.append("| setting | runs at the optimum | " + metrics.map(\.title).joined(separator: " | ") + " |")
        lines.append("|---|---:|" + metrics.map { _ in "---:" }.joined(separator: "|") + "|")
        for setting in summary.settings {
            let cells = setting.metrics.map { cell($0.statistics[1], $0) }
            lines.append("| \(setting.name) | \(setting.reached)/\(setting.runs) | " + cells.joined(separator: " | ") + " |")
        }
        lines += ["", "## Median, IQM and mean with \(percent) % stratified bootstrap intervals", ""]
        lines.append("| setting | statistic | " + metrics.map(\.title).joined(separator: " | ") + " |")
        lines.append("|---|---|" + metrics.map { _ in "---:" }.joined(separator: "|") + "|")
        for setting in summary.settings {
            for (index, statistic) in ["median", "IQM", "mean"].enumerated() {
                let cells = setting.metrics.map { cell($0.statistics[index], $0) }
                lines.append("| \(index == 0 ? setting.name : "") | \(statistic) | " + cells.joined(separator: " | ") + " |")
            }
        }
        if summary.settings.count > 1 {
            lines += ["", "## Probability of improvement: P(row needs fewer env steps to the optimum than column)", ""]
            if summary.settings.count > SweepSummary.maximumSettingsForImprovement {
                lines.append("Left out: more than \(SweepSummary.maximumSettingsForImprovement) settings.")
            } else {
                lines.append("| | " + summary.settings.map(\.name).joined(separator: " | ") + " |")
                lines.append("|---|" + summary.settings.map { _ in "---:" }.joined(separator: "|") + "|")
                for (i, setting) in summary.settings.enumerated() {
                    let cells = summary.improvement[i].map { interval in
                        interval.map { String(cFormat: "%.2f [%.2f, %.2f]", $0.point, $0.low, $0.high) } ?? "–"
                    }
                    lines.append("| \(setting.name) | " + cells.joined(separator: " | ") + " |")
                }
            }
        }
        let censored = summary.outcomes.filter(\.censored).count
        lines += [
            "",
            "Method. \"Optimum\": the greedy policy reaches the goal in the fewest moves from every start configuration (exhaustive evaluation, eval.h5). "
            + "Env steps: the rollouts' steps up to that iteration; training seconds: the rollout, pair and update stages' own wall times (stages.jsonl), start-up excluded. "
            + "Censoring: \(censored) run\(censored == 1 ? "" : "s") never reached the optimum; each counts at its budget (its whole run), a lower bound, never dropped: a cell marked ≥ holds such runs. "
            + "IQM: mean of the middle 50 % of runs (⌊n/4⌋ dropped at each end). "
            + "Intervals: \(percent) % percentile intervals of a stratified bootstrap over each setting's runs (Agarwal et al. 2021, rliable), "
            + "\(summary.bootstrap.replicates) replicates, bootstrap seed \(summary.bootstrap.seed). "
            + "Probability of improvement: Mann–Whitney with ties and censoring-hidden orders counting ½ (Gehan). "
            + "Formulas: Sources/GridGRPO/Statistics/.",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
