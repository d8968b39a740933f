import Foundation
import GridGRPO

/// The plot stage's entry points: each renders one figure from the files it
/// is given and writes it as a PNG with provenance.
public enum Figures {
    public static func trainingResults(configPath: String, evaluationPaths: [String], weightsPaths: [String],
                                       bestPath: String, output: String) throws -> String {
        let config = try PipelineConfig.loadInput(path: configPath)
        let history = try RunHistory(config: config, evaluationPaths: evaluationPaths, weightsPaths: weightsPaths, bestPath: bestPath)
        let canvas = try TrainingResultsFigure.render(history: history, config: config)
        let inputs = [try Provenance.Input.input("config", path: configPath)] + history.inputs
        try canvas.writePNG(to: output, text: figureProvenance(figure: "training_results", caption: TrainingResultsFigure.caption,
                                                                config: config, inputs: inputs))
        return summary(output, canvas)
    }

    /// The figures drawn from the best checkpoint alone.
    public enum BestFigure: String, CaseIterable, Sendable {
        case networkArchitecture = "network_architecture"
        case gridWorld = "grid_world"
        case policyMap = "policy_map"

        var caption: String {
            switch self {
            case .networkArchitecture: NetworkArchitectureFigure.caption
            case .gridWorld: GridWorldFigure.caption
            case .policyMap: PolicyMapFigure.caption
            }
        }

        func render(_ best: ArtifactSchema.Best, _ config: PipelineConfig) throws -> Canvas {
            switch self {
            case .networkArchitecture: try NetworkArchitectureFigure.render(best: best, config: config)
            case .gridWorld: try GridWorldFigure.render(best: best, config: config)
            case .policyMap: try PolicyMapFigure.render(best: best, config: config)
            }
        }
    }

    public static func fromBest(_ figure: BestFigure, configPath: String, bestPath: String, output: String) throws -> String {
        let config = try PipelineConfig.loadInput(path: configPath)
        let (best, _) = try ArtifactSchema.readBest(path: bestPath, config: config)
        let canvas = try figure.render(best, config)
        let inputs = [try Provenance.Input.input("config", path: configPath), try .input("best", path: bestPath)]
        try canvas.writePNG(to: output, text: figureProvenance(figure: figure.rawValue, caption: figure.caption, config: config, inputs: inputs))
        return summary(output, canvas)
    }

    public static func trainingProcess(configPath: String, output: String) throws -> String {
        let config = try PipelineConfig.loadInput(path: configPath)
        let canvas = try TrainingProcessFigure.render(config: config)
        try canvas.writePNG(to: output, text: figureProvenance(figure: "training_process", caption: TrainingProcessFigure.caption,
                                                                config: config, inputs: [try .input("config", path: configPath)]))
        return summary(output, canvas)
    }

    static func summary(_ output: String, _ canvas: Canvas) -> String {
        "plot       " + URL(fileURLWithPath: output).lastPathComponent + "  \(canvas.width)×\(canvas.height)"
    }
}
