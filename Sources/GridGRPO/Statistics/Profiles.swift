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
    /// F(τ) for each τ in `thresholds`.
    public static func scoreProfile(_ scores: [Double], thresholds: [Double]) -> [Double] {
        guard !scores.isEmpty else { return thresholds.map { _ in .nan } }
        let sorted = scores.sorted()
        let n = Double(sorted.count)
        return thresholds.map { Double(sorted.count - ProbabilityOfImprovement.upperBound(sorted, $0)) / n }
    }

    /// G(τ) for each τ in `thresholds`.
    public static func reachedWithin(_ runs: [ProbabilityOfImprovement.Run], thresholds: [Double]) -> [Double] {
        guard !runs.isEmpty else { return thresholds.map { _ in .nan } }
        let reached = runs.filter { !$0.censored }.map(\.value).sorted()
        let n = Double(runs.count)
        return thresholds.map { Double(ProbabilityOfImprovement.upperBound(reached, $0)) / n }
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

    /// m(x) at each grid point: the mean over runs of their curves on the grid.
    public static func meanCurve(_ curves: [[Double]]) -> [Double] {
        guard let length = curves.first?.count else { return [] }
        var sum = [Double](repeating: 0, count: length)
        for curve in curves {
            for index in 0..<length { sum[index] += curve[index] }
        }
        return sum.map { $0 / Double(curves.count) }
    }
}
