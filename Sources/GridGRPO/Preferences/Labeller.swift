import Foundation

/// The simulated person of Christiano et al. (2017): shown two episodes, it
/// sees only their utilities U (the true return, less any weighted criteria;
/// `EpisodeCriteria`) and answers
///
///     P(a ≻ b) = ε/2 + (1 − ε)·σ(β·(U_a − U_b)),
///
/// i.e. with probability ε it answers a or b uniformly at random (the error
/// model Christiano et al. fitted, with ε = 10%), and otherwise makes a
/// Bradley–Terry choice of rationality β. β = ∞ (`rationality: 0`) is the
/// blog's rule: the higher utility always wins. Equal utilities are a tie,
/// answered ½ (unless the error branch answered).
///
/// The answer is a label in {0, ½, 1}: the probability that the first
/// episode is preferred, as the Bradley–Terry cross-entropy takes it.
public struct SimulatedLabeller: Equatable, Sendable {
    /// β; nil for the deterministic labeller.
    public var beta: Double?
    public var errorRate: Double

    public init(beta: Double?, errorRate: Double) {
        self.beta = beta
        self.errorRate = errorRate
    }

    public init(_ config: PreferenceConfig) {
        self.init(beta: config.beta, errorRate: config.errorRate)
    }

    /// The probability of each answer for utilities `first` and `second`:
    /// (first preferred, second preferred, tie).
    public func probabilities(_ first: Double, _ second: Double) -> (first: Double, second: Double, tie: Double) {
        let random = errorRate / 2
        guard first != second else { return (random, random, 1 - errorRate) }
        let choice: Double
        if let beta {
            choice = sigmoid(beta * (first - second))
        } else {
            choice = first > second ? 1 : 0
        }
        return (random + (1 - errorRate) * choice, random + (1 - errorRate) * (1 - choice), 0)
    }

    /// One answer, from two draws of `stream` (always two, whatever the branch).
    public func answer(_ first: Double, _ second: Double, stream: inout RandomStream) -> Float {
        let error = stream.nextUnitDouble(), choice = stream.nextUnitDouble()
        if error < errorRate { return choice < 0.5 ? 1 : 0 }
        if first == second { return 0.5 }
        if let beta { return choice < sigmoid(beta * (first - second)) ? 1 : 0 }
        return first > second ? 1 : 0
    }

    /// The answer about candidate pair `candidate` of `iteration`: its own
    /// stream (seed, label, iteration, candidate + 1), so it does not depend on
    /// which other pairs were asked.
    public func answer(_ first: Double, _ second: Double, seed: UInt64, iteration: Int, candidate: Int) -> Float {
        var stream = RandomStream(seed: seed, stage: .label, iteration: iteration, index: candidate + 1)
        return answer(first, second, stream: &stream)
    }
}

/// σ(x) = 1 / (1 + e^(−x)), computed without overflow.
@inline(__always)
public func sigmoid(_ x: Double) -> Double {
    x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
}

/// log(1 + e^x), computed without overflow.
@inline(__always)
public func softplus(_ x: Double) -> Double {
    max(x, 0) + log1p(exp(-abs(x)))
}
