/// `pairs.h5`: the blog's preference pairs, one row per pair.
public enum PairsLayout {
    public static let pairCount = Attribute<Int64>("pair_count")
    public static let tieCount = Attribute<Int64>("tie_count")
    public static let tieRule = Attribute<String>("tie_rule")
    /// The value of `tie_rule` (`PreferencePairs`' rule).
    static let tieRuleText = "reference preferred only if its return is strictly higher; ties prefer the candidate"

    public static let preferred = Dataset<Int32>("preferred")
    public static let rejected = Dataset<Int32>("rejected")
    public static let preferredReturn = Dataset<Float>("preferred_return")
    public static let rejectedReturn = Dataset<Float>("rejected_return")
    public static let tie = Dataset<UInt8>("tie")

    public static let layout = ArtifactLayout(
        file: "pairs.h5", groups: [],
        datasets: [preferred.path, rejected.path, preferredReturn.path, rejectedReturn.path, tie.path],
        attributes: [pairCount.name, tieCount.name, tieRule.name])
}

extension ArtifactSchema {
    public static func writePairs(_ pairs: PreferencePairs, provenance: Provenance, to path: String) throws {
        typealias Layout = PairsLayout
        try writeArtifact(to: path, provenance: provenance) { root in
            try root.setAttribute(Layout.pairCount, Int64(pairs.count))
            try root.setAttribute(Layout.tieCount, Int64(pairs.ties.filter { $0 }.count))
            try root.setAttribute(Layout.tieRule, Layout.tieRuleText)
            try root.write(Layout.preferred, pairs.preferred.map(Int32.init))
            try root.write(Layout.rejected, pairs.rejected.map(Int32.init))
            try root.write(Layout.preferredReturn, pairs.preferredReturns)
            try root.write(Layout.rejectedReturn, pairs.rejectedReturns)
            try root.write(Layout.tie, pairs.ties.map { UInt8($0 ? 1 : 0) })
        }
    }

    public static func readPairs(path: String, episodeCount: Int) throws -> (pairs: PreferencePairs, provenance: Provenance) {
        typealias Layout = PairsLayout
        return try readArtifact(path, .pairs) { root, provenance in
            let (preferred, shape) = try root.read(Layout.preferred)
            guard shape.count == 1 else { throw GridGRPOError("\(path): \(Layout.preferred.path) must be one-dimensional") }
            var pairs = PreferencePairs()
            pairs.preferred = preferred.map(Int.init)
            pairs.rejected = try root.read(Layout.rejected, shape: shape).map(Int.init)
            pairs.preferredReturns = try root.read(Layout.preferredReturn, shape: shape)
            pairs.rejectedReturns = try root.read(Layout.rejectedReturn, shape: shape)
            pairs.ties = try root.read(Layout.tie, shape: shape).map { $0 != 0 }
            guard (pairs.preferred + pairs.rejected).allSatisfy({ $0 >= 0 && $0 < episodeCount }) else {
                throw GridGRPOError("\(path): an episode index is outside the rollout's \(episodeCount) episodes (pairs from another rollout?)")
            }
            return (pairs, provenance)
        }
    }
}
