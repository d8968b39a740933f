/// Probability of improvement (Agarwal et al. 2021, §5, "P(X > Y)") for a
/// metric where lower is better (environment steps to the optimum), with
/// right-censored runs.
///
/// Each run i of setting X is a pair (tᵢ, cᵢ): tᵢ is the value, and cᵢ says
/// whether it is **censored**, i.e. the run never reached the optimum and tᵢ is
/// its budget, a lower bound of the value it would have had. Two runs x and y
/// are scored as in Gehan's generalisation of the Mann–Whitney statistic:
///
///     S(x, y) = 1    if x is not censored and t_x < t_y   (x surely better)
///               0    if y is not censored and t_y < t_x   (y surely better)
///               1/2  otherwise (equal values, or an order the censoring hides)
///
/// and P(X better than Y) = (1 / (m·n)) Σᵢ Σⱼ S(xᵢ, yⱼ) over X's m runs and
/// Y's n runs. Without censoring this is rliable's probability of
/// improvement on one task, the Mann–Whitney U / (m·n) with ties counting
/// one half. P(X better than Y) + P(Y better than X) = 1. Its interval is the
/// stratified bootstrap of `Bootstrap` with X's and Y's runs as the two strata.
public enum ProbabilityOfImprovement {
    public struct Run: Equatable, Sendable {
        public var value: Double
        public var censored: Bool
        public init(_ value: Double, censored: Bool = false) {
            self.value = value
            self.censored = censored
        }
    }

    /// P(X better than Y), in O((m + n) log n).
    public static func estimate(_ x: [Run], _ y: [Run]) -> Double {
        guard !x.isEmpty, !y.isEmpty else { return .nan }
        let ys = y.map(\.value).sorted()
        let xs = x.map(\.value).sorted()
        // pairs where x is observed and strictly below y
        var xWins = 0
        for run in x where !run.censored { xWins += ys.count - upperBound(ys, run.value) }
        var yWins = 0
        for run in y where !run.censored { yWins += xs.count - upperBound(xs, run.value) }
        let pairs = Double(x.count * y.count)
        return (Double(xWins) + 0.5 * (pairs - Double(xWins) - Double(yWins))) / pairs
    }

    /// The index of the first element greater than `value` in sorted `values`.
    static func upperBound(_ values: [Double], _ value: Double) -> Int {
        var low = 0, high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// P(X better than Y) with its stratified bootstrap interval.
    public static func interval(_ x: [Run], _ y: [Run], name: String, settings: Bootstrap.Settings,
                                threads: Int = 0) -> Bootstrap.Interval {
        Bootstrap.intervals([x, y], name: name, settings: settings, threads: threads) { [estimate($0[0], $0[1])] }[0]
    }
}
