/// What a run's config implies about every artifact of the run: the exact
/// counts the readers pass to the HDF5 layer as shapes or element bounds
/// (before anything is allocated or read) and the domains the values must
/// lie in. `docs/artifacts.md` states the same per dataset.
public struct ArtifactBounds: Sendable {
    public let world: GridWorld
    /// Episodes of one rollout: 2·rollout.pairs, or S·G for GRPO.
    public let episodes: Int
    /// The most steps a rollout can hold: episodes × max_steps.
    public let maximumSteps: Int
    public let pairs: Int
    public let groupSize: Int
    public let groupCount: Int
    /// Rows of an evaluation: every start configuration of the world,
    /// N²·(N²−1) on the open grid (`GridWorld.configurationCount`).
    public let evaluationRows: Int
    /// Entries of each `/metrics` series: update.epochs, or grpo.inner_epochs.
    public let epochs: Int
    public let sampledEpisodes: Int
    public let iterations: Int
    public let algorithm: PipelineConfig.Algorithm
    public let hiddenSize: Int
    /// Candidate pairs of one rollout a labeller may be asked about
    /// (`PipelineConfig.candidatePairCount`).
    public let candidatePairs: Int
    /// The most labels a run's labels.h5 can hold: every candidate pair of
    /// every iteration (the labeller asks `labels_per_iteration` ≤ that).
    public let labels: Int
    /// The most steps a labels.h5 can hold: two episodes per label, each
    /// at most max_steps moves.
    public let labelSteps: Int
    public let rewardHiddenSize: Int
    public let ensembleSize: Int

    /// The largest magnitude a stored weight may have. Training from the
    /// PyTorch initialisation (|w| ≤ 1/√fan_in) keeps weights within a few
    /// units; a finite but huge weight (3e38) makes NaN log-probs downstream.
    public static let weightMagnitude: Float = 1e4
    /// The largest magnitude of an Adam moment (the same reasoning).
    public static let momentMagnitude: Float = 1e8

    /// Throws (naming `path`) when a count the config implies overflows.
    public init(config: PipelineConfig, path: String = "the config") throws {
        world = config.world
        algorithm = config.algorithm
        learnsReward = config.preference.learnsReward
        episodes = config.rolloutEpisodes
        let (steps, stepsOverflow) = episodes.multipliedReportingOverflow(by: world.maxSteps)
        guard !stepsOverflow, episodes >= 0, world.maxSteps >= 1, world.size >= 2 else {
            throw GridGRPOError("\(path): the config's sizes (grid_size, max_steps, episodes) are outside what an artifact can hold")
        }
        evaluationRows = world.configurationCount
        maximumSteps = steps
        pairs = config.rollout.pairs
        groupSize = config.grpo.groupSize
        groupCount = config.grpo.groupsPerIteration
        epochs = config.algorithm == .grpo ? config.grpo.innerEpochs : config.update.epochs
        sampledEpisodes = config.evaluation.sampledEpisodes
        iterations = config.iterations
        hiddenSize = config.network.hiddenSize
        candidatePairs = config.candidatePairCount
        let (labels, labelsOverflow) = candidatePairs.multipliedReportingOverflow(by: max(1, config.iterations))
        let (labelSteps, labelStepsOverflow) = labels.multipliedReportingOverflow(by: 2 * world.maxSteps)
        guard !labelsOverflow, !labelStepsOverflow else {
            throw GridGRPOError("\(path): the config's label counts (candidate pairs × iterations × max_steps) are outside what an artifact can hold")
        }
        self.labels = labels
        self.labelSteps = labelSteps
        rewardHiddenSize = config.preference.rewardHiddenSize
        ensembleSize = config.preference.ensembleSize
    }

    /// The lowest and highest return an episode can have (`GridWorld.returnRange`).
    public var returnRange: ClosedRange<Float> { world.returnRange }

    /// Whether pair and update compare learned returns (`preference.source`
    /// other than `return`).
    public let learnsReward: Bool
    /// The largest magnitude of a learned return Σ r̃: at most max_steps
    /// normalised rewards (of scale `reward_scale`, or unit variance) each;
    /// a bound far beyond any trained model's, which still refuses the
    /// absurd values a hand-edited file could hold.
    public static let learnedReturnMagnitude: Float = 1e6
    /// The returns pair and the group statistics compare: the true return's
    /// range, or for a learned reward ±`learnedReturnMagnitude`.
    public var comparedReturnRange: ClosedRange<Float> {
        learnsReward ? -Self.learnedReturnMagnitude...Self.learnedReturnMagnitude : returnRange
    }

    /// The largest element count of any dataset of `kind`, for `inspect`'s
    /// walk over a file's datasets (which it does not know by name).
    public func largestDataset(of kind: ArtifactKind) -> Int {
        let network = hiddenSize * max(hiddenSize, world.observationSize)
        // /world/cell_type holds N² cells in the world-dependent kinds.
        let cells = world.cellCount
        switch kind {
        case .rollout: return max(maximumSteps, episodes + 1, cells)
        case .pairs: return pairs
        case .groups: return max(episodes, groupCount)
        case .weights, .best: return max(network, epochs, cells)
        case .evaluation: return max(evaluationRows, cells)
        case .labels: return max(labelSteps, 2 * labels + 1, cells)
        case .reward: return max(rewardHiddenSize * max(rewardHiddenSize, world.observationSize + GridWorld.actionCount), cells, 1 << 16)
        }
    }
}
