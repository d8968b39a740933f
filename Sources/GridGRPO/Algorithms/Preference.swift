/// The blog's preference pairs. A rollout holds P reference episodes
/// (indices 0..<P) and P candidate episodes (P..<2P); pair i compares
/// reference i with candidate i by total return.
///
/// Tie rule (the blog's `if ref_return > cand_return … else …`): the reference
/// is preferred only when its return is strictly higher, so on a tie the
/// candidate is preferred. Ties are counted so a reader can see how often
/// the preference carried no information.
public struct PreferencePairs: Equatable, Sendable {
    public var preferred: [Int] = []
    public var rejected: [Int] = []
    public var preferredReturns: [Float] = []
    public var rejectedReturns: [Float] = []
    public var ties: [Bool] = []

    public init() {}

    public init(episodes: Episodes) throws {
        guard episodes.count % 2 == 0, episodes.count > 0 else {
            throw GridGRPOError("a rollout for pairing must hold 2P episodes (P reference, P candidate); it holds \(episodes.count)")
        }
        let pairCount = episodes.count / 2
        for i in 0..<pairCount {
            let reference = i, candidate = pairCount + i
            let referenceReturn = episodes.returns[reference], candidateReturn = episodes.returns[candidate]
            let referenceWins = referenceReturn > candidateReturn
            preferred.append(referenceWins ? reference : candidate)
            rejected.append(referenceWins ? candidate : reference)
            preferredReturns.append(max(referenceReturn, candidateReturn))
            rejectedReturns.append(referenceWins ? candidateReturn : referenceReturn)
            ties.append(referenceReturn == candidateReturn)
        }
    }

    public var count: Int { preferred.count }
}
