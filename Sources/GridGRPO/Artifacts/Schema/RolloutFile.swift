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
    /// Cells: uint8 up to 256 cells, uint16 on larger grids (`CellDataset`).
    public static let agentStart = CellDataset("agent_start", in: episodes)
    public static let goal = CellDataset("goal", in: episodes)
    public static let episodeReturn = Dataset<Float>("return", in: episodes)
    public static let length = Dataset<Int32>("length", in: episodes)
    public static let success = Dataset<UInt8>("success", in: episodes)
    /// GRPO rollouts only.
    public static let group = Dataset<Int32>("group", in: episodes)

    /// Per step.
    public static let steps = "steps"
    public static let agentCell = CellDataset("agent_cell", in: steps)
    public static let action = Dataset<UInt8>("action", in: steps)
    public static let reward = Dataset<Float>("reward", in: steps)
    public static let logProb = Dataset<Float>("log_prob", in: steps)
    public static let returnToGo = Dataset<Float>("return_to_go", in: steps)

    public static let layout = ArtifactLayout(
        file: "rollout.h5", groups: WorldLayout.groups + [episodes, steps],
        datasets: WorldLayout.datasets + [offsets.path, agentStart.path, goal.path, episodeReturn.path, length.path, success.path, group.path,
                   agentCell.path, action.path, reward.path, logProb.path, returnToGo.path],
        attributes: WorldLayout.attributes + [gridSize.name, maxSteps.name, gamma.name, episodeCount.name, stepCount.name])
}

extension ArtifactSchema {
    public static func writeRollout(_ episodes: Episodes, world: GridWorld, gamma: Double, provenance: Provenance, to path: String) throws {
        let writer = try RolloutWriter(path: path, world: world, gamma: gamma, provenance: provenance, grouped: !episodes.groups.isEmpty)
        try writer.append(episodes)
        try writer.commit()
    }

    /// The step count a rollout.h5 records, without reading its episodes.
    public static func readRolloutSummary(path: String) throws -> Int {
        try readArtifact(path, .rollout, world: nil) { root, _ in
            Int(try root.attribute(RolloutLayout.stepCount))
        }
    }

    /// Reads a rollout of a run of `config`: every count is the config's
    /// (episodes) or bounded by it (steps ≤ episodes × max_steps) and checked
    /// before the datasets are read; every value is checked against its domain
    /// and the episodes against the grid's rules (`checkEpisodes`).
    public static func readRollout(path: String, config: PipelineConfig) throws -> (episodes: Episodes, provenance: Provenance) {
        typealias Layout = RolloutLayout
        let bounds = try ArtifactBounds(config: config, path: path)
        let world = bounds.world, check = DomainCheck(path: path)
        return try readArtifact(path, .rollout, world: world) { root, provenance in
            let gridSize = try root.attribute(Layout.gridSize)
            guard gridSize == world.size else {
                throw GridGRPOError("\(path): made for \(Layout.gridSize.name) \(gridSize), but the config says \(world.size)")
            }
            let maxSteps = try root.attribute(Layout.maxSteps)
            guard maxSteps == world.maxSteps else {
                throw GridGRPOError("\(path): made for \(Layout.maxSteps.name) \(maxSteps), but the config says \(world.maxSteps)")
            }
            let count = bounds.episodes
            let recorded = try root.attribute(Layout.episodeCount)
            guard recorded == count else {
                throw check.fail(Layout.episodeCount.name, "is \(recorded), but the config's rollout has \(count) episodes (\(config.algorithm == .grpo ? "grpo.groups_per_iteration × grpo.group_size" : "2 × rollout.pairs"))")
            }
            let stepCount = try check.count(try root.attribute(Layout.stepCount), in: count...bounds.maximumSteps, Layout.stepCount.name)
            let perEpisode = try root.openGroup(Layout.episodes)
            let offsets = try perEpisode.read(Layout.offsets, shape: [count + 1])
            try check.require(offsets.first == 0 && offsets.last == Int64(stepCount), Layout.offsets.path,
                              "must start at 0 and end at step_count \(stepCount)")
            for e in 0..<count where !(offsets[e] < offsets[e + 1] && offsets[e + 1] - offsets[e] <= Int64(world.maxSteps)) {
                throw check.fail(Layout.offsets.path, "episode \(e) spans \(offsets[e])..<\(offsets[e + 1]), expected 1...\(world.maxSteps) steps after the previous one")
            }
            var episodes = Episodes()
            episodes.offsets = offsets.map(Int.init)
            episodes.starts = try perEpisode.readCells(Layout.agentStart, shape: [count], world: world, check: check)
            episodes.goals = try perEpisode.readCells(Layout.goal, shape: [count], world: world, check: check)
            episodes.returns = try perEpisode.read(Layout.episodeReturn, shape: [count])
            try check.values(episodes.returns, in: bounds.returnRange, Layout.episodeReturn.path, "episode returns")
            let lengths = try perEpisode.read(Layout.length, shape: [count])
            if let e = (0..<count).first(where: { e in Int64(lengths[e]) != offsets[e + 1] - offsets[e] }) {
                throw check.fail(Layout.length.path, "episode \(e) has length \(lengths[e]), but its offsets span \(offsets[e + 1] - offsets[e]) steps")
            }
            episodes.successes = try check.flags(try perEpisode.read(Layout.success, shape: [count]), Layout.success.path)
            let grouped = config.algorithm == .grpo
            guard perEpisode.contains(Layout.group) == grouped else {
                throw check.fail(Layout.group.path, grouped ? "is missing, but the config's algorithm is grpo" : "is present, but the config's algorithm is preference (a GRPO rollout?)")
            }
            if grouped {
                let groups = try perEpisode.read(Layout.group, shape: [count])
                try check.values(groups, in: 0..<bounds.groupCount, Layout.group.path, "group ids")
                episodes.groups = groups.map(Int.init)
            }
            let steps = try root.openGroup(Layout.steps)
            episodes.agentCells = try steps.readCells(Layout.agentCell, shape: [stepCount], world: world, check: check)
            let actions = try steps.read(Layout.action, shape: [stepCount])
            try check.values(actions, in: 0..<GridWorld.actionCount, Layout.action.path, "actions")
            episodes.actions = actions.map(Int.init)
            episodes.rewards = try steps.read(Layout.reward, shape: [stepCount])
            let rewards = [GridWorld.stepReward, GridWorld.goalReward] + (world.hasLava ? [world.lavaPenalty] : [])
            if let index = episodes.rewards.firstIndex(where: { !rewards.contains($0) }) {
                throw check.fail(Layout.reward.path, "holds \(episodes.rewards[index]) at index \(index), expected \(rewards.map { "\($0)" }.joined(separator: " or "))")
            }
            episodes.logProbs = try steps.read(Layout.logProb, shape: [stepCount])
            try check.values(episodes.logProbs, in: -Float.greatestFiniteMagnitude...0, Layout.logProb.path, "log-probabilities")
            episodes.returnsToGo = try steps.read(Layout.returnToGo, shape: [stepCount])
            try check.values(episodes.returnsToGo, in: bounds.returnRange, Layout.returnToGo.path, "returns-to-go")
            try checkEpisodes(episodes, world: world, check: check)
            return (episodes, provenance)
        }
    }

    /// Each episode as the grid world plays it: a start configuration (distinct
    /// floor cells, the goal reachable), the first step at the start, each step
    /// where the previous move led, each reward the one the move gives (goal,
    /// lava or step), no step after the goal or lava, a success flag that says
    /// whether the goal was reached, an episode that ends neither way cut at
    /// max_steps, and the return the sum of the rewards.
    static func checkEpisodes(_ episodes: Episodes, world: GridWorld, check: DomainCheck) throws {
        typealias Layout = RolloutLayout
        for e in 0..<episodes.count {
            let start = episodes.starts[e], goal = episodes.goals[e]
            try check.require(start != goal, Layout.goal.path, "episode \(e) starts on its goal cell \(goal)")
            try check.require(world.isConfiguration(agent: start, goal: goal), Layout.goal.path,
                              "episode \(e)'s goal \(goal) cannot be reached from its start \(start) in the \(world.layout.rawValue) grid")
            var cell = start, sum = 0.0, reached = false, ended = false
            for step in episodes.steps(e) {
                try check.require(!ended, Layout.offsets.path, "episode \(e) goes on after \(reached ? "reaching its goal" : "stepping onto lava")")
                try check.require(episodes.agentCells[step] == cell, Layout.agentCell.path,
                                  "step \(step) (episode \(e)) is at cell \(episodes.agentCells[step]), but the previous move led to \(cell)")
                let outcome = world.step(agent: cell, goal: goal, action: episodes.actions[step])
                cell = outcome.agent
                (reached, ended) = (outcome.reachedGoal, outcome.ended)
                try check.require(episodes.rewards[step] == outcome.reward, Layout.reward.path,
                                  "step \(step) (episode \(e)) has reward \(episodes.rewards[step]), but the move to cell \(cell) gives \(outcome.reward)")
                sum += Double(episodes.rewards[step])
            }
            try check.require(episodes.successes[e] == reached, Layout.success.path, "episode \(e)'s flag disagrees with its moves")
            try check.require(ended || episodes.length(e) == world.maxSteps, Layout.offsets.path,
                              "episode \(e) stops after \(episodes.length(e)) moves without reaching its goal\(world.hasLava ? " or lava" : ""), expected max_steps \(world.maxSteps)")
            try check.require(abs(Double(episodes.returns[e]) - sum) <= 1e-3 + 1e-5 * Double(episodes.length(e)), Layout.episodeReturn.path,
                              "episode \(e) has return \(episodes.returns[e]), but its rewards sum to \(sum)")
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
    private let agentStart, goal, agentCell: CellColumn
    private let success, action: HDF5Appendable<UInt8>
    private let returns, reward, logProb, returnToGo: HDF5Appendable<Float>
    private let episodeLengths: HDF5Appendable<Int32>

    public init(path: String, world: GridWorld, gamma: Double, provenance: Provenance, grouped: Bool) throws {
        (writer, offsets, agentStart, goal, returns, episodeLengths, success, groups, agentCell, action, reward, logProb, returnToGo) = try withHDF5 {
            let writer = try HDF5Writer(path: path)
            let root = writer.root
            try provenance.write(to: root)
            try ArtifactSchema.writeWorld(world, to: root)
            try root.setAttribute(Layout.gridSize, Int64(world.size))
            try root.setAttribute(Layout.maxSteps, Int64(world.maxSteps))
            try root.setAttribute(Layout.gamma, gamma)
            let perEpisode = try root.createGroup(Layout.episodes)
            let steps = try root.createGroup(Layout.steps)
            return (writer,
                    try perEpisode.createAppendable(Layout.offsets),
                    try CellColumn(Layout.agentStart, in: perEpisode, cellCount: world.cellCount),
                    try CellColumn(Layout.goal, in: perEpisode, cellCount: world.cellCount),
                    try perEpisode.createAppendable(Layout.episodeReturn),
                    try perEpisode.createAppendable(Layout.length),
                    try perEpisode.createAppendable(Layout.success),
                    grouped ? try perEpisode.createAppendable(Layout.group) : nil,
                    try CellColumn(Layout.agentCell, in: steps, cellCount: world.cellCount),
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
            try agentStart.append(part.starts)
            try goal.append(part.goals)
            try returns.append(part.returns)
            try episodeLengths.append((0..<part.count).map { Int32(part.length($0)) })
            try success.append(part.successes.map { UInt8($0 ? 1 : 0) })
            try groups?.append(part.groups.map(Int32.init))
            try agentCell.append(part.agentCells)
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
            agentStart.close()
            goal.close()
            success.close()
            agentCell.close()
            action.close()
            for dataset in [returns, reward, logProb, returnToGo] { dataset.close() }
            for dataset in [episodeLengths, groups].compactMap({ $0 }) { dataset.close() }
            offsets.close()
            try writer.commit()
        }
    }
}
