import Foundation
import GridGRPO

/// What the curve figures and the report read from a run: every iteration's
/// evaluation summary and update metrics, and the final best checkpoint.
public struct RunHistory {
    public var iterations: [Int] = []
    public var evaluations: [EvaluationSummary] = []
    /// Per iteration (NaN at iteration 0, which has no update): the mean over
    /// the update's epochs of the PPO loss and the value MSE.
    public var policyLoss: [Double] = []
    public var valueLoss: [Double] = []
    /// GRPO: mean k3 KL to the reference policy per iteration (NaN otherwise).
    public var referenceKL: [Double] = []
    public var trainingSteps: [Int] = []
    public var best: ArtifactSchema.Best
    public var bestProvenance: Provenance
    public var inputs: [Provenance.Input] = []
    /// The provenance recorded in each file read, keyed by its run-relative name.
    public var provenances: [(name: String, provenance: Provenance)] = []

    /// Reads `eval.h5` files (any order; each names its iteration) and the
    /// `weights.h5` files of iterations ≥ 1. Errors name the file at fault.
    public init(config: PipelineConfig, evaluationPaths: [String], weightsPaths: [String], bestPath: String) throws {
        guard !evaluationPaths.isEmpty else {
            throw GridGRPOError("no eval.h5 files given: the run is empty (run `make` first)")
        }
        var byIteration: [Int: EvaluationSummary] = [:]
        for path in evaluationPaths {
            let (summary, provenance) = try ArtifactSchema.readEvaluationSummary(path: path, config: config)
            guard byIteration[provenance.iteration] == nil else {
                throw GridGRPOError("\(path): a second eval.h5 for iteration \(provenance.iteration)")
            }
            byIteration[provenance.iteration] = summary
            inputs.append(try .input("evaluation", path: path))
            provenances.append((inputs[inputs.count - 1].name, provenance))
        }
        var metrics: [Int: UpdateMetrics] = [:]
        for path in weightsPaths {
            let (update, provenance) = try ArtifactSchema.readUpdateMetrics(path: path, config: config)
            metrics[provenance.iteration] = update
            inputs.append(try .input("weights", path: path))
            provenances.append((inputs[inputs.count - 1].name, provenance))
        }
        // Inputs in name order, so the figure does not depend on argument order.
        let order = inputs.enumerated().sorted { ($0.element.role, $0.element.name) < ($1.element.role, $1.element.name) }.map(\.offset)
        let (readInputs, readProvenances) = (inputs, provenances)
        inputs = order.map { readInputs[$0] }
        provenances = order.map { readProvenances[$0] }
        iterations = byIteration.keys.sorted()
        for iteration in iterations {
            evaluations.append(byIteration[iteration]!)
            if let update = metrics[iteration] {
                policyLoss.append(update.policyLoss.reduce(0.0) { $0 + Double($1) } / Double(update.policyLoss.count))
                valueLoss.append(update.valueLoss.isEmpty ? .nan : update.valueLoss.reduce(0.0) { $0 + Double($1) } / Double(update.valueLoss.count))
                referenceKL.append(update.referenceKL.isEmpty ? .nan : update.referenceKL.reduce(0.0) { $0 + Double($1) } / Double(update.referenceKL.count))
                trainingSteps.append(update.trainingSteps)
            } else if iteration == 0 {
                policyLoss.append(.nan)
                valueLoss.append(.nan)
                referenceKL.append(.nan)
                trainingSteps.append(0)
            } else {
                throw GridGRPOError("no weights.h5 with update metrics given for iteration \(iteration)")
            }
        }
        (best, bestProvenance) = try ArtifactSchema.readBest(path: bestPath, config: config)
        inputs.append(try .input("best", path: bestPath))
        provenances.append((inputs[inputs.count - 1].name, bestProvenance))
    }
}

/// The tEXt chunks every figure carries: schema, the config digest and seed,
/// and each input file's digest.
func figureProvenance(figure: String, caption: String, config: PipelineConfig, inputs: [Provenance.Input]) -> [(key: String, value: String)] {
    [
        ("Title", caption),
        ("Software", "GridGRPO plot"),
        ("gridgrpo.schema", "gridgrpo.figure"),
        ("gridgrpo.schema_version", "1"),
        ("gridgrpo.figure", figure),
        ("gridgrpo.config_digest", "sha256:" + config.digest),
        ("gridgrpo.seed", String(config.seed)),
        ("gridgrpo.inputs", inputs.map { "\($0.name) sha256:\($0.sha256)" }.joined(separator: "\n")),
    ]
}

/// The greedy episode of `policy` from one configuration: the cells visited
/// (start first) and whether it reached the goal.
func greedyPath(policy: MLP, world: GridWorld, agent: Int, goal: Int) -> (cells: [Int], reached: Bool) {
    let episodes = runEpisodes(policy: policy, world: world, starts: [(agent, goal)], streams: [], selection: .greedy, gamma: 1)
    var cells = Array(episodes.agentCells)
    if let last = episodes.actions.last, let from = cells.last { cells.append(world.move(from, last)) }
    return (cells, episodes.successes.first ?? false)
}
