import Foundation

extension Inspector {
    /// The sections a file records (only those its stage read), each
    /// validated by its own reader, laid over the defaults. Sections are
    /// read one by one: the checks across sections (minibatch vs pairs)
    /// would compare a recorded section with a default one.
    private static let recordedKeys: Set = ["seed", "algorithm", "environment", "network", "rollout", "update", "evaluation", "grpo"]

    static func config(from provenance: Provenance, path: String) throws -> PipelineConfig {
        var config = PipelineConfig()
        do {
            guard let node = try ConfigYAML.compose(provenance.configJSON) else {
                throw GridGRPOError("it is empty")
            }
            let reader = try StrictReader(node, prefix: "", allowed: PipelineConfig.keys.map(\.name))
            for key in PipelineConfig.keys where recordedKeys.contains(key.name) { try key.read(&config, reader) }
        } catch let error as GridGRPOError {
            throw GridGRPOError("\(path): its recorded config cannot be read (\(error.message))")
        } catch {
            throw GridGRPOError("\(path): its recorded config cannot be read (\(String(describing: error).split(separator: "\n").joined(separator: " ")))")
        }
        return config
    }

    /// The config a file of `kind` records (the sections its stage read),
    /// validated as any config is: the bounds its datasets are read with.
    static func recordedConfig(path: String, kind: ArtifactKind) throws -> PipelineConfig {
        let provenance = try withHDF5 {
            let reader = try HDF5Reader(path: path)
            return try Provenance.read(from: reader.root, path: path, expecting: kind)
        }
        return try config(from: provenance, path: path)
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
        let recorded = try recordedConfig(path: evaluationPath, kind: .evaluation)
        let reader = try ArtifactSchema.readEvaluation(path: evaluationPath, config: recorded)
        let world = recorded.world
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
            lines.append("(\(row.agent[0]), \(row.agent[1]))".padded(to: 18)
                         + "(\(row.goal[0]), \(row.goal[1]))".padded(to: 17)
                         + String(row.distance).padded(to: 10)
                         + String(row.length).padded(to: 7)
                         + String(cFormat: "%-8.3f %-8.3f %-7.3f ", row.returned, row.optimalReturn, row.gap) + (row.success ? "yes" : "no"))
        }
        return lines.joined(separator: "\n")
    }
}
