import Foundation
@testable import GridGRPO

/// Runs a program and returns its exit status and combined output.
func runProcess(_ executable: String, _ arguments: [String], directory: String? = nil,
                environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The repository root (this file is Tests/GridGRPOTests/Support.swift).
let repositoryRoot: String = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}()

func temporaryDirectory(_ name: String) -> String {
    let path = NSTemporaryDirectory() + "gridgrpo-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A plain dense Double-precision re-implementation of the blog's MLP
/// (Linear, ReLU, Linear, ReLU, Linear) on the full observation vector:
/// the independent reference the fast sparse Float32 kernels are checked against.
struct ReferenceMLP {
    var weights: [[[Double]]]  // [layer][out][in]
    var biases: [[Double]]

    init(_ network: MLP) {
        weights = []
        biases = []
        let tensors = network.tensors
        for layer in 0..<3 {
            let w = tensors[2 * layer], b = tensors[2 * layer + 1]
            let rows = w.shape[0], columns = w.shape[1]
            weights.append((0..<rows).map { r in (0..<columns).map { c in Double(network.parameters[w.offset + r * columns + c]) } })
            biases.append((0..<rows).map { Double(network.parameters[b.offset + $0]) })
        }
    }

    func forward(_ input: [Double]) -> [Double] {
        var x = input
        for layer in 0..<3 {
            var y = biases[layer]
            for r in 0..<y.count { for c in 0..<x.count { y[r] += weights[layer][r][c] * x[c] } }
            x = layer < 2 ? y.map { max($0, 0) } : y
        }
        return x
    }

    /// Flattened parameter vector in the same order as `MLP.parameters`.
    var flat: [Double] {
        var result: [Double] = []
        for layer in 0..<3 {
            result += weights[layer].flatMap { $0 }
            result += biases[layer]
        }
        return result
    }

    mutating func setFlat(_ values: [Double]) {
        var index = 0
        for layer in 0..<3 {
            for r in 0..<weights[layer].count { for c in 0..<weights[layer][r].count { weights[layer][r][c] = values[index]; index += 1 } }
            for r in 0..<biases[layer].count { biases[layer][r] = values[index]; index += 1 }
        }
    }
}

func observation(_ world: GridWorld, _ agent: Int, _ goal: Int) -> [Double] {
    world.observation(agent: agent, goal: goal).map(Double.init)
}

/// A three-iteration run written by calling the real stage functions in
/// the registry's order with the registry's inputs, on a 3×3 grid, for tests
/// that need real artifacts. `learned` runs it on a reward learned from a
/// simulated labeller (the label and reward stages too).
struct SmallRun {
    let directory: String
    let config: String
    var evaluations: [String] = []
    var weights: [String] = []
    var rewards: [String] = []
    var best: String { directory + "/iter-0003/best.h5" }

    /// The preference section of a `learned` run.
    static let learnedPreference = "preference: {source: labeller, rationality: 20, error_rate: 0.1, labels_per_iteration: 6, selection: disagreement, ensemble_size: 2, reward_hidden_size: 6, reward_epochs: 2}"

    init(algorithm: PipelineConfig.Algorithm, learned: Bool = false) throws {
        directory = temporaryDirectory("small-run")
        config = directory + "/config.yaml"
        let yaml = """
        seed: 4
        iterations: 3
        algorithm: \(algorithm.rawValue)
        environment: {grid_size: 3, max_steps: 20}
        network: {hidden_size: 8}
        rollout: {pairs: 8}
        update: {minibatch_episodes: 4}
        grpo: {group_size: 4, groups_per_iteration: 4, minibatch_groups: 2, kl_beta: 0.05, reference_refresh: 2}
        \(learned ? Self.learnedPreference : "")

        """
        guard FileManager.default.createFile(atPath: config, contents: Data(yaml.utf8)) else {
            throw GridGRPOError("cannot write \(config)")
        }
        let parsed = try PipelineConfig.load(path: config)
        try StageGraph.writeParameterStamps(config: parsed, directory: directory + "/params")
        for iteration in 0...parsed.iterations {
            for stage in Stage.stages(of: parsed) where stage.runs(at: iteration) {
                let run = StageInvocation(stage: stage, iteration: iteration, config: parsed, directory: directory)
                _ = try run.run()
                if stage == .evaluate { evaluations.append(run.output) }
                if stage == .update { weights.append(run.output) }
                if stage == .reward { rewards.append(run.output) }
            }
        }
    }
}
