/// Stratified bootstrap percentile confidence intervals, the rliable method
/// (Agarwal et al. 2021, §4 and Appendix A).
///
/// A replicate is computed from how many times each run was drawn (its
/// multiplicity), which is the resample itself written compactly: a
/// statistic of the resampled runs equals the same statistic of the runs
/// weighted by their multiplicities (`RobustStatistics.summary(sorted:weights:)`).
///
/// The data are strata S₁ … S_K, stratum k holding n_k runs (in a sweep a
/// stratum is one setting's runs over its seeds; a comparison of two
/// settings has two strata). One bootstrap replicate r = 1 … R draws, for
/// every stratum independently, n_k runs uniformly **with replacement** from
/// that stratum's n_k runs, and evaluates the statistic T on the resampled
/// strata: T*_r. The point estimate is T on the data themselves. The
/// 100·c % interval (c = `confidence`, default 0.95) is the percentile
/// interval [Q(α/2), Q(1 − α/2)] of T*₁ … T*_R with α = 1 − c and Q the
/// type-7 quantile of `RobustStatistics.quantile`.
///
/// Reproducibility: draw j of replicate r comes from
/// `RandomStream(seed: s, stage: .bootstrap, iteration: key, index: r)`,
/// where s is the sweep's bootstrap seed and `key` names the statistic
/// (`Bootstrap.key(_:)`: FNV-1a of its name), as `nextInt(below: n_k)`
/// for the strata in order. A replicate's resample therefore depends only
/// on (s, statistic, r), never on the thread that computes it or on the
/// other statistics, and the same sweep gives the same intervals.
public enum Bootstrap {
    public struct Settings: Equatable, Sendable {
        public var replicates: Int
        public var seed: UInt64
        public var confidence: Double
        public init(replicates: Int = 2000, seed: UInt64 = 0, confidence: Double = 0.95) {
            self.replicates = replicates
            self.seed = seed
            self.confidence = confidence
        }
    }

    /// A point estimate with its percentile interval.
    public struct Interval: Equatable, Sendable {
        public var point: Double
        public var low: Double
        public var high: Double
        public init(point: Double, low: Double, high: Double) {
            self.point = point
            self.low = low
            self.high = high
        }
        public func contains(_ value: Double) -> Bool { low <= value && value <= high }
    }

    /// A stable 64-bit key for a statistic's name (FNV-1a over its UTF-8 bytes).
    public static func key(_ name: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    /// Replicate `replicate` of statistic `key`: for each stratum of
    /// `counts[k]` runs, how many times each run was drawn (the draws, in
    /// order, are `nextInt(below: counts[k])`, stratum after stratum).
    public static func multiplicities(counts: [Int], key: UInt64, replicate: Int, seed: UInt64) -> [[Int]] {
        var stream = RandomStream(seed: seed, stage: .bootstrap, iteration: Int(truncatingIfNeeded: key), index: replicate)
        return counts.map { n in
            var drawn = [Int](repeating: 0, count: n)
            drawn.withUnsafeMutableBufferPointer { drawn in
                var draw = 0
                while draw < n {
                    drawn[stream.nextInt(below: n)] += 1
                    draw += 1
                }
            }
            return drawn
        }
    }

    /// Intervals for a statistic given as a function of each run's
    /// multiplicity (1 for every run gives the point estimate): a statistic
    /// that walks the runs once per replicate instead of copying them.
    /// `statistic` returns a fixed-length vector; one interval per entry.
    public static func intervals(counts: [Int], name: String, settings: Settings, threads: Int = 0,
                                 statistic: @escaping @Sendable ([[Int]]) -> [Double]) -> [Interval] {
        let point = statistic(counts.map { [Int](repeating: 1, count: $0) })
        let replicates = max(1, settings.replicates)
        let key = key(name)
        let seed = settings.seed
        // replicates in fixed chunks; each replicate is its own stream
        let chunk = 64
        let chunks = (replicates + chunk - 1) / chunk
        let parts: [[[Double]]] = Parallel.map(chunks: chunks, threads: Parallel.workerCount(threads)) { c in
            (c * chunk..<min(replicates, (c + 1) * chunk)).map { r in
                statistic(multiplicities(counts: counts, key: key, replicate: r, seed: seed))
            }
        }
        let samples = parts.flatMap { $0 }
        let alpha = 1 - settings.confidence
        return point.indices.map { entry in
            let column = samples.map { $0[entry] }.filter { !$0.isNaN }.sorted()
            return Interval(point: point[entry],
                            low: RobustStatistics.quantile(sorted: column, alpha / 2),
                            high: RobustStatistics.quantile(sorted: column, 1 - alpha / 2))
        }
    }

    /// Intervals for a statistic of the resampled strata themselves (each
    /// run repeated as often as it was drawn): the general form, for small data.
    public static func intervals<T: Sendable>(_ strata: [[T]], name: String, settings: Settings, threads: Int = 0,
                                              statistic: @escaping @Sendable ([[T]]) -> [Double]) -> [Interval] {
        intervals(counts: strata.map(\.count), name: name, settings: settings, threads: threads) { weights in
            statistic(zip(strata, weights).map { stratum, counts in
                zip(stratum, counts).flatMap { run, count in [T](repeating: run, count: count) }
            })
        }
    }

    /// Median, IQM and mean of one stratum with their intervals, in that order.
    public static func summary(_ values: [Double], name: String, settings: Settings, threads: Int = 0) -> [Interval] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        let sorted = order.map { values[$0] }
        return intervals(counts: [values.count], name: name, settings: settings, threads: threads) { weights in
            RobustStatistics.summary(sorted: sorted, order: order, weights: weights[0])
        }
    }
}
