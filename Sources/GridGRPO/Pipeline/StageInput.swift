import Foundation

/// What an input file is to the stage that reads it. The role is the flag
/// (`--weights`), the name the provenance records (`input.weights`) and the
/// key of the stage body's paths.
public enum InputRole: String, CaseIterable, Sendable {
    case weights, rollout, pairs, groups, reference, previous, evaluation, labels, reward, hand

    public var flag: String { "--" + rawValue }

    /// The `--help` line of the flag.
    public var help: String {
        switch self {
        case .weights: return "weights.h5 (of iteration N−1 for rollout and update, of iteration N for evaluate and checkpoint)"
        case .rollout: return "rollout.h5 of iteration N"
        case .pairs: return "pairs.h5 of iteration N (algorithm: preference)"
        case .groups: return "groups.h5 of iteration N (algorithm: grpo)"
        case .reference: return "weights.h5 of the reference policy's iteration (grpo with kl_beta > 0)"
        case .previous: return "best.h5 of iteration N−1 (omitted at iteration 0)"
        case .evaluation: return "eval.h5 of iteration N"
        case .labels: return "labels.h5 (of iteration N−1 for label, omitted at iteration 1; of iteration N for reward and evaluate)"
        case .reward: return "reward.h5 (of iteration N−1 for label with selection: disagreement and for reward's warm start, omitted at iteration 1; of iteration N for pair and update)"
        case .hand: return "a person's labels for iteration N, hand/labels-NNNN.h5 (source: file; made by label --interactive, make label-by-hand ITER=N)"
        }
    }
}

/// One input of a stage: which file of which iteration, relative to the
/// iteration the stage runs at.
public struct StageInput: Sendable, Equatable {
    public let role: InputRole
    public let iterationOffset: Int

    public init(_ role: InputRole, offset: Int = 0) {
        self.role = role
        self.iterationOffset = offset
    }

    /// The directory of a person's labels, relative to the run directory:
    /// no stage writes there and neither pruning nor `make clean` removes it.
    public static let handDirectory = "hand"

    /// The file name in its iteration folder.
    public func file(for algorithm: PipelineConfig.Algorithm) -> String {
        switch role {
        case .weights, .reference: return "weights.h5"
        case .rollout: return "rollout.h5"
        case .pairs: return "pairs.h5"
        case .groups: return "groups.h5"
        case .previous: return "best.h5"
        case .evaluation: return "eval.h5"
        case .labels, .hand: return "labels.h5"
        case .reward: return "reward.h5"
        }
    }

    /// The file's path relative to the run directory when it is iteration
    /// `source`'s: `iter-NNNN/FILE`, or `hand/labels-NNNN.h5` for a person's labels.
    public func relativePath(source: Int, algorithm: PipelineConfig.Algorithm) -> String {
        let folder = StageGraph.iterationDirectory(source)
        if role == .hand { return "\(Self.handDirectory)/labels-\(folder.dropFirst("iter-".count)).h5" }
        return "\(folder)/\(file(for: algorithm))"
    }

    /// The iteration whose file the stage reads at `iteration`, or nil when
    /// it reads none there (no earlier iteration; GRPO without a KL penalty
    /// never reads the reference policy; labels and reward models exist from
    /// iteration 1 on).
    public func sourceIteration(at iteration: Int, config: PipelineConfig) -> Int? {
        if role == .reference {
            return config.grpo.klBeta > 0 ? config.grpo.referenceIteration(for: iteration) : nil
        }
        let source = iteration + iterationOffset
        let first = [.labels, .reward, .hand].contains(role) ? 1 : 0
        return source >= first ? source : nil
    }
}
