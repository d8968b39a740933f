/// The steps of a minibatch of episodes, gathered into flat per-step arrays
/// in episode order, as both update loops (`preferenceUpdate`, `grpoUpdate`)
/// feed them to the networks.
struct Minibatch {
    /// Each step's index into the rollout's per-step arrays.
    let steps: [Int]
    /// Each step's episode.
    let stepEpisodes: [Int]
    /// Each episode's number of steps, in minibatch order.
    let lengths: [Int]
    /// The state (agent cell, goal cell), action and behaviour log-prob of each step.
    let agents: [Int]
    let goals: [Int]
    let actions: [Int]
    let oldLogProbs: [Float]

    init(episodes: Episodes, members: some Collection<Int>) {
        var steps: [Int] = [], stepEpisodes: [Int] = [], lengths: [Int] = []
        let stepCount = members.reduce(0) { $0 + episodes.length($1) }
        steps.reserveCapacity(stepCount)
        stepEpisodes.reserveCapacity(stepCount)
        lengths.reserveCapacity(members.count)
        for episode in members {
            lengths.append(episodes.length(episode))
            for step in episodes.steps(episode) {
                steps.append(step)
                stepEpisodes.append(episode)
            }
        }
        self.steps = steps
        self.stepEpisodes = stepEpisodes
        self.lengths = lengths
        agents = steps.map { episodes.agentCells[$0] }
        goals = stepEpisodes.map { episodes.goals[$0] }
        actions = steps.map { episodes.actions[$0] }
        oldLogProbs = steps.map { episodes.logProbs[$0] }
    }

    /// A per-step array of the rollout (`returnsToGo`, …) for this minibatch's steps.
    func perStep<T>(_ values: [T]) -> [T] { steps.map { values[$0] } }

    /// A per-episode value (an advantage) repeated for each of the episode's steps.
    func perEpisode<T>(_ values: [T]) -> [T] { stepEpisodes.map { values[$0] } }

    /// `order` cut into consecutive minibatches of `size` items (the last may be shorter).
    static func slices(of order: [Int], size: Int) -> [ArraySlice<Int>] {
        stride(from: 0, to: order.count, by: size).map { order[$0..<min($0 + size, order.count)] }
    }
}
