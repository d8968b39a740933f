extension ArtifactSchema {
    /// Reads a file of `kind` with its reader for `config`, for the checks
    /// alone (`inspect --verify`): every shape, count and value domain.
    public static func validate(path: String, kind: ArtifactKind, config: PipelineConfig) throws {
        switch kind {
        case .rollout: _ = try readRollout(path: path, config: config)
        case .pairs: _ = try readPairs(path: path, config: config)
        case .groups: _ = try readGroups(path: path, config: config)
        case .weights: _ = try readWeights(path: path, config: config)
        case .evaluation: _ = try readEvaluation(path: path, config: config)
        case .best: _ = try readBest(path: path, config: config)
        case .labels: _ = try readLabels(path: path, config: config)
        case .reward: _ = try readReward(path: path, config: config)
        }
    }
}
