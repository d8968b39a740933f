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
        try writeArtifact(to: path, provenance: provenance, world: nil) { root in
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

    /// Reads the groups of a run of `config`: grpo.groups_per_iteration
    /// groups of grpo.group_size episodes, finite statistics and advantages,
    /// flags 0/1, and the scale the config names.
    public static func readGroups(path: String, config: PipelineConfig) throws -> (groups: GroupAdvantages, provenance: Provenance) {
        typealias Layout = GroupsLayout
        let bounds = try ArtifactBounds(config: config, path: path)
        let check = DomainCheck(path: path)
        let (groupSize, groupCount) = (bounds.groupSize, bounds.groupCount)
        let episodeCount = groupSize * groupCount
        return try readArtifact(path, .groups, world: nil) { root, provenance in
            let size = try root.attribute(Layout.groupSize), recorded = try root.attribute(Layout.groupCount)
            guard size == groupSize, recorded == groupCount else {
                throw GridGRPOError("\(path): \(recorded) groups of \(size), but the config's grpo has \(groupCount) groups of \(groupSize) (groups from another rollout?)")
            }
            let scale = try root.attribute(Layout.scale)
            try check.require(scale == config.grpo.scale.rawValue, Layout.scale.name, "is '\(scale)', but the config's grpo.scale is '\(config.grpo.scale.rawValue)'")
            var groups = GroupAdvantages(groupSize: groupSize)
            groups.means = try root.read(Layout.groupMean, shape: [groupCount])
            try check.values(groups.means, in: bounds.comparedReturnRange, Layout.groupMean.path, "mean returns")
            groups.standardDeviations = try root.read(Layout.groupStd, shape: [groupCount])
            try check.values(groups.standardDeviations, in: 0...(bounds.comparedReturnRange.upperBound - bounds.comparedReturnRange.lowerBound), Layout.groupStd.path, "standard deviations of returns")
            groups.uniform = try check.flags(try root.read(Layout.uniform, shape: [groupCount]), Layout.uniform.path)
            groups.advantages = try root.read(Layout.advantage, shape: [episodeCount])
            try check.values(groups.advantages, in: -Float.greatestFiniteMagnitude...Float.greatestFiniteMagnitude, Layout.advantage.path, "advantages")
            groups.kept = try check.flags(try root.read(Layout.kept, shape: [episodeCount]), Layout.kept.path)
            let dropped = try check.count(try root.attribute(Layout.droppedGroups), in: 0...groupCount, Layout.droppedGroups.name)
            try check.require(dropped == groups.droppedGroups, Layout.droppedGroups.name,
                              "is \(dropped), but \(Layout.kept.path) drops \(groups.droppedGroups) groups")
            return (groups, provenance)
        }
    }
}
