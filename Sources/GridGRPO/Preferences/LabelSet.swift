/// Every label collected in a run so far: which two episodes were compared,
/// the answer, who gave it, and the two episodes themselves (their states and
/// actions), so the reward model can be retrained from this set alone,
/// without the rollouts they came from.
///
/// Label i compares segment 2i (the first episode) with segment 2i+1 (the
/// second); a segment's steps are `offsets[s]..<offsets[s+1]` of the per-step
/// arrays, all in the episode's goal `goals[s]`.
public struct LabelSet: Equatable, Sendable {
    /// The iteration whose rollout the pair came from.
    public var iterations: [Int] = []
    /// The episodes' indices in that rollout.
    public var firstEpisodes: [Int] = []
    public var secondEpisodes: [Int] = []
    /// The answer: P(first ≻ second) ∈ {0, ½, 1}.
    public var preferences: [Float] = []
    /// Answered by a person (`label --interactive`) rather than the simulated labeller.
    public var byPerson: [Bool] = []
    /// The utilities the simulated labeller compared (for a person's labels,
    /// the same numbers, for reference); never read by the reward model.
    public var firstUtilities: [Float] = []
    public var secondUtilities: [Float] = []
    /// The ensemble's disagreement about the pair when it was selected (0 for random selection).
    public var disagreements: [Float] = []

    public var offsets: [Int] = [0]
    public var goals: [Int] = []
    public var agentCells: [Int] = []
    public var actions: [Int] = []

    public init() {}

    public var count: Int { preferences.count }
    public var segmentCount: Int { goals.count }
    public var stepCount: Int { actions.count }
    public func steps(_ segment: Int) -> Range<Int> { offsets[segment]..<offsets[segment + 1] }

    /// One answered pair of episodes of `episodes` (the rollout of `iteration`).
    public struct Answer: Equatable, Sendable {
        public var first: Int
        public var second: Int
        public var preference: Float
        public var byPerson: Bool
        public var firstUtility: Float
        public var secondUtility: Float
        public var disagreement: Float

        public init(first: Int, second: Int, preference: Float, byPerson: Bool, firstUtility: Float, secondUtility: Float,
                    disagreement: Float) {
            self.first = first
            self.second = second
            self.preference = preference
            self.byPerson = byPerson
            self.firstUtility = firstUtility
            self.secondUtility = secondUtility
            self.disagreement = disagreement
        }
    }

    /// Appends `answer`, copying its two episodes' steps out of `episodes`.
    public mutating func append(_ answer: Answer, from episodes: Episodes, iteration: Int) {
        iterations.append(iteration)
        firstEpisodes.append(answer.first)
        secondEpisodes.append(answer.second)
        preferences.append(answer.preference)
        byPerson.append(answer.byPerson)
        firstUtilities.append(answer.firstUtility)
        secondUtilities.append(answer.secondUtility)
        disagreements.append(answer.disagreement)
        for episode in [answer.first, answer.second] {
            let steps = episodes.steps(episode)
            agentCells.append(contentsOf: episodes.agentCells[steps])
            actions.append(contentsOf: episodes.actions[steps])
            goals.append(episodes.goals[episode])
            offsets.append(actions.count)
        }
    }

    /// The labels of `iteration` and later (a file's new labels).
    public func labels(from iteration: Int) -> [Int] {
        (0..<count).filter { iterations[$0] >= iteration }
    }

    /// The per-step goal of every step (for the networks).
    public var stepGoals: [Int] {
        var result: [Int] = []
        result.reserveCapacity(stepCount)
        for segment in 0..<segmentCount {
            result.append(contentsOf: repeatElement(goals[segment], count: offsets[segment + 1] - offsets[segment]))
        }
        return result
    }
}
