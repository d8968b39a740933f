import Foundation
import GridGRPO

/// The figures of a run with a learned reward.
extension Figures {
    public static func rewardMap(configPath: String, rewardPath: String, output: String) throws -> String {
        let config = try PipelineConfig.loadInput(path: configPath)
        let (ensemble, _, provenance) = try ArtifactSchema.readReward(path: rewardPath, config: config)
        let canvas = try RewardMapFigure.render(ensemble: ensemble, iteration: provenance.iteration, config: config)
        let inputs = [try Provenance.Input.input("config", path: configPath), try .input("reward", path: rewardPath)]
        try canvas.writePNG(to: output, text: figureProvenance(figure: "reward_map", caption: RewardMapFigure.caption, config: config, inputs: inputs))
        return summary(output, canvas)
    }

    public static func preferences(configPath: String, evaluationPaths: [String], rewardPaths: [String], output: String) throws -> String {
        let config = try PipelineConfig.loadInput(path: configPath)
        let history = try PreferenceHistory(config: config, evaluationPaths: evaluationPaths, rewardPaths: rewardPaths)
        let canvas = try PreferencesFigure.render(history: history, config: config)
        let inputs = [try Provenance.Input.input("config", path: configPath)] + history.inputs
        try canvas.writePNG(to: output, text: figureProvenance(figure: "preferences", caption: PreferencesFigure.caption, config: config, inputs: inputs))
        return summary(output, canvas)
    }
}
