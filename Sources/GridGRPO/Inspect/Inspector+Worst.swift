import Foundation

extension Inspector {
    static func config(from provenance: Provenance, path: String) throws -> PipelineConfig {
        do {
            return try JSONDecoder().decode(PipelineConfig.self, from: Data(provenance.configJSON.utf8))
        } catch {
            throw GridGRPOError("\(path): its recorded config cannot be read (\(error))")
        }
    }

    public struct EvaluationRow: Codable, Equatable {
        public var agent: [Int]
        public var goal: [Int]
        public var distance: Int
        public var length: Int
        public var returned: Float
        public var optimalReturn: Float
        public var gap: Float
        public var success: Bool
    }

    /// The `count` configurations furthest from optimal (largest gap first;
    /// ties by longer distance, then configuration order).
    public static func worst(evaluationPath: String, count: Int) throws -> [EvaluationRow] {
        let reader = try ArtifactSchema.readEvaluation(path: evaluationPath)
        let world = try config(from: reader.provenance, path: evaluationPath).world
        let evaluation = reader.evaluation
        let gaps = evaluation.optimalityGaps
        let order = (0..<evaluation.count).sorted {
            (gaps[$0], evaluation.distances[$0], -$0) > (gaps[$1], evaluation.distances[$1], -$1)
        }
        return order.prefix(max(0, count)).map { i in
            EvaluationRow(agent: [evaluation.agents[i] / world.size, evaluation.agents[i] % world.size],
                          goal: [evaluation.goals[i] / world.size, evaluation.goals[i] % world.size],
                          distance: evaluation.distances[i], length: evaluation.lengths[i], returned: evaluation.returns[i],
                          optimalReturn: evaluation.optimalReturns[i], gap: gaps[i], success: evaluation.successes[i])
        }
    }

    public static func text(_ rows: [EvaluationRow]) -> String {
        var lines = ["agent (row, col)  goal (row, col)  distance  moves  return   optimal  gap     reached"]
        for row in rows {
            lines.append("(\(row.agent[0]), \(row.agent[1]))".padding(toLength: 18, withPad: " ", startingAt: 0)
                         + "(\(row.goal[0]), \(row.goal[1]))".padding(toLength: 17, withPad: " ", startingAt: 0)
                         + String(row.distance).padding(toLength: 10, withPad: " ", startingAt: 0)
                         + String(row.length).padding(toLength: 7, withPad: " ", startingAt: 0)
                         + String(format: "%-8.3f %-8.3f %-7.3f ", row.returned, row.optimalReturn, row.gap) + (row.success ? "yes" : "no"))
        }
        return lines.joined(separator: "\n")
    }
}
