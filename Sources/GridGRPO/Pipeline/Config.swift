import Foundation
import Yams

/// Every parameter of a run, as written in `pipeline.yaml`. Each section is
/// read by the stages named in its doc comment; `docs/config.md` and the README
/// list every key with its default and allowed range.
///
/// Reading is strict: an unknown key, a wrong type or an out-of-range value is
/// an error naming the key and what is allowed. Missing keys take the defaults
/// shown here.
public struct PipelineConfig: Codable, Equatable, Sendable {
    /// The run seed from which every random stream is derived.
    public var seed: UInt64 = 0
    /// How many rollout → pair → update → evaluate → checkpoint iterations the Makefile runs.
    public var iterations: Int = 20
    /// `preference`: the blog's method (preference pairs + PPO with a value network);
    /// `grpo`: Group Relative Policy Optimization (no value network), section `grpo`.
    public var algorithm: Algorithm = .preference
    public var environment = EnvironmentConfig()
    public var network = NetworkConfig()
    public var rollout = RolloutConfig()
    public var update = UpdateConfig()
    public var evaluation = EvaluationConfig()
    public var grpo = GRPOConfig()
    /// Worker threads of the stages that split work (rollout, update,
    /// evaluate); 0 = every core. Work is cut into fixed chunks combined in a
    /// fixed order, so no artifact depends on it, and it is in no stage's
    /// parameter stamp: changing it reruns nothing.
    public var threads: Int = 0

    public enum Algorithm: String, Codable, Sendable, CaseIterable {
        case preference
        case grpo
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case seed, iterations, algorithm, environment, network, rollout, update, evaluation, grpo, threads
    }

    public init() {}

    public init(from decoder: Decoder) throws {
        let reader = try StrictReader<CodingKeys>(decoder)
        let defaults = PipelineConfig()
        seed = try reader.value(.seed, default: defaults.seed, in: 0...UInt64(Int64.max))
        iterations = try reader.value(.iterations, default: defaults.iterations, in: 1...100_000)
        algorithm = try reader.choice(.algorithm, default: defaults.algorithm)
        environment = try reader.section(.environment, default: defaults.environment)
        network = try reader.section(.network, default: defaults.network)
        rollout = try reader.section(.rollout, default: defaults.rollout)
        update = try reader.section(.update, default: defaults.update)
        evaluation = try reader.section(.evaluation, default: defaults.evaluation)
        grpo = try reader.section(.grpo, default: defaults.grpo)
        threads = try reader.value(.threads, default: defaults.threads, in: 0...256)
        if algorithm == .grpo, grpo.minibatchGroups > grpo.groupsPerIteration {
            throw GridGRPOError("key 'grpo.minibatch_groups' is \(grpo.minibatchGroups), but grpo.groups_per_iteration is \(grpo.groupsPerIteration) (allowed: 1...\(grpo.groupsPerIteration))")
        }
        if algorithm == .preference, update.minibatchEpisodes > rollout.pairs {
            throw GridGRPOError("key 'update.minibatch_episodes' is \(update.minibatchEpisodes), but only rollout.pairs = \(rollout.pairs) preferred episodes exist per iteration (allowed: 1...\(rollout.pairs))")
        }
    }

    /// Reads and validates a config file; every error names the file.
    public static func load(path: String) throws -> PipelineConfig {
        guard FileManager.default.fileExists(atPath: path) else {
            throw GridGRPOError("\(path): no such config file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GridGRPOError("\(path): cannot read config file (permissions?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw GridGRPOError("\(path): config is not UTF-8 text")
        }
        return try parse(text, source: path)
    }

    public static func parse(_ text: String, source: String = "pipeline.yaml") throws -> PipelineConfig {
        if text.allSatisfy({ $0.isWhitespace }) {
            throw GridGRPOError("\(source): config file is empty")
        }
        do {
            let node = try Yams.compose(yaml: text)
            guard let node, node.mapping != nil else {
                throw GridGRPOError("\(source): config must be a YAML mapping of keys to values")
            }
            return try YAMLDecoder().decode(PipelineConfig.self, from: node)
        } catch let error as GridGRPOError {
            throw error.message.hasPrefix(source) ? error : GridGRPOError("\(source): \(error.message)")
        } catch let error as DecodingError {
            throw GridGRPOError("\(source): \(StrictReader<CodingKeys>.describe(error))")
        } catch {
            throw GridGRPOError("\(source): not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
    }

    /// The canonical form of the resolved config: JSON with sorted keys, every
    /// value but `threads` (which changes no result). Its SHA-256 is the config
    /// digest the figures record; comments and formatting in the YAML file do
    /// not change it, any value does.
    public var canonicalJSON: String { encodeCanonically(subset(PipelineConfig.Section.allCases, iterations: true)) }

    public var digest: String { SHA256.hex(Array(canonicalJSON.utf8)) }

    public var world: GridWorld { GridWorld(size: environment.gridSize, maxSteps: environment.maxSteps) }

    /// The top-level keys a stage can read, the unit of "what changed" (DVC's
    /// params). `iterations` is not one: it only says how many iterations the
    /// Makefile runs, and no artifact of an iteration depends on it.
    public enum Section: String, CaseIterable, Sendable {
        case seed, algorithm, environment, network, rollout, update, evaluation, grpo
    }

    /// The values of `sections` as canonical JSON (sorted keys), the content
    /// of a stage's parameter stamp `params/STAGE.json` and the `config` its
    /// artifacts record: a value outside them changes neither.
    public func parametersJSON(_ sections: [Section]) -> String {
        encodeCanonically(subset(sections, iterations: false))
    }

    private func subset(_ sections: [Section], iterations withIterations: Bool) -> ConfigSubset {
        let selected = Set(sections)
        var subset = ConfigSubset()
        if withIterations { subset.iterations = iterations }
        if selected.contains(.seed) { subset.seed = seed }
        if selected.contains(.algorithm) { subset.algorithm = algorithm }
        if selected.contains(.environment) { subset.environment = environment }
        if selected.contains(.network) { subset.network = network }
        if selected.contains(.rollout) { subset.rollout = rollout }
        if selected.contains(.update) { subset.update = update }
        if selected.contains(.evaluation) { subset.evaluation = evaluation }
        if selected.contains(.grpo) { subset.grpo = grpo }
        return subset
    }

    private func encodeCanonically(_ subset: ConfigSubset) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(subset) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Some sections of a config; absent ones are left out of the JSON.
private struct ConfigSubset: Encodable {
    var iterations: Int?
    var seed: UInt64?
    var algorithm: PipelineConfig.Algorithm?
    var environment: EnvironmentConfig?
    var network: NetworkConfig?
    var rollout: RolloutConfig?
    var update: UpdateConfig?
    var evaluation: EvaluationConfig?
    var grpo: GRPOConfig?
}

/// Read by rollout and evaluate.
public struct EnvironmentConfig: Codable, Equatable, Sendable {
    /// N: the grid is N×N.
    public var gridSize: Int = 5
    /// Episodes end (truncated) after this many moves.
    public var maxSteps: Int = 100

    enum CodingKeys: String, CodingKey, CaseIterable {
        case gridSize = "grid_size", maxSteps = "max_steps"
    }

    public init() {}
    public init(from decoder: Decoder) throws {
        let reader = try StrictReader<CodingKeys>(decoder)
        gridSize = try reader.value(.gridSize, default: 5, in: 2...16)
        maxSteps = try reader.value(.maxSteps, default: 100, in: 1...100_000)
    }
}

/// Read by the initial-weights stage (`update --init`).
public struct NetworkConfig: Codable, Equatable, Sendable {
    /// Width h of both hidden layers of the policy and value networks.
    public var hiddenSize: Int = 64

    enum CodingKeys: String, CodingKey, CaseIterable {
        case hiddenSize = "hidden_size"
    }

    public init() {}
    public init(from decoder: Decoder) throws {
        let reader = try StrictReader<CodingKeys>(decoder)
        hiddenSize = try reader.value(.hiddenSize, default: 64, in: 1...1024)
    }
}

/// Read by rollout and pair.
public struct RolloutConfig: Codable, Equatable, Sendable {
    /// P: reference episodes and candidate episodes per iteration (2P episodes, P pairs).
    public var pairs: Int = 512
    /// γ for the discounted return-to-go stored with every step.
    public var gamma: Double = 0.99

    enum CodingKeys: String, CodingKey, CaseIterable {
        case pairs, gamma
    }

    public init() {}
    public init(from decoder: Decoder) throws {
        let reader = try StrictReader<CodingKeys>(decoder)
        pairs = try reader.value(.pairs, default: 512, in: 1...1_000_000)
        gamma = try reader.value(.gamma, default: 0.99, in: 0...1)
    }
}

/// Read by update.
public struct UpdateConfig: Codable, Equatable, Sendable {
    /// K: passes over the preferred episodes per iteration.
    public var epochs: Int = 4
    /// Preferred episodes per gradient step (1 = the blog's step per pair).
    public var minibatchEpisodes: Int = 16
    /// ε of PPO's clipped ratio.
    public var clipEpsilon: Double = 0.2
    public var policyLearningRate: Double = 0.002
    public var valueLearningRate: Double = 0.002
    public var adamBeta1: Double = 0.9
    public var adamBeta2: Double = 0.999
    public var adamEpsilon: Double = 1e-8

    enum CodingKeys: String, CodingKey, CaseIterable {
        case epochs
        case minibatchEpisodes = "minibatch_episodes"
        case clipEpsilon = "clip_epsilon"
        case policyLearningRate = "policy_learning_rate"
        case valueLearningRate = "value_learning_rate"
        case adamBeta1 = "adam_beta1", adamBeta2 = "adam_beta2", adamEpsilon = "adam_epsilon"
    }

    public init() {}
    public init(from decoder: Decoder) throws {
        let reader = try StrictReader<CodingKeys>(decoder)
        let d = UpdateConfig()
        epochs = try reader.value(.epochs, default: d.epochs, in: 1...1000)
        minibatchEpisodes = try reader.value(.minibatchEpisodes, default: d.minibatchEpisodes, in: 1...1_000_000)
        clipEpsilon = try reader.value(.clipEpsilon, default: d.clipEpsilon, in: 0.001...1)
        policyLearningRate = try reader.value(.policyLearningRate, default: d.policyLearningRate, in: 1e-9...1)
        valueLearningRate = try reader.value(.valueLearningRate, default: d.valueLearningRate, in: 1e-9...1)
        adamBeta1 = try reader.value(.adamBeta1, default: d.adamBeta1, in: 0...0.999999)
        adamBeta2 = try reader.value(.adamBeta2, default: d.adamBeta2, in: 0...0.999999999)
        adamEpsilon = try reader.value(.adamEpsilon, default: d.adamEpsilon, in: 1e-12...1)
    }

    public var policyAdam: Adam.Hyperparameters { policyAdam(learningRate: policyLearningRate) }

    /// Adam for the policy with another learning rate (GRPO's `grpo.learning_rate`).
    public func policyAdam(learningRate: Double) -> Adam.Hyperparameters {
        .init(learningRate: learningRate, beta1: adamBeta1, beta2: adamBeta2, epsilon: adamEpsilon)
    }
    public var valueAdam: Adam.Hyperparameters {
        .init(learningRate: valueLearningRate, beta1: adamBeta1, beta2: adamBeta2, epsilon: adamEpsilon)
    }
}

/// Read by evaluate.
public struct EvaluationConfig: Codable, Equatable, Sendable {
    /// Episodes of the blog's sampled average return (random starts, sampled actions).
    public var sampledEpisodes: Int = 100

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sampledEpisodes = "sampled_episodes"
    }

    public init() {}
    public init(from decoder: Decoder) throws {
        let reader = try StrictReader<CodingKeys>(decoder)
        sampledEpisodes = try reader.value(.sampledEpisodes, default: 100, in: 1...1_000_000)
    }
}

/// Read by rollout (group sizes), pair (advantages) and update (the loss) when
/// `algorithm: grpo`. Adam's β₁, β₂ and ε come from the `update` section.
public struct GRPOConfig: Codable, Equatable, Sendable {
    /// G: episodes sampled from each start configuration.
    public var groupSize: Int = 4
    /// S: start configurations (groups) per iteration.
    public var groupsPerIteration: Int = 64
    /// Denominator of the advantage: group std (GRPO), batch std, or none (Dr. GRPO).
    public var scale: AdvantageScale = .group
    /// ε in Â = (R − mean) / (std + ε).
    public var advantageEpsilon: Double = 1e-4
    public var lossAggregation: LossAggregation = .sequenceMean
    /// Lower clip ε: ratios below 1 − ε are clipped.
    public var clipEpsilon: Double = 0.2
    /// Upper clip ε (DAPO's clip-higher when larger than clip_epsilon).
    public var clipEpsilonHigh: Double = 0.2
    /// μ: passes over the iteration's groups.
    public var innerEpochs: Int = 2
    /// Groups per Adam step.
    public var minibatchGroups: Int = 16
    public var learningRate: Double = 0.003
    /// β of the k3 KL penalty toward the reference policy (0 = none).
    public var klBeta: Double = 0.01
    /// 0: the reference policy is the initial one; R > 0: refreshed to the
    /// current weights every R iterations (iteration n uses iteration R·⌊(n−1)/R⌋).
    public var referenceRefresh: Int = 0
    /// Skip groups whose returns are all equal (DAPO's dynamic sampling).
    public var dropUniformGroups: Bool = false

    enum CodingKeys: String, CodingKey, CaseIterable {
        case groupSize = "group_size", groupsPerIteration = "groups_per_iteration", scale
        case advantageEpsilon = "advantage_epsilon", lossAggregation = "loss_aggregation"
        case clipEpsilon = "clip_epsilon", clipEpsilonHigh = "clip_epsilon_high", innerEpochs = "inner_epochs"
        case minibatchGroups = "minibatch_groups", learningRate = "learning_rate", klBeta = "kl_beta"
        case referenceRefresh = "reference_refresh", dropUniformGroups = "drop_uniform_groups"
    }

    public init() {}
    public init(from decoder: Decoder) throws {
        let reader = try StrictReader<CodingKeys>(decoder)
        let d = GRPOConfig()
        groupSize = try reader.value(.groupSize, default: d.groupSize, in: 2...4096)
        groupsPerIteration = try reader.value(.groupsPerIteration, default: d.groupsPerIteration, in: 1...1_000_000)
        scale = try reader.choice(.scale, default: d.scale)
        advantageEpsilon = try reader.value(.advantageEpsilon, default: d.advantageEpsilon, in: 1e-12...1)
        lossAggregation = try reader.choice(.lossAggregation, default: d.lossAggregation)
        clipEpsilon = try reader.value(.clipEpsilon, default: d.clipEpsilon, in: 0.001...1)
        clipEpsilonHigh = try reader.value(.clipEpsilonHigh, default: d.clipEpsilonHigh, in: 0.001...10)
        innerEpochs = try reader.value(.innerEpochs, default: d.innerEpochs, in: 1...1000)
        minibatchGroups = try reader.value(.minibatchGroups, default: d.minibatchGroups, in: 1...1_000_000)
        learningRate = try reader.value(.learningRate, default: d.learningRate, in: 1e-9...1)
        klBeta = try reader.value(.klBeta, default: d.klBeta, in: 0...100)
        referenceRefresh = try reader.value(.referenceRefresh, default: d.referenceRefresh, in: 0...100_000)
        dropUniformGroups = try reader.flag(.dropUniformGroups, default: d.dropUniformGroups)
    }

    /// The iteration whose weights are π_ref for the update of iteration n ≥ 1.
    public func referenceIteration(for iteration: Int) -> Int {
        referenceRefresh == 0 ? 0 : referenceRefresh * ((iteration - 1) / referenceRefresh)
    }
}

/// A keyed container that rejects unknown keys and checks types and ranges,
/// with messages that name the dotted key path.
struct StrictReader<Key: CodingKey & CaseIterable> {
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    let container: KeyedDecodingContainer<Key>
    let prefix: String

    init(_ decoder: Decoder) throws {
        prefix = decoder.codingPath.map(\.stringValue).joined(separator: ".")
        let section = prefix.isEmpty ? "the top level" : "section '\(prefix)'"
        let all: KeyedDecodingContainer<AnyKey>
        do {
            all = try decoder.container(keyedBy: AnyKey.self)
        } catch {
            throw GridGRPOError("\(section) must be a mapping of keys to values")
        }
        let allowed = Key.allCases.map(\.stringValue)
        for key in all.allKeys where !allowed.contains(key.stringValue) {
            throw GridGRPOError("unknown key '\(Self.path(prefix, key.stringValue))' (allowed in \(section): \(allowed.joined(separator: ", ")))")
        }
        container = try decoder.container(keyedBy: Key.self)
    }

    static func path(_ prefix: String, _ key: String) -> String {
        prefix.isEmpty ? key : "\(prefix).\(key)"
    }

    func name(_ key: Key) -> String { Self.path(prefix, key.stringValue) }

    func value<T: Decodable & Comparable>(_ key: Key, default fallback: T, in range: ClosedRange<T>) throws -> T {
        guard container.contains(key) else { return fallback }
        let value: T
        do {
            value = try container.decode(T.self, forKey: key)
        } catch {
            let kind = T.self == Double.self ? "a number" : "a whole number"
            throw GridGRPOError("key '\(name(key))' must be \(kind) in \(range.lowerBound)...\(range.upperBound)")
        }
        if let double = value as? Double, !double.isFinite {
            throw GridGRPOError("key '\(name(key))' must be finite")
        }
        guard range.contains(value) else {
            throw GridGRPOError("key '\(name(key))' is \(value), outside the allowed range \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    func choice<T: RawRepresentable & CaseIterable & Decodable>(_ key: Key, default fallback: T) throws -> T where T.RawValue == String {
        guard container.contains(key) else { return fallback }
        let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
        guard let raw = try? container.decode(String.self, forKey: key), let value = T(rawValue: raw) else {
            let found = (try? container.decode(String.self, forKey: key)).map { "'\($0)'" } ?? "not a name"
            throw GridGRPOError("key '\(name(key))' is \(found) (allowed: \(allowed))")
        }
        return value
    }

    func flag(_ key: Key, default fallback: Bool) throws -> Bool {
        guard container.contains(key) else { return fallback }
        guard let value = try? container.decode(Bool.self, forKey: key) else {
            throw GridGRPOError("key '\(name(key))' must be true or false")
        }
        return value
    }

    func section<T: Decodable>(_ key: Key, default fallback: T) throws -> T {
        guard container.contains(key) else { return fallback }
        do {
            return try container.decode(T.self, forKey: key)
        } catch let error as GridGRPOError {
            throw error
        } catch {
            throw GridGRPOError("section '\(name(key))' must be a mapping of keys to values")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "key '\(path)': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
