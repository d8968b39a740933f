import Testing
@testable import GridGRPO

/// An update remembers the first Adam step whose loss or gradient was NaN
/// or infinite (the update stage then refuses to write the weights).
@Suite("Update metrics: where training diverged")
struct UpdateMetricsTests {
    /// Every finite value passes, whatever its sign or size; one NaN or
    /// infinity anywhere (every position of a long vector, so every lane of
    /// the vectorised check and its scalar tail) fails.
    @Test func allFiniteFindsEveryNonFiniteValue() {
        let finite: [Float] = [0, -0.0, 1, -1, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude,
                               -.leastNormalMagnitude, 3.4e38, 1e-45]
        #expect(UpdateMetrics.allFinite(finite))
        #expect(UpdateMetrics.allFinite([]))
        let bad: [Float] = [.nan, -.nan, .signalingNaN, .infinity, -.infinity, Float(bitPattern: 0x7F80_0001), Float(bitPattern: 0xFFFF_FFFF)]
        for value in bad {
            for count in [1, 7, 8, 9, 31, 64, 67] {
                for position in 0..<count {
                    var values = (0..<count).map { Float($0) - 20.5 }
                    values[position] = value
                    #expect(!UpdateMetrics.allFinite(values), "\(value) at \(position) of \(count)")
                }
            }
        }
    }

    @Test func theFirstNonFiniteStepIsRemembered() {
        var metrics = UpdateMetrics()
        metrics.recordStep(epoch: 0, loss: 0.5, gradients: [1, 2], [3])
        #expect(metrics.divergence == nil)
        metrics.recordStep(epoch: 0, loss: 0.5, gradients: [1, 2], [.infinity])
        metrics.recordStep(epoch: 1, loss: .nan, gradients: [1, 2], [3])
        #expect(metrics.gradientSteps == 3)
        #expect(metrics.divergence == UpdateMetrics.Divergence(step: 2, epoch: 0))

        var lossOnly = UpdateMetrics()
        lossOnly.recordStep(epoch: 0, loss: 1, gradients: [0])
        lossOnly.recordStep(epoch: 3, loss: -.infinity, gradients: [0])
        #expect(lossOnly.divergence == UpdateMetrics.Divergence(step: 2, epoch: 3))
    }
}
