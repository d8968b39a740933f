import Foundation
import Yams

/// Every parameter of a run, as written in `pipeline.yaml`. Each key is
/// declared once, in the `keys` table of its section (this one for the top
/// level); its default is the stored property's initial value. docs/config.md
/// lists every key with its default, allowed values and the stages that read
/// it, generated from the tables (`ConfigReference`).
///
/// Reading is strict: an unknown key, a wrong type or an out-of-range value is
/// an error naming the key and what is allowed. Missing keys take the defaults.
public struct PipelineConfig: ConfigSection {
    public var seed: UInt64 = 0
    public var iterations: Int = 20
    public var algorithm: Algorithm = .preference
    public var environment = EnvironmentConfig()
    public var network = NetworkConfig()
    public var rollout = RolloutConfig()
    public var update = UpdateConfig()
    public var evaluation = EvaluationConfig()
    public var grpo = GRPOConfig()
    public var preference = PreferenceConfig()
    public var threads: Int = 0

    public enum Algorithm: String, Codable, Sendable, CaseIterable {
        case preference
        case grpo
    }

    public static let keys: [ConfigKey<PipelineConfig>] = [
        .number("seed", \.seed, in: 0...UInt64(Int64.max),
                "run seed; every random stream derives from (seed, stage, iteration, index)"),
        .number("iterations", \.iterations, in: 1...10_000,
                "how many rollout → pair → update → evaluate → checkpoint iterations the Makefile runs"),
        .choice("algorithm", \.algorithm,
                "`preference`: the blog's method (preference pairs + PPO with a value network); "
                    + "`grpo`: Group Relative Policy Optimization, no value network, section `grpo` ([grpo.md](grpo.md))"),
        .section("environment", \.environment, "the grid world"),
        .section("network", \.network, "the policy and value networks"),
        .section("rollout", \.rollout, "the episodes sampled each iteration"),
        .section("update", \.update, "the preference method's PPO update; GRPO takes Adam's β₁, β₂, ε from it"),
        .section("evaluation", \.evaluation, "the evaluation of every iteration's weights"),
        .section("grpo", \.grpo, "Group Relative Policy Optimization, read when `algorithm: grpo`"),
        .section("preference", \.preference,
                 "where preferences come from: the true return (the blog), a simulated labeller or a person, and the reward model learned from their labels; left out of the canonical JSON while entirely at its defaults",
                 omittedAtDefault: true),
        .number("threads", \.threads, in: 0...256,
                "worker threads of the stages that split work, 0 = every core the process may use (its CPU affinity, lowered to a cgroup CPU quota); work is cut into fixed chunks combined "
                    + "in a fixed order, so no artifact depends on it and it is in no stamp; `--threads` overrides it per stage"),
    ]

    public init() {}

    /// Every key of the mapping `node` read strictly over the defaults, then
    /// the rules across keys.
    init(node: Node) throws {
        self = try Self.read(from: node, prefix: "")
        for rule in Self.rules { try rule.check(self) }
    }

    /// The rules across keys, checked after every key is read.
    public static let rules: [ConfigRule] = [
        ConfigRule("With `algorithm: grpo`, `grpo.minibatch_groups` ≤ `grpo.groups_per_iteration`.") { config in
            let grpo = config.grpo
            if config.algorithm == .grpo, grpo.minibatchGroups > grpo.groupsPerIteration {
                throw GridGRPOError("key 'grpo.minibatch_groups' is \(grpo.minibatchGroups), but grpo.groups_per_iteration is \(grpo.groupsPerIteration) (allowed: 1...\(grpo.groupsPerIteration))")
            }
        },
        ConfigRule("With `algorithm: preference`, `update.minibatch_episodes` ≤ `rollout.pairs`, the preferred episodes of an iteration.") { config in
            let (minibatch, pairs) = (config.update.minibatchEpisodes, config.rollout.pairs)
            if config.algorithm == .preference, minibatch > pairs {
                throw GridGRPOError("key 'update.minibatch_episodes' is \(minibatch), but only rollout.pairs = \(pairs) preferred episodes exist per iteration (allowed: 1...\(pairs))")
            }
        },
        ConfigRule("Layouts: `environment.map` is given exactly when `environment.layout` is `map`, and is `grid_size` rows of `grid_size` cells; `four_rooms` needs `grid_size` ≥ 5, `maze` `grid_size` ≥ 5 (an even size leaves the last row and column wall), `lava_gap` `grid_size` ≥ 3; and the layout has two floor cells connected by moves (a start configuration).") { config in
            try checkLayout(config.environment, world: { config.world })
        },
        ConfigRule("With `preference.source` other than `return`, `preference.labels_per_iteration` ≤ the candidate pairs of an iteration: `rollout.pairs` (the blog's method) or `grpo.groups_per_iteration` · G(G−1)/2 (GRPO: every pair within a group).") { config in
            let (labels, candidates) = (config.preference.labelsPerIteration, config.candidatePairCount)
            if config.preference.learnsReward, labels > candidates {
                throw GridGRPOError("key 'preference.labels_per_iteration' is \(labels), but an iteration has only \(candidates) candidate pairs to ask about (allowed: 1...\(candidates))")
            }
        },
        ConfigRule("With `preference.selection: disagreement`, `preference.ensemble_size` ≥ 2 (disagreement is the variance over the members).") { config in
            if config.preference.learnsReward, config.preference.selection == .disagreement, config.preference.ensembleSize < 2 {
                throw GridGRPOError("key 'preference.ensemble_size' is \(config.preference.ensembleSize), but selection: disagreement needs at least 2 members to disagree (allowed: 2...64)")
            }
        },
        ConfigRule("Memory: the episodes of an iteration × `environment.max_steps` ≤ 50,000,000 (the update holds a whole rollout, about \(PipelineConfig.bytesPerRolloutStep) bytes a step: \(PipelineConfig.maximumRolloutSteps * PipelineConfig.bytesPerRolloutStep / 1_000_000_000) GB at the bound; rollout and evaluate stream and stay far below).") { config in
            let worst = config.rolloutEpisodes.multipliedReportingOverflow(by: config.environment.maxSteps)
            if worst.overflow || worst.partialValue > maximumRolloutSteps {
                let gigabytes = Double(config.rolloutEpisodes) * Double(config.environment.maxSteps) * Double(bytesPerRolloutStep) / 1e9
                throw GridGRPOError("a rollout of \(config.rolloutEpisodes) episodes of up to environment.max_steps = \(config.environment.maxSteps) moves may hold up to \(config.rolloutEpisodes)·\(config.environment.maxSteps) steps, about \(String(cFormat: "%.1f", gigabytes)) GB in the update (allowed: \(maximumRolloutSteps) steps); lower \(config.algorithm == .grpo ? "grpo.groups_per_iteration or grpo.group_size" : "rollout.pairs") or environment.max_steps")
            }
        },
        ConfigRule("Work: (every start configuration, N²(N²−1) on the open grid and fewer with walls or lava, + `evaluation.sampled_episodes`) × `environment.max_steps` ≤ 2,000,000,000 moves per evaluation (a policy that never reaches the goal walks max_steps moves from every start; at about 10⁷ moves a second that bound is a few minutes).") { config in
            let episodes = config.world.configurationCount + config.evaluation.sampledEpisodes
            let worst = episodes.multipliedReportingOverflow(by: config.environment.maxSteps)
            if worst.overflow || worst.partialValue > maximumEvaluationSteps {
                throw GridGRPOError("an evaluation of \(episodes) episodes (every start configuration of the \(config.environment.gridSize)×\(config.environment.gridSize) \(config.environment.layout.rawValue) grid and evaluation.sampled_episodes = \(config.evaluation.sampledEpisodes)) of up to environment.max_steps = \(config.environment.maxSteps) moves may walk \(episodes)·\(config.environment.maxSteps) moves (allowed: \(maximumEvaluationSteps)); lower environment.max_steps or evaluation.sampled_episodes")
            }
        },
    ]

    /// Bounds of the resource rules above.
    public static let maximumRolloutSteps = 50_000_000
    public static let bytesPerRolloutStep = 160
    public static let maximumEvaluationSteps = 2_000_000_000

    /// Episodes per rollout iteration: 2P for the blog's method, S·G for GRPO.
    public var rolloutEpisodes: Int {
        algorithm == .grpo ? grpo.groupsPerIteration * grpo.groupSize : 2 * rollout.pairs
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
            let node = try ConfigYAML.compose(text)
            guard let node, node.mapping != nil else {
                throw GridGRPOError("\(source): config must be a YAML mapping of keys to values")
            }
            return try PipelineConfig(node: node)
        } catch let error as GridGRPOError {
            throw error.message.hasPrefix(source) ? error : GridGRPOError("\(source): \(error.message)")
        } catch {
            throw GridGRPOError("\(source): not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
    }

    /// The dotted keys a config text writes, sections and their keys, in file
    /// order (a section written as `{}` lists only itself). Values are not read.
    public static func writtenKeys(_ text: String) throws -> [String] {
        guard let node = try? ConfigYAML.compose(text), let top = node.mapping else {
            throw GridGRPOError("config must be a YAML mapping of keys to values")
        }
        var keys: [String] = []
        for (key, value) in top {
            let name = key.string ?? "\(key)"
            keys.append(name)
            let nested = value.mapping.map { Array($0.keys) } ?? []
            keys += nested.map { "\(name).\($0.string ?? "\($0)")" }
        }
        return keys
    }

    /// The run's grid world: the layout's cells (drawn from `seed` for the
    /// seed-drawn layouts, `LayoutGenerator`), the step limit, the lava penalty.
    public var world: GridWorld {
        let environment = environment
        let size = environment.layout == .map && !environment.map.isEmpty ? environment.map.size : environment.gridSize
        let cells = LayoutGenerator.cells(environment.layout, size: size, seed: seed, map: environment.map)
        return GridWorld(size: size, maxSteps: environment.maxSteps, layout: environment.layout, kinds: cells,
                         lavaPenalty: Float(environment.lavaPenalty))
    }

    /// The top-level keys a stage can read, the unit of "what changed" (DVC's
    /// params); each case is named as its key. `iterations` is not one: it
    /// only says how many iterations the Makefile runs, and no artifact of an
    /// iteration depends on it. Nor is `threads`, which changes no result.
    public enum Section: String, CaseIterable, Sendable {
        case seed, algorithm, environment, network, rollout, update, evaluation, grpo, preference
    }
}

/// A rule across keys of a config: `text` is how docs/config.md states it,
/// `check` throws an error naming the key when a config breaks it.
public struct ConfigRule: Sendable {
    public let text: String
    let check: @Sendable (PipelineConfig) throws -> Void

    init(_ text: String, check: @escaping @Sendable (PipelineConfig) throws -> Void) {
        self.text = text
        self.check = check
    }
}
