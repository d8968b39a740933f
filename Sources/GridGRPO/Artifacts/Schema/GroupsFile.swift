/// `groups.h5` (GRPO): group statistics and per-episode advantages.
public enum GroupsLayout {
    public static let groupSize = Attribute<Int64>("group_size")
    public static let groupCount = Attribute<Int64>("group_count")
    public static let scale = Attribute<String>("scale")
    public static let advantageEpsilon = Attribute<Double>("advantage_epsilon")
    public static let dropUniformGroups = Attribute<Int64>("drop_uniform_groups")
    public static let uniformGroups = Attribute<Int64>("uniform_groups")
    public static let droppedGroups = Attribute<Int64>("dropped_groups")

    /// Per group.
    public static let groupMean = Dataset<Float>("group_mean")
    public static let groupStd = Dataset<Float>("group_std")
    public static let uniform = Dataset<UInt8>("uniform")
    /// Per episode.
    public static let advantage = Dataset<Float>("advantage")
    public static let kept = Dataset<UInt8>("kept")

    public static let layout = ArtifactLayout(
        file: "groups.h5", groups: [],
        datasets: [groupMean.path, groupStd.path, uniform.path, advantage.path, kept.path],
        attributes: [groupSize.name, groupCount.name, scale.name, advantageEpsilon.name, dropUniformGroups.name,
                     uniformGroups.name, droppedGroups.name])
}

extension ArtifactSchema {
    public static func writeGroups(_ groups: GroupAdvantages, config: GRPOConfig, provenance: Provenance, to path: String) throws {
        typealias Layout = GroupsLayout
        try writeArtifact(to: path, provenance: provenance) { root in
            try root.setAttribute(Layout.groupSize, Int64(groups.groupSize))
            try root.setAttribute(Layout.groupCount, Int64(groups.groupCount))
            try root.setAttribute(Layout.scale, config.scale.rawValue)
            try root.setAttribute(Layout.advantageEpsilon, config.advantageEpsilon)
            try root.setAttribute(Layout.dropUniformGroups, Int64(config.dropUniformGroups ? 1 : 0))
            try root.setAttribute(Layout.uniformGroups, Int64(groups.uniform.filter { $0 }.count))
            try root.setAttribute(Layout.droppedGroups, Int64(groups.droppedGroups))
            try root.write(Layout.groupMean, groups.means)
            try root.write(Layout.groupStd, groups.standardDeviations)
            try root.write(Layout.uniform, groups.uniform.map { UInt8($0 ? 1 : 0) })
            try root.write(Layout.advantage, groups.advantages, compress: true)
            try root.write(Layout.kept, groups.kept.map { UInt8($0 ? 1 : 0) }, compress: true)
        }
    }

    public static func readGroups(path: String, episodeCount: Int) throws -> (groups: GroupAdvantages, provenance: Provenance) {
        typealias Layout = GroupsLayout
        return try readArtifact(path, .groups) { root, provenance in
            let groupSize = Int(try root.attribute(Layout.groupSize))
            let groupCount = Int(try root.attribute(Layout.groupCount))
            guard groupSize >= 1, groupSize * groupCount == episodeCount else {
                throw GridGRPOError("\(path): \(groupCount) groups of \(groupSize) do not match the rollout's \(episodeCount) episodes (groups from another rollout?)")
            }
            var groups = GroupAdvantages(groupSize: groupSize)
            groups.means = try root.read(Layout.groupMean, shape: [groupCount])
            groups.standardDeviations = try root.read(Layout.groupStd, shape: [groupCount])
            groups.uniform = try root.read(Layout.uniform, shape: [groupCount]).map { $0 != 0 }
            groups.advantages = try root.read(Layout.advantage, shape: [episodeCount])
            groups.kept = try root.read(Layout.kept, shape: [episodeCount]).map { $0 != 0 }
            guard groups.advantages.allSatisfy({ $0.isFinite }) else { throw GridGRPOError("\(path): \(Layout.advantage.path) holds NaN or Inf") }
            return (groups, provenance)
        }
    }
}
