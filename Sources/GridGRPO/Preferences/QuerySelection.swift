import Foundation

/// Which pairs of a rollout the labeller is asked about, and in what order.
public enum QuerySelection {
    /// One pair the label stage may ask about: two episodes of the rollout.
    public struct Candidate: Equatable, Sendable {
        public var first: Int
        public var second: Int
        public init(_ first: Int, _ second: Int) {
            self.first = first
            self.second = second
        }
    }

    /// The iteration's candidate pairs: for the blog's method its own pairs
    /// (reference i, candidate P+i); for GRPO every pair within a group (the
    /// same start configuration), group by group.
    public static func candidates(config: PipelineConfig, episodeCount: Int) -> [Candidate] {
        switch config.algorithm {
        case .preference:
            let pairs = episodeCount / 2
            return (0..<pairs).map { Candidate($0, pairs + $0) }
        case .grpo:
            let size = config.grpo.groupSize
            return stride(from: 0, to: episodeCount - size + 1, by: size).flatMap { start in
                (0..<size).flatMap { a in ((a + 1)..<size).map { Candidate(start + a, start + $0) } }
            }
        }
    }

    /// A uniformly random order of `count` candidates (Fisher–Yates) from the
    /// stream (seed, label, iteration, 0).
    public static func randomOrder(count: Int, seed: UInt64, iteration: Int) -> [Int] {
        var order = Array(0..<count)
        var stream = RandomStream(seed: seed, stage: .label, iteration: iteration, index: 0)
        for i in stride(from: count - 1, to: 0, by: -1) {
            order.swapAt(i, stream.nextInt(below: i + 1))
        }
        return order
    }

    /// Each candidate's disagreement: the variance over the ensemble's members
    /// of P̂_m(a ≻ b) = σ(Σ r̂_m(a) − Σ r̂_m(b)) (Christiano et al.'s query selection).
    public static func disagreements(_ ensemble: RewardEnsemble, episodes: Episodes, candidates: [Candidate],
                                     world: GridWorld, threads: Int) -> [Double] {
        let perMember = ensemble.memberRewards(StepInputs(episodes), cellCount: world.cellCount, threads: threads)
            .map { segmentSums($0, offsets: episodes.offsets) }
        return candidates.map { pair in
            let probabilities = perMember.map { sums in sigmoid(Double(sums[pair.first]) - Double(sums[pair.second])) }
            return variance(probabilities)
        }
    }

    /// The population variance of `values`.
    public static func variance(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let mean = values.reduce(0, +) / Double(values.count)
        return values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
    }

    /// Candidates by decreasing disagreement; equal values keep the lower index first.
    public static func byDisagreement(_ values: [Double]) -> [Int] {
        values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
    }
}
