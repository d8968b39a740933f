import Foundation

extension Inspector {
    /// One episode of a rollout as the blog's text frames.
    public static func replay(rolloutPath: String, episode: Int) throws -> String {
        // The grid (its layout rebuilt from the recorded environment and
        // seed), the step limit and the episode count come from the file's
        // recorded config, validated (grid_size 2...32, …) before any
        // arithmetic or allocation uses them; the reader checks the file
        // against it, its /world cells included.
        let recorded = try recordedConfig(path: rolloutPath, kind: .rollout)
        let world = recorded.world
        let (episodes, _) = try ArtifactSchema.readRollout(path: rolloutPath, config: recorded)
        guard (0..<episodes.count).contains(episode) else {
            throw GridGRPOError("--episode \(episode) is outside 0...\(episodes.count - 1) (\(rolloutPath) holds \(episodes.count) episodes)")
        }
        let goal = episodes.goals[episode]
        let last = episodes.steps(episode).last.map { world.move(episodes.agentCells[$0], episodes.actions[$0]) }
        let onLava = !episodes.successes[episode] && last.map { world.kinds[$0] == .lava } == true
        var lines = ["episode \(episode) of \(rolloutPath): \(episodes.length(episode)) moves, return \(String(cFormat: "%.1f", episodes.returns[episode])), "
                     + (episodes.successes[episode] ? "reached the goal" : onLava ? "stepped onto lava" : "cut at max_steps"),
                     (episodes.groups.isEmpty ? "" : "group \(episodes.groups[episode]), ") + "start:", world.render(agent: episodes.starts[episode], goal: goal)]
        for (index, step) in episodes.steps(episode).enumerated() {
            let next = world.move(episodes.agentCells[step], episodes.actions[step])
            lines.append("")
            lines.append("Step \(index + 1): Agent chooses \(GridWorld.actionNames[episodes.actions[step]].uppercased())"
                         + String(cFormat: "  (reward %+.1f, log π %.3f, return-to-go %.3f)", episodes.rewards[step], episodes.logProbs[step], episodes.returnsToGo[step]))
            lines.append(world.render(agent: next, goal: goal))
        }
        if episodes.successes[episode] { lines.append(""); lines.append("Goal reached!") }
        if onLava { lines.append(""); lines.append("Lava! The episode ends (reward \(String(cFormat: "%+.1f", world.lavaPenalty))).") }
        return lines.joined(separator: "\n")
    }
}
