import Foundation
import GridGRPO

/// How cost grows: one iteration of the default config's work (rollout,
/// pairing, update, evaluation), in process on one thread, for grid sizes 5,
/// 8, 16, 32 at h = 64 and hidden sizes 32, 64, 128 on the 5×5 grid, each
/// with the amount of work it did, so the cost per unit of work shows whether
/// anything grows faster than its work.
extension Benchmark {
    /// One (grid, hidden) point.
    public struct ScalingRow: Codable, Sendable {
        public var grid: Int
        public var hidden: Int
        /// Environment steps of the rollout (512 pairs of the initial policy's episodes).
        public var steps: Int
        public var rolloutSeconds: Double
        /// Samples the update trained on (steps of the preferred episodes × epochs).
        public var samples: Int
        public var updateSeconds: Double
        /// States of the policy table (every agent × goal floor cell), each
        /// forward once; configurations evaluated greedily.
        public var states: Int
        public var configurations: Int
        public var evaluationSeconds: Double
        /// Rollout, pairing, update and evaluation together.
        public var iterationSeconds: Double
    }

    /// The (grid, hidden) points `make bench` measures.
    public static let scalingPoints = [(5, 64), (8, 64), (16, 64), (32, 64), (5, 32), (5, 128)]

    /// One iteration at grid size `grid` and hidden size `hidden`, the fastest of `repetitions`.
    public static func scaling(grid: Int, hidden: Int, repetitions: Int) -> ScalingRow {
        var config = PipelineConfig()
        config.environment.gridSize = grid
        config.network.hiddenSize = hidden
        let world = config.world
        let agent = Agent.initial(world: world, hiddenSize: hidden, seed: 0)
        var episodes = sampleRollout(policy: agent.policy, config: config, iteration: 1, threads: 1)
        let rollout = fastest(repetitions: repetitions) {
            episodes = sampleRollout(policy: agent.policy, config: config, iteration: 1, threads: 1)
        }
        let pairing = fastest(repetitions: repetitions) { _ = try? PreferencePairs(episodes: episodes) }
        let update = Self.update(config: config, threads: 1, repetitions: repetitions)
        let evaluation = Self.evaluation(config: config, threads: 1, repetitions: repetitions)
        return ScalingRow(grid: grid, hidden: hidden, steps: episodes.stepCount, rolloutSeconds: rollout, samples: update.samples,
                          updateSeconds: update.seconds, states: PolicyTable(world: world).stateCount,
                          configurations: world.configurationCount, evaluationSeconds: evaluation,
                          iterationSeconds: rollout + pairing + update.seconds + evaluation)
    }

    /// The scaling table as `make bench` prints it.
    public static func formatScaling(_ rows: [ScalingRow]) -> String {
        var lines = ["How cost grows (one iteration of the default config's work, 1 thread, initial policy):", ""]
        let columns = ["grid", "h", "rollout", "ns/step", "update", "µs/sample", "evaluation", "µs/state", "iteration"]
        let widths = [6, 5, 18, 9, 18, 11, 24, 10, 10]
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined()
        }
        lines.append(line(columns))
        lines.append(String(repeating: "-", count: widths.reduce(0, +)))
        for row in rows {
            lines.append(line([
                "\(row.grid)×\(row.grid)", "\(row.hidden)",
                String(format: "%.1f ms %@", row.rolloutSeconds * 1000, "(\(number(Double(row.steps))))"),
                String(format: "%.0f", row.rolloutSeconds * 1e9 / Double(max(row.steps, 1))),
                String(format: "%.1f ms %@", row.updateSeconds * 1000, "(\(number(Double(row.samples))))"),
                String(format: "%.2f", row.updateSeconds * 1e6 / Double(max(row.samples, 1))),
                String(format: "%.1f ms %@", row.evaluationSeconds * 1000, "(\(number(Double(row.states))) states)"),
                String(format: "%.3f", row.evaluationSeconds * 1e6 / Double(max(row.states, 1))),
                String(format: "%.0f ms", row.iterationSeconds * 1000),
            ]))
        }
        return lines.joined(separator: "\n")
    }
}
