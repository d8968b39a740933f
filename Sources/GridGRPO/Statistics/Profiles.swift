/// Curves over a setting's runs, each a function of a threshold or of the
/// environment steps, whose intervals come from `Bootstrap.intervals` with
/// the setting's runs as the one stratum (one interval per point).
///
/// - **Performance profile** (Agarwal et al. 2021, §5): for a score sᵢ per run
///   (here the final fraction of optimal start configurations) and a
///   threshold τ, F(τ) = (1/n) · #{i : sᵢ > τ}, the fraction of runs scoring
///   above τ.
/// - **Reached within τ**: for a cost tᵢ per run with censoring cᵢ (a run that
///   never reached the optimum has its budget as tᵢ, censored), G(τ) =
///   (1/n) · #{i : not cᵢ and tᵢ ≤ τ}, the fraction of runs at the optimum
///   within τ environment steps; a censored run never counts, however large τ.
/// - **Sample-efficiency curve**: a run's fraction optimal as a function of
///   environment steps is the step function f_i(x) = the value its evaluation
///   gave after the last iteration whose cumulative steps are ≤ x (iteration 0,
///   at 0 steps, before any), held at its final value after its last
///   iteration; the curve is the mean over runs, m(x) = (1/n) Σᵢ f_i(x).
public enum Profiles {
    /// F(τ) for each τ in `thresholds` (ascending).
    public static func scoreProfile(_ scores: [Double], thresholds: [Double]) -> [Double] {
        SortedRuns(scores).scoreProfile(weights: scores.map { _ in 1 }, thresholds: thresholds)
    }

    /// G(τ) for each τ in `thresholds` (ascending).
    public static func reachedWithin(_ runs: [ProbabilityOfImprovement.Run], thresholds: [Double]) -> [Double] {
        SortedRuns(runs.map(\.value), censored: runs.map(\.censored)).reachedWithin(weights: runs.map { _ in 1 }, thresholds: thresholds)
    }

    /// A setting's runs sorted by value once, so that a bootstrap replicate
    /// (each run's multiplicity, in the runs' original order) costs one pass.
    public struct SortedRuns: Sendable {
        let order: [Int]
        let values: [Double]
        let censored: [Bool]

        public init(_ values: [Double], censored: [Bool]? = nil) {
            order = values.indices.sorted { values[$0] < values[$1] }
            self.values = order.map { values[$0] }
            self.censored = order.map { censored?[$0] ?? false }
        }

        /// F(τ) of the multiset with run i `weights[i]` times.
        public func scoreProfile(weights: [Int], thresholds: [Double]) -> [Double] {
            fractions(weights: weights, thresholds: thresholds, onlyObserved: false, above: true)
        }

        /// G(τ) of the multiset with run i `weights[i]` times.
        public func reachedWithin(weights: [Int], thresholds: [Double]) -> [Double] {
            fractions(weights: weights, thresholds: thresholds, onlyObserved: true, above: false)
        }

        /// For each τ (ascending), the weight of the counted runs (all, or
        /// only those not censored) with value > τ (above) or ≤ τ (not
        /// above), over the total weight. One pass over runs and thresholds.
        func fractions(weights: [Int], thresholds: [Double], onlyObserved: Bool, above: Bool) -> [Double] {
            var result = [Double](repeating: .nan, count: thresholds.count)
            values.withUnsafeBufferPointer { values in
            order.withUnsafeBufferPointer { order in
            censored.withUnsafeBufferPointer { censored in
            weights.withUnsafeBufferPointer { weights in
            thresholds.withUnsafeBufferPointer { thresholds in
            result.withUnsafeMutableBufferPointer { result in
                var total = 0, counted = 0
                var index = 0
                while index < order.count {
                    let weight = weights[order[index]]
                    total += weight
                    if !onlyObserved || !censored[index] { counted += weight }
                    index += 1
                }
                guard total > 0 else { return }
                var below = 0  // counted weight of runs with value ≤ τ
                index = 0
                var point = 0
                while point < thresholds.count {
                    let tau = thresholds[point]
                    while index < values.count && values[index] <= tau {
                        if !onlyObserved || !censored[index] { below += weights[order[index]] }
                        index += 1
                    }
                    result[point] = Double(above ? counted - below : below) / Double(total)
                    point += 1
                }
            }}}}}}
            return result
        }
    }

    /// f(x): the value of a step curve (positions `xs` ascending, values `ys`)
    /// at each grid point.
    public static func stepCurve(xs: [Double], ys: [Double], grid: [Double]) -> [Double] {
        guard let first = ys.first else { return grid.map { _ in .nan } }
        var index = 0, value = first
        return grid.map { x in
            while index < xs.count, xs[index] <= x {
                value = ys[index]
                index += 1
            }
            return value
        }
    }

    /// m(x) at each grid point: the mean over runs of their curves on the
    /// grid, run i counted `weights[i]` times (once each if nil).
    public static func meanCurve(_ curves: [[Double]], weights: [Int]? = nil) -> [Double] {
        guard let length = curves.first?.count else { return [] }
        var sum = [Double](repeating: 0, count: length)
        var total = 0
        sum.withUnsafeMutableBufferPointer { target in
            var index = 0
            while index < curves.count {
                let weight = weights?[index] ?? 1
                if weight > 0 {
                    total += weight
                    let w = Double(weight)
                    curves[index].withUnsafeBufferPointer { source in
                        var point = 0
                        while point < length {
                            target[point] += w * source[point]
                            point += 1
                        }
                    }
                }
                index += 1
            }
        }
        return total > 0 ? sum.map { $0 / Double(total) } : sum.map { _ in .nan }
    }
}
