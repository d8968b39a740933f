/// Counter-based randomness: every random draw in the pipeline comes from a
/// stream keyed by (run seed, stage, iteration, index), never from a shared
/// sequential generator. Episode 17 of iteration 3 sees the same numbers
/// whichever process, thread or batch computes it, and in whatever order.
///
/// Scheme (documented in README "Randomness"):
///   key   = mix(mix(mix(mix(seed) ^ stage.tag) ^ iteration) ^ index)
///   draw k of the stream = mix(key + (k+1)·γ)
/// where `mix` is SplitMix64's finaliser and γ = 0x9E3779B97F4A7C15 (the
/// golden-ratio increment). With key = seed this is exactly SplitMix64, so
/// the generator itself is checked against SplitMix64's published outputs.
public struct RandomStream: Sendable {
    /// Which stage draws the numbers, so different stages never share a stream.
    public enum Stage: UInt64, Sendable {
        case initialize = 1
        case rollout = 2
        case update = 3
        case evaluate = 4
        /// GRPO: the start configuration shared by a group's episodes (index = group).
        case group = 5
        /// Sweep statistics: bootstrap resamples (iteration = the statistic's
        /// key, index = the replicate), so the intervals are reproducible.
        case bootstrap = 6
        /// The labeller: which candidate pairs are asked (index 0, random
        /// selection) and each answer (index = candidate pair).
        case label = 7
        /// The reward model's initial weights (iteration 0, index = ensemble member).
        case rewardInitialize = 8
        /// The reward model's training: each member's bootstrap of the labels (index = member).
        case reward = 9
        /// Whether a label is held out (iteration 0, index = the label's position in the run).
        case heldOut = 10
        /// The cells of a seed-drawn layout (iteration 0, index 0). Tagged 16,
        /// apart from the low tags other features take.
        case layout = 16
    }

    public static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15

    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private var state: UInt64

    /// A raw SplitMix64 stream starting from `state`.
    public init(rawState: UInt64) { state = rawState }

    /// The stream for one (seed, stage, iteration, index) coordinate.
    public init(seed: UInt64, stage: Stage, iteration: Int, index: Int) {
        var key = Self.mix(seed)
        key = Self.mix(key ^ stage.rawValue)
        key = Self.mix(key ^ UInt64(truncatingIfNeeded: iteration))
        key = Self.mix(key ^ UInt64(truncatingIfNeeded: index))
        state = key
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= Self.golden
        return Self.mix(state)
    }

    /// Uniform in [0, 1) with 24 random bits, the resolution of a Float.
    @inline(__always)
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform integer in 0..<bound by Lemire's multiply-shift with rejection, so
    /// it is exactly uniform.
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let n = UInt64(bound)
        let threshold = (0 &- n) % n
        while true {
            let product = next().multipliedFullWidth(by: n)
            if product.low >= threshold { return Int(product.high) }
        }
    }
}
