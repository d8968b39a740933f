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
        Pair(x, y).estimate(weights: (x.map { _ in 1 }, y.map { _ in 1 }))
    }

    /// P(X better than Y) for the multisets holding run i of X `weights.x[i]`
    /// times and run j of Y `weights.y[j]` times (a bootstrap resample).
    public static func estimate(_ x: [Run], _ y: [Run], weights: (x: [Int], y: [Int])) -> Double {
        Pair(x, y).estimate(weights: weights)
    }

    /// Two settings' runs, each sorted once, so that a replicate costs one pass.
    public struct Pair: Sendable {
        let x: Sorted, y: Sorted

        public init(_ x: [Run], _ y: [Run]) {
            self.x = Sorted(x)
            self.y = Sorted(y)
        }

        public func estimate(weights: (x: [Int], y: [Int])) -> Double {
            let totalX = weights.x.reduce(0, +), totalY = weights.y.reduce(0, +)
            guard totalX > 0, totalY > 0 else { return .nan }
            let xWins = x.wins(weights.x, over: y, weights.y)
            let yWins = y.wins(weights.y, over: x, weights.x)
            let pairs = Double(totalX) * Double(totalY)
            return (xWins + 0.5 * (pairs - xWins - yWins)) / pairs
        }
    }

    /// Runs in ascending order of value, with their original indices.
    struct Sorted: Sendable {
        let order: [Int]
        let values: [Double]
        let censored: [Bool]

        init(_ runs: [Run]) {
            order = runs.indices.sorted { runs[$0].value < runs[$1].value }
            values = order.map { runs[$0].value }
            censored = order.map { runs[$0].censored }
        }

        /// Σ over observed runs a of self and runs b of `other` with t_a < t_b
        /// of their weights' product (weights in original order). Both lists
        /// ascending: one merge-like pass.
        func wins(_ weights: [Int], over other: Sorted, _ otherWeights: [Int]) -> Double {
            values.withUnsafeBufferPointer { values in
            order.withUnsafeBufferPointer { order in
            censored.withUnsafeBufferPointer { censored in
            weights.withUnsafeBufferPointer { weights in
            other.values.withUnsafeBufferPointer { otherValues in
            other.order.withUnsafeBufferPointer { otherOrder in
            otherWeights.withUnsafeBufferPointer { otherWeights in
                var above = 0  // weight of other's runs with a value > the current one
                var next = 0
                while next < otherOrder.count { above += otherWeights[otherOrder[next]]; next += 1 }
                next = 0
                var total = 0.0
                var index = 0
                while index < values.count {
                    let value = values[index]
                    while next < otherValues.count && otherValues[next] <= value {
                        above -= otherWeights[otherOrder[next]]
                        next += 1
                    }
                    let weight = weights[order[index]]
                    if weight > 0 && !censored[index] { total += Double(weight) * Double(above) }
                    index += 1
                }
                return total
            }}}}}}}
        }
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
        let pair = Pair(x, y)
        return Bootstrap.intervals(counts: [x.count, y.count], name: name, settings: settings, threads: threads) {
            [pair.estimate(weights: ($0[0], $0[1]))]
        }[0]
    }
}
