import Foundation
import GridGRPO

/// The kernels on the harder worlds (issue 11): the exhaustive evaluation of
/// a four_rooms policy and rollouts on a large maze, beside the open grid.
extension Benchmark {
    /// A config of `layout` on an N×N grid, seed 0, the default network.
    static func worldConfig(_ layout: GridLayout, size: Int) -> PipelineConfig {
        var config = PipelineConfig()
        config.environment.layout = layout
        config.environment.gridSize = size
        return config
    }

    /// The rollout kernel on a world: `episodes` sampled episodes of the
    /// initial policy (long random walks, max_steps 100), with the policy
    /// table the rollout stage would use, on `threads` threads.
    public static func worldRollout(_ layout: GridLayout, size: Int, threads: Int, episodes: Int = 16_384)
        -> (stepsPerSecond: Double, steps: Int, tableStates: Int) {
        var config = worldConfig(layout, size: size)
        config.rollout.pairs = episodes / 2
        let agent = Agent.initial(world: config.world, hiddenSize: config.network.hiddenSize, seed: 0)
        var steps = 0
        let seconds = fastest(repetitions: 5) {
            steps = sampleRollout(policy: agent.policy, config: config, iteration: 1, threads: threads).stepCount
        }
        return (Double(steps) / seconds, steps, PolicyTable(world: config.world).stateCount)
    }

    /// The initial policy of a world's default network.
    static func initialPolicy(_ config: PipelineConfig) -> MLP {
        Agent.initial(world: config.world, hiddenSize: config.network.hiddenSize, seed: 0).policy
    }
}
