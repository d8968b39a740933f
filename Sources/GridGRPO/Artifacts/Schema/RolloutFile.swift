/// `rollout.h5`: episodes stored ragged, one-dimensional appendable datasets.
public enum RolloutLayout {
    public static let gridSize = Attribute<Int64>("grid_size")
    public static let maxSteps = Attribute<Int64>("max_steps")
    public static let gamma = Attribute<Double>("gamma")
    public static let episodeCount = Attribute<Int64>("episode_count")
    public static let stepCount = Attribute<Int64>("step_count")

    /// Per episode.
    public static let episodes = "episodes"
    public static let offsets = Dataset<Int64>("offsets", in: episodes)
    public static let agentStart = Dataset<UInt8>("agent_start", in: episodes)
    public static let goal = Dataset<UInt8>("goal", in: episodes)
    public static let episodeReturn = Dataset<Float>("return", in: episodes)
    public static let length = Dataset<Int32>("length", in: episodes)
    public static let success = Dataset<UInt8>("success", in: episodes)
    /// GRPO rollouts only.
    public static let group = Dataset<Int32>("group", in: episodes)

    /// Per step.
    public static let steps = "steps"
    public static let agentCell = Dataset<UInt8>("agent_cell", in: steps)
    public static let action = Dataset<UInt8>("action", in: steps)
    public static let reward = Dataset<Float>("reward", in: steps)
    public static let logProb = Dataset<Float>("log_prob", in: steps)
    public static let returnToGo = Dataset<Float>("return_to_go", in: steps)

    public static let layout = ArtifactLayout(
        file: "rollout.h5", groups: [episodes, steps],
        datasets: [offsets.path, agentStart.path, goal.path, episodeReturn.path, length.path, success.path, group.path,
                   agentCell.path, action.path, reward.path, logProb.path, returnToGo.path],
        attributes: [gridSize.name, maxSteps.name, gamma.name, episodeCount.name, stepCount.name])
}

extension ArtifactSchema {
    public static func writeRollout(_ episodes: Episodes, world: GridWorld, gamma: Double, provenance: Provenance, to path: String) throws {
        let writer = try RolloutWriter(path: path, world: world, gamma: gamma, provenance: provenance, grouped: !episodes.groups.isEmpty)
        try writer.append(episodes)
        try writer.commit()
    }

    /// The step count a rollout.h5 records, without reading its episodes.
    public static func readRolloutSummary(path: String) throws -> Int {
        try readArtifact(path, .rollout) { root, _ in
            Int(try root.attribute(RolloutLayout.stepCount))
        }
    }

    public static func readRollout(path: String, world: GridWorld) throws -> (episodes: Episodes, provenance: Provenance) {
        typealias Layout = RolloutLayout
        return try readArtifact(path, .rollout) { root, provenance in
            let gridSize = try root.attribute(Layout.gridSize)
            guard gridSize == world.size else {
                throw GridGRPOError("\(path): made for \(Layout.gridSize.name) \(gridSize), but the config says \(world.size)")
            }
            let perEpisode = try root.openGroup(Layout.episodes)
            let offsets = try perEpisode.read(Layout.offsets).values.map(Int.init)
            guard let first = offsets.first, first == 0, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw GridGRPOError("\(path): \(Layout.offsets.path) must start at 0 and never decrease")
            }
            let count = offsets.count - 1
            let stepCount = offsets[count]
            var episodes = Episodes()
            episodes.offsets = offsets
            episodes.starts = try perEpisode.read(Layout.agentStart, shape: [count]).map(Int.init)
            episodes.goals = try perEpisode.read(Layout.goal, shape: [count]).map(Int.init)
            episodes.returns = try perEpisode.read(Layout.episodeReturn, shape: [count])
            episodes.successes = try perEpisode.read(Layout.success, shape: [count]).map { $0 != 0 }
            if perEpisode.contains(Layout.group) {
                episodes.groups = try perEpisode.read(Layout.group, shape: [count]).map(Int.init)
            }
            let steps = try root.openGroup(Layout.steps)
            episodes.agentCells = try steps.read(Layout.agentCell, shape: [stepCount]).map(Int.init)
            episodes.actions = try steps.read(Layout.action, shape: [stepCount]).map(Int.init)
            episodes.rewards = try steps.read(Layout.reward, shape: [stepCount])
            episodes.logProbs = try steps.read(Layout.logProb, shape: [stepCount])
            episodes.returnsToGo = try steps.read(Layout.returnToGo, shape: [stepCount])
            let cells = world.cellCount
            guard (episodes.starts + episodes.goals + episodes.agentCells).allSatisfy({ $0 < cells }) else {
                throw GridGRPOError("\(path): a cell index is outside the \(world.size)×\(world.size) grid")
            }
            guard episodes.actions.allSatisfy({ $0 < GridWorld.actionCount }) else {
                throw GridGRPOError("\(path): \(Layout.action.path) holds a value outside 0...3")
            }
            guard (episodes.logProbs + episodes.returnsToGo + episodes.rewards).allSatisfy({ $0.isFinite }) else {
                throw GridGRPOError("\(path): /\(Layout.steps) holds NaN or Inf")
            }
            return (episodes, provenance)
        }
    }
}

/// `rollout.h5` written in parts: each `append` adds episodes at the end of
/// every dataset, so a rollout of any size needs memory for one part only.
/// The file is complete (and renamed into place) at `commit`.
public final class RolloutWriter {
    private typealias Layout = RolloutLayout
    private let writer: HDF5Writer
    private let groups: HDF5Appendable<Int32>?
    private let offsets: HDF5Appendable<Int64>
    private let agentStart, goal, success, agentCell, action: HDF5Appendable<UInt8>
    private let returns, reward, logProb, returnToGo: HDF5Appendable<Float>
    private let episodeLengths: HDF5Appendable<Int32>

    public init(path: String, world: GridWorld, gamma: Double, provenance: Provenance, grouped: Bool) throws {
        (writer, offsets, agentStart, goal, returns, episodeLengths, success, groups, agentCell, action, reward, logProb, returnToGo) = try withHDF5 {
            let writer = try HDF5Writer(path: path)
            let root = writer.root
            try provenance.write(to: root)
            try root.setAttribute(Layout.gridSize, Int64(world.size))
            try root.setAttribute(Layout.maxSteps, Int64(world.maxSteps))
            try root.setAttribute(Layout.gamma, gamma)
            let perEpisode = try root.createGroup(Layout.episodes)
            let steps = try root.createGroup(Layout.steps)
            return (writer,
                    try perEpisode.createAppendable(Layout.offsets),
                    try perEpisode.createAppendable(Layout.agentStart),
                    try perEpisode.createAppendable(Layout.goal),
                    try perEpisode.createAppendable(Layout.episodeReturn),
                    try perEpisode.createAppendable(Layout.length),
                    try perEpisode.createAppendable(Layout.success),
                    grouped ? try perEpisode.createAppendable(Layout.group) : nil,
                    try steps.createAppendable(Layout.agentCell),
                    try steps.createAppendable(Layout.action),
                    try steps.createAppendable(Layout.reward),
                    try steps.createAppendable(Layout.logProb),
                    try steps.createAppendable(Layout.returnToGo))
        }
        try withHDF5 { try offsets.append([0]) }
    }

    /// Appends `part`'s episodes after those already written.
    public func append(_ part: Episodes) throws {
        try withHDF5 {
            let stepCount = agentCell.count
            try offsets.append(part.offsets.dropFirst().map { Int64($0 + stepCount) })
            try agentStart.append(part.starts.map { UInt8($0) })
            try goal.append(part.goals.map { UInt8($0) })
            try returns.append(part.returns)
            try episodeLengths.append((0..<part.count).map { Int32(part.length($0)) })
            try success.append(part.successes.map { UInt8($0 ? 1 : 0) })
            try groups?.append(part.groups.map(Int32.init))
            try agentCell.append(part.agentCells.map { UInt8($0) })
            try action.append(part.actions.map { UInt8($0) })
            try reward.append(part.rewards)
            try logProb.append(part.logProbs)
            try returnToGo.append(part.returnsToGo)
        }
    }

    /// Records the totals and moves the finished file into place.
    public func commit() throws {
        try withHDF5 {
            try writer.root.setAttribute(Layout.episodeCount, Int64(agentStart.count))
            try writer.root.setAttribute(Layout.stepCount, Int64(agentCell.count))
            for dataset in [agentStart, goal, success, agentCell, action] { dataset.close() }
            for dataset in [returns, reward, logProb, returnToGo] { dataset.close() }
            for dataset in [episodeLengths, groups].compactMap({ $0 }) { dataset.close() }
            offsets.close()
            try writer.commit()
        }
    }
}
