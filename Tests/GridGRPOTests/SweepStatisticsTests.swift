import Foundation
import Testing
@testable import GridGRPO

/// The sweep statistics against values computed by hand.
@Suite("Sweep statistics")
struct SweepStatisticsTests {
    @Test func medianIQMAndMeanOfKnownLists() {
        // 1…8: ⌊8/4⌋ = 2 dropped at each end, IQM = (3 + 4 + 5 + 6) / 4
        let eight = [8.0, 1, 7, 2, 6, 3, 5, 4]
        #expect(RobustStatistics.interquartileMean(eight) == 4.5)
        #expect(RobustStatistics.median(eight) == 4.5)
        #expect(RobustStatistics.mean(eight) == 4.5)
        // an outlier moves the mean, not the IQM: 10 values, 2 dropped each end
        let skewed = [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 1000]
        #expect(RobustStatistics.interquartileMean(skewed) == 5.5)  // (3 + 4 + 5 + 6 + 7 + 8) / 6
        #expect(RobustStatistics.median(skewed) == 5.5)
        #expect(RobustStatistics.mean(skewed) == 104.5)
        // 5 values: ⌊5/4⌋ = 1 dropped each end
        #expect(RobustStatistics.interquartileMean([10, 0, 4, 2, 3]) == 3)
        // fewer than 4: nothing dropped
        #expect(RobustStatistics.interquartileMean([1, 2, 6]) == 3)
        #expect(RobustStatistics.median([3]) == 3)
        #expect(RobustStatistics.mean([]).isNaN && RobustStatistics.interquartileMean([]).isNaN)
        // type-7 quantiles (numpy's default): h = (n − 1) q
        let sorted = [1.0, 2, 3, 4]
        #expect(RobustStatistics.quantile(sorted: sorted, 0) == 1)
        #expect(RobustStatistics.quantile(sorted: sorted, 1) == 4)
        #expect(RobustStatistics.quantile(sorted: sorted, 0.5) == 2.5)
        #expect(abs(RobustStatistics.quantile(sorted: sorted, 0.025) - 1.075) < 1e-12)
    }

    @Test func probabilityOfImprovementOfKnownSamples() {
        typealias Run = ProbabilityOfImprovement.Run
        // X = {1, 2, 3}, Y = {2, 4}, lower is better. Pairs: (1,2) 1, (1,4) 1,
        // (2,2) ½, (2,4) 1, (3,2) 0, (3,4) 1 → 4.5 / 6.
        let x = [Run(1), Run(2), Run(3)], y = [Run(2), Run(4)]
        #expect(ProbabilityOfImprovement.estimate(x, y) == 0.75)
        #expect(ProbabilityOfImprovement.estimate(y, x) == 0.25)
        // Y's 4 censored (its true value ≥ 4): every x below 4 is still surely better.
        #expect(ProbabilityOfImprovement.estimate(x, [Run(2), Run(4, censored: true)]) == 0.75)
        // A censored 3 against an observed 5: either could be better → ½.
        #expect(ProbabilityOfImprovement.estimate([Run(5)], [Run(3, censored: true)]) == 0.5)
        // An observed 2 against a run censored at 3: surely better.
        #expect(ProbabilityOfImprovement.estimate([Run(2)], [Run(3, censored: true)]) == 1)
        // Two censored runs: unknown → ½.
        #expect(ProbabilityOfImprovement.estimate([Run(5, censored: true)], [Run(4, censored: true)]) == 0.5)
        // Disjoint samples: certain, and so is its interval.
        let low = (0..<6).map { Run(Double($0)) }, high = (10..<16).map { Run(Double($0)) }
        let interval = ProbabilityOfImprovement.interval(low, high, name: "test", settings: .init(replicates: 500))
        #expect(interval == Bootstrap.Interval(point: 1, low: 1, high: 1))
        // The O(n log n) count equals the double sum of the definition on random samples.
        var stream = RandomStream(seed: 3, stage: .bootstrap, iteration: 0, index: 0)
        for _ in 0..<20 {
            let a = (0..<7).map { _ in Run(Double(stream.nextInt(below: 6)), censored: stream.nextInt(below: 3) == 0) }
            let b = (0..<5).map { _ in Run(Double(stream.nextInt(below: 6)), censored: stream.nextInt(below: 3) == 0) }
            var sum = 0.0
            for p in a {
                for q in b {
                    let pBetter = !p.censored && p.value < q.value
                    let qBetter = !q.censored && q.value < p.value
                    sum += pBetter ? 1 : (qBetter ? 0 : 0.5)
                }
            }
            #expect(abs(ProbabilityOfImprovement.estimate(a, b) - sum / 35) < 1e-12)
        }
    }

    /// On synthetic data with a known mean, the 95 % interval of the mean
    /// contains it at about the stated rate: 250 samples of 40 uniform
    /// values, 800 bootstrap replicates each, fixed seeds (so the count is
    /// the same on every machine). Percentile intervals of a mean run a
    /// little short of their nominal level at n = 40 (about 94 %).
    @Test func bootstrapIntervalCoversTheTrueValueAtTheStatedRate() {
        var stream = RandomStream(seed: 11, stage: .evaluate, iteration: 0, index: 0)
        let trials = 250
        var covered = 0
        var widths: [Double] = []
        for trial in 0..<trials {
            let sample = (0..<40).map { _ in stream.nextUnitDouble() }
            let interval = Bootstrap.intervals([sample], name: "coverage \(trial)", settings: .init(replicates: 800, seed: 5)) {
                [RobustStatistics.mean($0[0])]
            }[0]
            if interval.contains(0.5) { covered += 1 }
            widths.append(interval.high - interval.low)
        }
        let rate = Double(covered) / Double(trials)
        #expect(rate >= 0.90 && rate <= 0.98, "coverage \(rate)")
        print("bootstrap coverage of the mean: \(covered)/\(trials)")
        // width ≈ 2 · 1.96 · σ/√n with σ = 1/√12
        let expected = 2 * 1.96 * (1 / 12.0).squareRoot() / 40.0.squareRoot()
        #expect(abs(RobustStatistics.mean(widths) - expected) < 0.15 * expected)
    }

    @Test func bootstrapIsReproducibleAndIndependentOfThreads() {
        let values = (0..<30).map { Double(($0 * 37) % 11) }
        let one = Bootstrap.summary(values, name: "x", settings: .init(replicates: 700, seed: 9), threads: 1)
        let three = Bootstrap.summary(values, name: "x", settings: .init(replicates: 700, seed: 9), threads: 3)
        #expect(one == three)
        #expect(one.map(\.point) == RobustStatistics.summary(values))
        let otherSeed = Bootstrap.summary(values, name: "x", settings: .init(replicates: 700, seed: 10), threads: 1)
        #expect(otherSeed != one)
        // stratified: each stratum is resampled from itself only, as often as it has runs
        let strata = Bootstrap.multiplicities(counts: [3, 0, 5], key: Bootstrap.key("s"), replicate: 4, seed: 1)
        #expect(strata.map(\.count) == [3, 0, 5])
        #expect(strata.map { $0.reduce(0, +) } == [3, 0, 5])
    }

    /// A replicate is computed from each run's multiplicity; the weighted
    /// statistics equal the plain ones of the resample written out.
    @Test func weightedStatisticsEqualThoseOfTheResampleWrittenOut() {
        var stream = RandomStream(seed: 21, stage: .bootstrap, iteration: 1, index: 0)
        for trial in 0..<50 {
            let n = 1 + trial % 9
            let values = (0..<n).map { _ in Double(stream.nextInt(below: 7)) }
            let weights = Bootstrap.multiplicities(counts: [n], key: 7, replicate: trial, seed: 2)[0]
            let expanded = zip(values, weights).flatMap { [Double](repeating: $0, count: $1) }
            let order = values.indices.sorted { values[$0] < values[$1] }
            let weighted = RobustStatistics.summary(sorted: order.map { values[$0] }, weights: order.map { weights[$0] })
            let plain = RobustStatistics.summary(expanded)
            #expect(zip(weighted, plain).allSatisfy { abs($0 - $1) < 1e-12 }, "\(values) × \(weights): \(weighted) vs \(plain)")

            let runs = values.map { ProbabilityOfImprovement.Run($0, censored: $0 > 4) }
            let others = values.reversed().map { ProbabilityOfImprovement.Run($0 + 1) }
            let otherWeights = Array(weights.reversed())
            let weightedImprovement = ProbabilityOfImprovement.estimate(runs, others, weights: (weights, otherWeights))
            let expandedImprovement = ProbabilityOfImprovement.estimate(zip(runs, weights).flatMap { [ProbabilityOfImprovement.Run](repeating: $0, count: $1) },
                                                                        zip(others, otherWeights).flatMap { [ProbabilityOfImprovement.Run](repeating: $0, count: $1) })
            #expect(abs(weightedImprovement - expandedImprovement) < 1e-12)

            let sorted = Profiles.SortedRuns(values, censored: runs.map(\.censored))
            let thresholds = [-1.0, 0, 2.5, 4, 6]
            #expect(sorted.scoreProfile(weights: weights, thresholds: thresholds) == Profiles.scoreProfile(expanded, thresholds: thresholds))
            let expandedRuns = zip(runs, weights).flatMap { [ProbabilityOfImprovement.Run](repeating: $0, count: $1) }
            #expect(sorted.reachedWithin(weights: weights, thresholds: thresholds) == Profiles.reachedWithin(expandedRuns, thresholds: thresholds))
        }
    }

    @Test func profilesAndCurves() {
        // F(τ) = fraction of scores > τ
        #expect(Profiles.scoreProfile([0.2, 0.5, 0.5, 1], thresholds: [0, 0.5, 0.99, 1]) == [1, 0.25, 0.25, 0])
        // G(τ) = fraction of runs observed at the optimum within τ; a censored run never counts
        let runs = [ProbabilityOfImprovement.Run(100), .init(300), .init(50, censored: true), .init(200)]
        #expect(Profiles.reachedWithin(runs, thresholds: [0, 100, 250, 1000]) == [0, 0.25, 0.5, 0.75])
        // a step curve holds each iteration's value until the next, and the last after the end
        #expect(Profiles.stepCurve(xs: [0, 10, 20], ys: [0.1, 0.5, 0.9], grid: [0, 5, 10, 19, 20, 100]) == [0.1, 0.1, 0.5, 0.5, 0.9, 0.9])
        #expect(Profiles.meanCurve([[0, 1], [1, 1]]) == [0.5, 1])
    }
}
