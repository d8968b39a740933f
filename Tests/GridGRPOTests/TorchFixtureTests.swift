import Foundation
import Testing
@testable import GridGRPO

/// Adam and the initialisation against numbers real PyTorch produced once
/// (`scripts/torch_fixtures.py`, committed as Fixtures/torch_adam.json), so
/// the tests need no torch.
@Suite("Against PyTorch: torch.optim.Adam and nn.Linear's initialisation")
struct TorchFixtureTests {
    struct Fixture: Decodable {
        struct AdamCase: Decodable {
            struct Step: Decodable {
                let param: [Double]
                let exp_avg: [Double]
                let exp_avg_sq: [Double]
            }
            let lr: Double
            let betas: [Double]
            let eps: Double
            let initial: [Double]
            let gradients: [[Double]]
            let steps: [Step]
        }
        struct Init: Decodable {
            struct Tensor: Decodable {
                let key: String
                let shape: [Int]
                let fan_in: Int
                let bound: Double
                let max_abs: Double
                let mean: Double
                let std: Double
                let count: Int
            }
            let inputs: Int
            let hidden: Int
            let seeds: Int
            let networks: [String: [Tensor]]
        }
        let torch_version: String
        let adam: [AdamCase]
        let `init`: Init
    }

    static func load() throws -> Fixture {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/torch_adam.json").path
        guard let data = FileManager.default.contents(atPath: path) else { throw GridGRPOError("\(path): missing (run scripts/torch_fixtures.py)") }
        return try JSONDecoder().decode(Fixture.self, from: data)
    }

    /// Worst relative differences from torch over every step of both cases.
    /// Each is relative to the size of what is being added up, so that a
    /// moment that cancels to almost nothing (gradients ±1e-9 in turn) is not
    /// judged by its own tiny value: parameters to max(|θ|, lr) (an update
    /// is about lr), the moments to max(|m|, (1 − β₁)·max|g|) and
    /// max(|v|, (1 − β₂)·max g²) over that coordinate's gradients so far.
    func adamDifferences(_ fixture: Fixture) -> (parameters: Double, first: Double, second: Double) {
        var worst = (parameters: 0.0, first: 0.0, second: 0.0)
        func relative(_ swift: [Float], _ torch: [Double], scales: [Double]) -> Double {
            (0..<torch.count).map { abs(Double(swift[$0]) - torch[$0]) / max(abs(torch[$0]), scales[$0]) }.max() ?? .infinity
        }
        for adamCase in fixture.adam {
            var parameters = adamCase.initial.map(Float.init)
            var adam = Adam(parameterCount: parameters.count)
            let (beta1, beta2) = (adamCase.betas[0], adamCase.betas[1])
            let hyper = Adam.Hyperparameters(learningRate: adamCase.lr, beta1: beta1, beta2: beta2, epsilon: adamCase.eps)
            var largest = [Double](repeating: 0, count: parameters.count)
            for (gradient, expected) in zip(adamCase.gradients, adamCase.steps) {
                adam.apply(gradient.map(Float.init), to: &parameters, hyper)
                largest = zip(largest, gradient).map { max($0, abs($1)) }
                worst.parameters = max(worst.parameters, relative(parameters, expected.param, scales: largest.map { _ in adamCase.lr }))
                worst.first = max(worst.first, relative(adam.firstMoment, expected.exp_avg, scales: largest.map { (1 - beta1) * $0 }))
                worst.second = max(worst.second, relative(adam.secondMoment, expected.exp_avg_sq,
                                                          scales: largest.map { (1 - beta2) * $0 * $0 }))
            }
            #expect(adam.step == adamCase.steps.count && adamCase.steps.count >= 5)
        }
        return worst
    }

    /// Same formula as torch.optim.Adam, not the same bits. Every parameter
    /// and both moments after every step of both cases agree with torch to
    /// 1e-4 relative. The gap is bigger than float32 rounding alone (about
    /// 1e-6) for one reason: Adam.apply forms 1 − β₂ in float32, and
    /// 1 − Float(0.999) = 0.00100004673, while torch forms it in double and
    /// gets 0.001: the second moment runs 4.7e-5 relative high.
    @Test func adamFollowsTorchOptimAdamStepByStep() throws {
        let fixture = try Self.load()
        #expect(fixture.adam.count == 2)
        let worst = adamDifferences(fixture)
        #expect(worst.parameters < 1e-4 && worst.first < 1e-4 && worst.second < 1e-4, "\(worst)")
    }

    /// To float32 rounding (2e-6), as `Adam`'s documentation promises: fails
    /// until 1 − β₁ and 1 − β₂ are formed in double, as torch does (a change
    /// that moves every trained weight, so every run's bytes).
    @Test func adamMatchesTorchToFloat32Rounding() throws {
        let fixture = try Self.load()
        let worst = adamDifferences(fixture)
        withKnownIssue("Adam.apply forms 1 − β in float32; torch in double") {
            #expect(worst.parameters < 2e-6 && worst.first < 2e-6 && worst.second < 2e-6, "\(worst)")
        }
    }

    /// GridGRPO draws its initial weights from its own random streams, so the
    /// bits differ from torch's; what must agree is nn.Linear's formula: the
    /// state_dict keys and shapes, every value inside torch's bound for its
    /// tensor, and the values spread uniformly over it (largest |value| near
    /// the bound, mean near 0, standard deviation bound/√3 as torch's own
    /// draws show), pooled over as many seeds as the fixture used.
    @Test func initialisationFollowsNNLinearsFormula() throws {
        let fixture = try Self.load().`init`
        let world = GridWorld(size: 5, maxSteps: 100)
        #expect(world.observationSize == fixture.inputs)
        let agents = (0..<fixture.seeds).map { Agent.initial(world: world, hiddenSize: fixture.hidden, seed: UInt64($0)) }
        for (name, rows) in fixture.networks.sorted(by: { $0.key < $1.key }) {
            let networks = try agents.map { agent -> MLP in
                try #require(name == "policy" ? agent.policy : agent.value)
            }
            let tensors = networks[0].tensors
            #expect(tensors.map(\.key) == rows.map(\.key), "\(name) state_dict keys")
            #expect(tensors.map(\.shape) == rows.map(\.shape), "\(name) shapes")
            for (tensor, torch) in zip(tensors, rows) {
                let label = "\(name) \(tensor.key)"
                let values = networks.flatMap { $0.parameters[tensor.range] }.map(Double.init)
                let n = Double(values.count)
                #expect(values.count == torch.count, "\(label)")
                #expect(abs(torch.bound - 1 / Double(torch.fan_in).squareRoot()) < 1e-12, "\(label): torch's bound is 1/√fan_in")
                let maxAbs = values.map(abs).max() ?? 0
                #expect(maxAbs <= torch.bound * (1 + 1e-6), "\(label): \(maxAbs) outside torch's bound \(torch.bound)")
                // for |v| uniform on [0, b]: P(max < b(1 − 10/n)) < e^−10
                #expect(maxAbs >= torch.bound * (1 - min(1, 10 / n)), "\(label): \(maxAbs) does not reach the bound \(torch.bound)")
                let mean = values.reduce(0, +) / n
                let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
                let sigma = torch.bound / 3.0.squareRoot()  // the uniform distribution's standard deviation
                // five standard errors: of the mean σ/√n, of a uniform sample's std ≈ σ·√(0.8/(4n))
                #expect(abs(mean) <= 5 * sigma / n.squareRoot(), "\(label): mean \(mean)")
                #expect(abs(torch.mean) <= 5 * sigma / n.squareRoot(), "\(label): torch's mean \(torch.mean)")
                let spread = 5 * (0.8 / (4 * n)).squareRoot()
                #expect(abs(std / sigma - 1) <= spread, "\(label): std \(std), uniform \(sigma)")
                #expect(abs(torch.std / sigma - 1) <= spread, "\(label): torch's std \(torch.std), uniform \(sigma)")
            }
        }
    }
}
