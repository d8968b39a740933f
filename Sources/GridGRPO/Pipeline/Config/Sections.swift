import Foundation

// The sections of the config other than `grpo` (GRPOConfig.swift). Each
// property's initial value is its default; what each key means and allows is
// in the section's `keys` table, and which stages read it in the stage list
// (`StageSpec.sections`). docs/config.md shows all of it.

public struct EnvironmentConfig: ConfigSection {
    public var gridSize: Int = 5
    public var maxSteps: Int = 100
    public var layout: GridLayout = .open
    public var map = GridMap()
    public var lavaPenalty: Double = -1

    // `layout`, `map` and `lava_penalty` came after the canonical JSON was
    // fixed: at their defaults they are left out of it, so the open grid's
    // artifacts keep their bytes (Tests/Fixtures/canonical-json/README.md).
    public static let keys: [ConfigKey<EnvironmentConfig>] = [
        .number("grid_size", \.gridSize, in: 2...32, "N: the grid is N×N (each layout's sizes: the layout rule below)"),
        .number("max_steps", \.maxSteps, in: 1...100_000, "episodes end (truncated) after this many moves"),
        .choice("layout", \.layout,
                "which cells are floor, wall (`#`) and lava (`~`): `open` the blog's grid; `four_rooms` walls at N/2 with one gap "
                    + "between each two rooms; `maze` a perfect maze; `lava_gap` a lava column at N/2 with one gap; `map` the cells of "
                    + "`environment.map`. four_rooms, maze and lava_gap are drawn from `seed` (stream (seed, layout, 0, 0))",
                omittedAtDefault: true),
        .map("map", \.map,
             "with `layout: map`: the grid, a string with one row per line (`map: |`) or a list of quoted rows; N rows of N cells"),
        .number("lava_penalty", \.lavaPenalty, in: -100...0,
                "reward of a move onto lava, which ends the episode", omittedAtDefault: true),
    ]

    public init() {}
}

public struct NetworkConfig: ConfigSection {
    public var hiddenSize: Int = 64

    public static let keys: [ConfigKey<NetworkConfig>] = [
        .number("hidden_size", \.hiddenSize, in: 1...1024,
                "h: width of both hidden layers of the policy (in→h→h→4) and value (in→h→h→1) networks"),
    ]

    public init() {}
}

public struct RolloutConfig: ConfigSection {
    public var pairs: Int = 512
    public var gamma: Double = 0.99
    public var pairing: Pairing = .independent

    /// Where the blog's method starts the two episodes of a pair.
    public enum Pairing: String, Codable, Sendable, CaseIterable {
        /// Each episode from its own random start configuration (the blog).
        case independent
        /// Candidate episode P+i from reference episode i's start
        /// configuration, so a pair compares two attempts at the same task.
        case sameStart = "same_start"
    }

    public static let keys: [ConfigKey<RolloutConfig>] = [
        .number("pairs", \.pairs, in: 1...1_000_000,
                "P: reference and candidate episodes each per iteration (2P episodes, P pairs); not used by GRPO"),
        .number("gamma", \.gamma, in: 0...1, "γ of the discounted return-to-go stored with every step"),
        .choice("pairing", \.pairing,
                "the blog's method: `independent` (the blog) draws every episode's start configuration from its own stream; "
                    + "`same_start` starts candidate P+i where reference i starts, so each pair compares two attempts at one task "
                    + "(left out of the canonical JSON at its default)",
                omittedAtDefault: true),
    ]

    public init() {}
}

public struct UpdateConfig: ConfigSection {
    public var epochs: Int = 4
    public var minibatchEpisodes: Int = 16
    public var clipEpsilon: Double = 0.2
    public var policyLearningRate: Double = 0.002
    public var valueLearningRate: Double = 0.002
    public var adamBeta1: Double = 0.9
    public var adamBeta2: Double = 0.999
    public var adamEpsilon: Double = 1e-8
    public var learningRateSchedule: LearningRateSchedule = .constant
    public var advantageNormalization: AdvantageNormalization = .none
    public var entropyCoefficient: Double = 0

    /// How the learning rates change over the run's iterations.
    public enum LearningRateSchedule: String, Codable, Sendable, CaseIterable {
        /// The configured rates at every iteration (the blog).
        case constant
        /// CleanRL's `anneal_lr`: iteration i of T uses the rates × (1 − (i − 1)/T),
        /// from the full rate at iteration 1 down to rate/T at iteration T.
        case linear
    }

    /// What the blog's update does to the advantages A_t = G_t − V(s_t) before
    /// the clipped loss.
    public enum AdvantageNormalization: String, Codable, Sendable, CaseIterable {
        /// A_t as they are (the blog).
        case none
        /// CleanRL's `norm_adv`: each minibatch's advantages become
        /// (A_t − mean) / (std + 1e-8), std with Bessel's correction (PyTorch's
        /// `Tensor.std`), 0 for a minibatch of one step (`applied(to:)`).
        case minibatch
    }

    public static let keys: [ConfigKey<UpdateConfig>] = [
        .number("epochs", \.epochs, in: 1...1000, "K: passes over the preferred episodes per iteration"),
        .number("minibatch_episodes", \.minibatchEpisodes, in: 1...1_000_000,
                "preferred episodes per Adam step (1 = the blog's step per pair)", allowedNote: "1…rollout.pairs"),
        .number("clip_epsilon", \.clipEpsilon, in: 0.001...1, "ε of PPO's clipped ratio"),
        .number("policy_learning_rate", \.policyLearningRate, in: 1e-9...1, "Adam learning rate of the policy"),
        .number("value_learning_rate", \.valueLearningRate, in: 1e-9...1, "Adam learning rate of the value network"),
        .number("adam_beta1", \.adamBeta1, in: 0...0.999999, "Adam β₁ (GRPO's too)"),
        .number("adam_beta2", \.adamBeta2, in: 0...0.999999999, "Adam β₂ (GRPO's too)"),
        .number("adam_epsilon", \.adamEpsilon, in: 1e-12...1, "Adam ε (GRPO's too)"),
        .choice("learning_rate_schedule", \.learningRateSchedule,
                "`constant` (the blog); `linear` anneals the policy's and value network's rates (GRPO's `grpo.learning_rate` too) "
                    + "as CleanRL: iteration i of T uses rate × (1 − (i − 1)/T) (left out of the canonical JSON at its default)",
                omittedAtDefault: true),
        .choice("advantage_normalization", \.advantageNormalization,
                "`none` (the blog); `minibatch` rescales each minibatch's advantages G − V to mean 0 and standard deviation 1 "
                    + "before the clipped loss, as CleanRL's `norm_adv` (left out of the canonical JSON at its default)",
                omittedAtDefault: true),
        .number("entropy_coefficient", \.entropyCoefficient, in: 0...1,
                "c of an entropy bonus −c·mean H(π(·|s)) in the blog's policy loss, as CleanRL's `ent_coef` (GRPO's loss has none); "
                    + "0 (the blog) adds none (left out of the canonical JSON at its default)",
                omittedAtDefault: true),
    ]

    public init() {}

    /// The factor on the learning rates at `iteration` (1…`iterations`) under
    /// the schedule: 1 when constant; 1 − (iteration − 1)/iterations when
    /// linear, computed in Double and so the same on every machine.
    public func learningRateFactor(iteration: Int, of iterations: Int) -> Double {
        switch learningRateSchedule {
        case .constant: return 1
        case .linear: return 1 - Double(iteration - 1) / Double(max(iterations, 1))
        }
    }

    /// This section with both learning rates scaled by the schedule at `iteration`.
    public func scheduled(iteration: Int, of iterations: Int) -> UpdateConfig {
        let factor = learningRateFactor(iteration: iteration, of: iterations)
        var scaled = self
        scaled.policyLearningRate *= factor
        scaled.valueLearningRate *= factor
        return scaled
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

public struct EvaluationConfig: ConfigSection {
    public var sampledEpisodes: Int = 100

    public static let keys: [ConfigKey<EvaluationConfig>] = [
        .number("sampled_episodes", \.sampledEpisodes, in: 1...1_000_000,
                "episodes of the blog's sampled average return (random starts, sampled actions)"),
    ]

    public init() {}
}
