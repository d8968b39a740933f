/// The point estimates a sweep reports over runs, as Agarwal et al. (2021),
/// *Deep RL at the Edge of the Statistical Precipice* (the `rliable` library),
/// define them. For values x₁ ≤ x₂ ≤ … ≤ xₙ (sorted ascending, n ≥ 1):
///
/// - **mean** = (1/n) Σᵢ xᵢ.
/// - **median** = x₍ₙ₊₁₎/₂ for odd n, (xₙ/₂ + xₙ/₂₊₁) / 2 for even n.
/// - **interquartile mean (IQM)** = the mean of x_{k+1} … x_{n−k} with
///   k = ⌊n/4⌋: the bottom and top quarter of the runs are dropped, exactly
///   `scipy.stats.trim_mean(x, 0.25)`, which rliable calls. For n < 4 no run
///   is dropped and the IQM is the mean.
/// - **quantile** q ∈ [0, 1] (for the percentile intervals) = linear
///   interpolation between order statistics, numpy's default ("type 7"):
///   h = (n − 1)·q, Q(q) = x_{⌊h⌋+1} + (h − ⌊h⌋)·(x_{⌊h⌋+2} − x_{⌊h⌋+1}).
///
/// Every function takes the values in any order unless its name says
/// `sorted`; an empty list gives NaN (a statistic of no runs).
public enum RobustStatistics {
    public static func mean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        return values.reduce(0, +) / Double(values.count)
    }

    public static func median(_ values: [Double]) -> Double { median(sorted: values.sorted()) }

    public static func median(sorted: [Double]) -> Double {
        let n = sorted.count
        guard n > 0 else { return .nan }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    public static func interquartileMean(_ values: [Double]) -> Double { interquartileMean(sorted: values.sorted()) }

    public static func interquartileMean(sorted: [Double]) -> Double {
        let n = sorted.count
        guard n > 0 else { return .nan }
        let k = n / 4
        var sum = 0.0
        for index in k..<(n - k) { sum += sorted[index] }
        return sum / Double(n - 2 * k)
    }

    /// The type-7 quantile of sorted values.
    public static func quantile(sorted: [Double], _ q: Double) -> Double {
        let n = sorted.count
        guard n > 0 else { return .nan }
        let h = Double(n - 1) * min(max(q, 0), 1)
        let lower = Int(h.rounded(.down))
        let upper = min(lower + 1, n - 1)
        return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
    }

    /// Median, IQM and mean of the same values, in that order (one sort).
    public static func summary(_ values: [Double]) -> [Double] {
        let sorted = values.sorted()
        return [median(sorted: sorted), interquartileMean(sorted: sorted), mean(sorted)]
    }

    /// Median, IQM and mean of the multiset holding `sorted[i]` `weights[i]`
    /// times (the values ascending): the same numbers as `summary` of that
    /// multiset written out, in one pass. With n = Σ weights, the multiset's
    /// element at position p (0-based) is the value whose run of positions
    /// covers p.
    public static func summary(sorted: [Double], weights: [Int]) -> [Double] {
        summary(sorted: sorted, order: Array(weights.indices), weights: weights)
    }

    /// The same, with value i's weight `weights[order[i]]` (weights kept in
    /// the runs' original order, `order` the sorting permutation). A plain
    /// loop over buffers: the bootstrap calls it thousands of times.
    public static func summary(sorted: [Double], order: [Int], weights: [Int]) -> [Double] {
        sorted.withUnsafeBufferPointer { values in
            order.withUnsafeBufferPointer { order in
                weights.withUnsafeBufferPointer { weights in
                    var n = 0
                    var index = 0
                    while index < order.count { n += weights[order[index]]; index += 1 }
                    guard n > 0 else { return [Double.nan, .nan, .nan] }
                    let k = n / 4, lowerMiddle = (n - 1) / 2, upperMiddle = n / 2
                    var position = 0, total = 0.0, middle = 0.0
                    var lowerMedian = 0.0, upperMedian = 0.0
                    index = 0
                    while index < values.count {
                        let count = weights[order[index]]
                        if count > 0 {
                            let value = values[index]
                            let end = position + count  // this value fills positions position..<end
                            total += value * Double(count)
                            let overlap = min(end, n - k) - max(position, k)
                            if overlap > 0 { middle += value * Double(overlap) }
                            if position <= lowerMiddle && lowerMiddle < end { lowerMedian = value }
                            if position <= upperMiddle && upperMiddle < end { upperMedian = value }
                            position = end
                        }
                        index += 1
                    }
                    return [(lowerMedian + upperMedian) / 2, middle / Double(n - 2 * k), total / Double(n)]
                }
            }
        }
    }

    /// The names of `summary`'s three statistics, in its order.
    public static let summaryNames = ["median", "iqm", "mean"]
}
