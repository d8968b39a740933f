/// Adam exactly as `torch.optim.Adam` (no weight decay, no AMSGrad) applies it:
///
///     m ← β₁m + (1−β₁)g,   v ← β₂v + (1−β₂)g²
///     θ ← θ − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)
///
/// The moments and the step count are part of the weights artifact, so an
/// update stage resumes the optimiser exactly where the previous one stopped.
public struct Adam: Equatable, Sendable {
    public struct Hyperparameters: Equatable, Sendable, Codable {
        public var learningRate: Double
        public var beta1: Double
        public var beta2: Double
        public var epsilon: Double
        public init(learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
            self.learningRate = learningRate
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
        }
    }

    public var firstMoment: [Float]
    public var secondMoment: [Float]
    public var step: Int

    public init(parameterCount: Int) {
        firstMoment = [Float](repeating: 0, count: parameterCount)
        secondMoment = [Float](repeating: 0, count: parameterCount)
        step = 0
    }

    public init(firstMoment: [Float], secondMoment: [Float], step: Int) {
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
        self.step = step
    }

    /// One step, by the `adam_step` kernel (every operation rounded on its
    /// own, in the formula's order; gg_kernels.h). Each parameter's update
    /// reads only its own gradient and moments, so `threads` threads take
    /// disjoint blocks of parameters and the bits never depend on the thread
    /// count. Known issue: 1 − β is formed in float32 (1 − 0.999f =
    /// 0.00100005), not in double as PyTorch does; fixing it would change
    /// every trained byte (`TorchFixtureTests` records it).
    ///
    /// The new moments and parameters go to new arrays, read from the old:
    /// the caller usually still holds the parameters its gradient was
    /// computed with (a network's copy shares them), and updating them in
    /// place would first copy all three arrays.
    public mutating func apply(_ gradient: [Float], to parameters: inout [Float], _ hyper: Hyperparameters, threads: Int = 1) {
        step += 1
        let beta1 = Float(hyper.beta1), beta2 = Float(hyper.beta2)
        let correction1 = 1 - Foundation.pow(hyper.beta1, Double(step))
        let correction2 = 1 - Foundation.pow(hyper.beta2, Double(step))
        let stepSize = Float(hyper.learningRate / correction1)
        let root2 = Float(correction2.squareRoot())
        let epsilon = Float(hyper.epsilon)
        let count = min(parameters.count, gradient.count, firstMoment.count, secondMoment.count)
        let blocks = (count + Self.parametersPerBlock - 1) / Self.parametersPerBlock
        var m = Self.successor(of: firstMoment, stepped: count), v = Self.successor(of: secondMoment, stepped: count)
        var p = Self.successor(of: parameters, stepped: count)
        firstMoment.withUnsafeBufferPointer { mBuffer in
            secondMoment.withUnsafeBufferPointer { vBuffer in
                parameters.withUnsafeBufferPointer { pBuffer in
                    gradient.withUnsafeBufferPointer { gBuffer in
                        m.withUnsafeMutableBufferPointer { mOutBuffer in
                            v.withUnsafeMutableBufferPointer { vOutBuffer in
                                p.withUnsafeMutableBufferPointer { pOutBuffer in
                                    guard let m = mBuffer.baseAddress, let v = vBuffer.baseAddress, let p = pBuffer.baseAddress,
                                          let g = gBuffer.baseAddress, let mOut = mOutBuffer.baseAddress,
                                          let vOut = vOutBuffer.baseAddress, let pOut = pOutBuffer.baseAddress else { return }
                                    let state = Pointers(m: m, v: v, p: p, g: g, mOut: mOut, vOut: vOut, pOut: pOut)
                                    // 1 − β in float32, as this step always formed it (the known issue above).
                                    let constants = gg_adam_constants(beta1: beta1, one_minus_beta1: 1 - beta1, beta2: beta2,
                                                                      one_minus_beta2: 1 - beta2, step_size: stepSize, root2: root2,
                                                                      epsilon: epsilon)
                                    Parallel.forEach(chunks: blocks, threads: blocks >= 4 ? threads : 1) { block in
                                        let start = block * Self.parametersPerBlock, end = min(count, (block + 1) * Self.parametersPerBlock)
                                        Kernels.active.pointee.adam_step(end - start, constants, state.m + start, state.v + start,
                                                                         state.p + start, state.g + start, state.mOut + start,
                                                                         state.vOut + start, state.pOut + start)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        firstMoment = m
        secondMoment = v
        parameters = p
    }

    /// A new array as long as `old`: its first `stepped` entries left for
    /// the step to write, the rest (none when the lengths agree) copied.
    private static func successor(of old: [Float], stepped: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: old.count) { buffer, initialized in
            old.withUnsafeBufferPointer { source in
                if let from = source.baseAddress, let to = buffer.baseAddress, old.count > stepped {
                    (to + stepped).initialize(from: from + stepped, count: old.count - stepped)
                }
            }
            initialized = old.count
        }
    }
}

extension Adam {
    /// Parameters per block of work: a step over fewer than four blocks runs on one thread.
    static let parametersPerBlock = 4096

    /// The buffers of one step, shared by the workers (each writes its own block of the new three).
    private struct Pointers: @unchecked Sendable {
        let m: UnsafePointer<Float>, v: UnsafePointer<Float>, p: UnsafePointer<Float>, g: UnsafePointer<Float>
        let mOut: UnsafeMutablePointer<Float>, vOut: UnsafeMutablePointer<Float>, pOut: UnsafeMutablePointer<Float>
    }
}

import CKernels
import Foundation
