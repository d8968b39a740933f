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
        try writeArtifact(to: path, provenance: provenance, world: nil) { root in
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

    /// Reads the pairs of a run of `config`: exactly rollout.pairs rows, pair
    /// i comparing reference episode i with candidate P+i, returns in the
    /// grid's range, the preferred one's never lower, ties flagged 0/1.
    public static func readPairs(path: String, config: PipelineConfig) throws -> (pairs: PreferencePairs, provenance: Provenance) {
        typealias Layout = PairsLayout
        let bounds = try ArtifactBounds(config: config, path: path)
        let count = bounds.pairs, check = DomainCheck(path: path)
        return try readArtifact(path, .pairs, world: nil) { root, provenance in
            let recorded = try root.attribute(Layout.pairCount)
            guard recorded == count else {
                throw check.fail(Layout.pairCount.name, "is \(recorded), but the config's rollout.pairs is \(count)")
            }
            var pairs = PreferencePairs()
            let preferred = try root.read(Layout.preferred, shape: [count])
            let rejected = try root.read(Layout.rejected, shape: [count])
            for i in 0..<count where !(Set([Int(preferred[i]), Int(rejected[i])]) == [i, count + i]) {
                throw check.fail(Layout.preferred.path, "pair \(i) compares episodes \(preferred[i]) and \(rejected[i]), expected \(i) and \(count + i)")
            }
            pairs.preferred = preferred.map(Int.init)
            pairs.rejected = rejected.map(Int.init)
            pairs.preferredReturns = try root.read(Layout.preferredReturn, shape: [count])
            try check.values(pairs.preferredReturns, in: bounds.comparedReturnRange, Layout.preferredReturn.path, "episode returns")
            pairs.rejectedReturns = try root.read(Layout.rejectedReturn, shape: [count])
            try check.values(pairs.rejectedReturns, in: bounds.comparedReturnRange, Layout.rejectedReturn.path, "episode returns")
            pairs.ties = try check.flags(try root.read(Layout.tie, shape: [count]), Layout.tie.path)
            for i in 0..<count {
                let (better, worse) = (pairs.preferredReturns[i], pairs.rejectedReturns[i])
                try check.require(better >= worse && pairs.ties[i] == (better == worse), Layout.tie.path,
                                  "pair \(i) prefers return \(better) over \(worse) with tie flag \(pairs.ties[i] ? 1 : 0)")
            }
            let ties = try root.attribute(Layout.tieCount)
            try check.require(ties == Int64(pairs.ties.filter { $0 }.count), Layout.tieCount.name,
                              "is \(ties), but \(Layout.tie.path) flags \(pairs.ties.filter { $0 }.count)")
            return (pairs, provenance)
        }
    }
}
