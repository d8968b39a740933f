/// A network's weights laid out for forward passes: the hidden layer's
/// weight matrix transposed once, so each sample's hidden layer is a sum of
/// its rows (a vector `axpy` per active unit) rather than a dot product per
/// unit; and, for the policy table (`inputColumns: true`), the first layer's
/// too, so an input cell's h weights are contiguous (in `h × 2N²` order they
/// are 2N² floats apart: on a 32×32 grid a state's first layer touched 128
/// cache lines of a 512 KB matrix). A minibatch's forward pass builds its
/// own per call and transposes the first layer only when the batch reads
/// more columns than it has (`MLP.forward`): otherwise copying 2N²·h floats
/// per minibatch would cost more than it saves. Build one per fixed network and
/// run as many forward passes as needed (the policy table fills states one
/// at a time; rebuilding per state would copy the weights per state).
///
/// Per sample, in this order (the exactness tests spell out the same loops):
/// - first layer: bias + the agent's column + the goal's column (+ the
///   action's column for the reward model), added left to right, then ReLU;
///   no matrix product, the input being one-hot planes;
/// - hidden layer: `Kernels.weightedRowSum` of W1ᵀ's rows weighted by the
///   first layer's activations (zeros skipped: after a ReLU about half are),
///   starting from the bias, then ReLU;
/// - output layer: `Kernels.dot` of each output's weight row with the hidden
///   activations, starting from its bias.
/// A sample's result never depends on the batch it is computed in, so a
/// state's output is the same bits in any batch, chunk or thread.
public struct ForwardWeights: Sendable {
    public let network: MLP
    /// The layers after the first, aligned (`AlignedFloats`): W1ᵀ (`h × h`,
    /// row j the weights from hidden unit j of layer 1), then b1, W2 and b2
    /// as in the parameters: the layout `forward_tail` reads (gg_kernels.h).
    let upper: AlignedFloats
    /// W0ᵀ, `inputSize × h` (row c: the weights from input c to every hidden
    /// unit), or empty: the first layer is then read from the parameters.
    let inputColumns: AlignedFloats

    public init(_ network: MLP, inputColumns transposeInput: Bool = false) {
        self.network = network
        let h = network.hiddenSize
        let off = network.offsets
        upper = AlignedFloats(count: network.parameters.count - off.w1) { out in
            network.parameters.withUnsafeBufferPointer { parameters in
                guard let p = parameters.baseAddress else { return }
                Kernels.transpose(p + off.w1, rows: h, cols: h, into: out)
                (out + h * h).initialize(from: p + off.b1, count: parameters.count - off.b1)
            }
        }
        inputColumns = transposeInput ? Self.transposed(network, at: network.offsets.w0, rows: h, cols: network.inputSize) : AlignedFloats(zeros: 0)
    }

    /// The `rows × cols` matrix of `network`'s parameters starting at `offset`, transposed.
    private static func transposed(_ network: MLP, at offset: Int, rows: Int, cols: Int) -> AlignedFloats {
        AlignedFloats(count: rows * cols) { out in
            network.parameters.withUnsafeBufferPointer { parameters in
                guard let p = parameters.baseAddress else { return }
                Kernels.transpose(p + offset, rows: rows, cols: cols, into: out)
            }
        }
    }

    /// The forward pass of a batch, keeping the activations for a backward
    /// pass, in fixed chunks of `MLP.samplesPerChunk` samples over `threads`
    /// threads (a sample's result does not depend on its chunk, so this is
    /// the same bits on any thread count).
    public func forward(agents: [Int], goals: [Int], cellCount: Int, actions: [Int]? = nil, threads: Int = 1) -> MLP.Activations {
        let count = agents.count
        let chunk = MLP.samplesPerChunk, chunkCount = (count + chunk - 1) / chunk
        // Every sample writes its whole rows of the three.
        var activations = MLP.Activations(count: count, hidden1: AlignedFloats(uninitialized: count * network.hiddenSize),
                                          hidden2: AlignedFloats(uninitialized: count * network.hiddenSize),
                                          output: [Float](repeating: 0, count: count * network.outputSize))
        activations.withDestination { destination in
            Parallel.forEach(chunks: chunkCount, threads: threads) { index in
                forward(agents: agents, goals: goals, cellCount: cellCount, actions: actions,
                        samples: (index * chunk)..<min(count, (index + 1) * chunk), into: destination)
            }
        }
        return activations
    }

    /// The samples `samples` of the batch, written to their rows of `destination`.
    func forward(agents: [Int], goals: [Int], cellCount: Int, actions: [Int]?, samples: Range<Int>,
                 into destination: MLP.Activations.Destination) {
        let h = network.hiddenSize, o = network.outputSize
        let kernels = Kernels.active
        network.parameters.withUnsafeBufferPointer { parameters in
            upper.withUnsafeBufferPointer { upperBuffer in
              inputColumns.withUnsafeBufferPointer { columns in
                guard let p = parameters.baseAddress, let u = upperBuffer.baseAddress else { return }
                let first = firstLayer(p, columns.baseAddress)
                for sample in samples {
                    let action = actions.map { 2 * cellCount + $0[sample] }
                    computeSample(agent: agents[sample], goal: cellCount + goals[sample], action: action,
                                  hidden1: destination.hidden1 + sample * h, hidden2: destination.hidden2 + sample * h,
                                  output: destination.output + sample * o, parameters: p, firstLayer: first, upper: u,
                                  kernels: kernels)
                }
              }
            }
        }
    }

    /// The outputs (logits, for the policy) of one state into `output`
    /// (`outputSize` floats), without allocating or keeping activations.
    func output(agent: Int, goal: Int, cellCount: Int, into output: UnsafeMutablePointer<Float>) {
        let h = network.hiddenSize
        let kernels = Kernels.active
        // The two rows on a cache line's boundary, as in `Activations`.
        let rowBytes = (h * MemoryLayout<Float>.stride + AlignedFloats.alignment - 1) / AlignedFloats.alignment * AlignedFloats.alignment
        withUnsafeTemporaryAllocation(byteCount: 2 * rowBytes, alignment: AlignedFloats.alignment) { scratch in
            network.parameters.withUnsafeBufferPointer { parameters in
                upper.withUnsafeBufferPointer { upperBuffer in
                    inputColumns.withUnsafeBufferPointer { columns in
                        guard let raw = scratch.baseAddress, let p = parameters.baseAddress, let u = upperBuffer.baseAddress else { return }
                        let row1 = raw.bindMemory(to: Float.self, capacity: h)
                        let row2 = (raw + rowBytes).bindMemory(to: Float.self, capacity: h)
                        computeSample(agent: agent, goal: cellCount + goal, action: nil, hidden1: row1, hidden2: row2, output: output,
                                      parameters: p, firstLayer: firstLayer(p, columns.baseAddress), upper: u, kernels: kernels)
                    }
                }
            }
        }
    }

    /// Where weight (unit j, input c) of the first layer is: `base[c·columnStride + j·unitStride]`.
    struct FirstLayer {
        let base: UnsafePointer<Float>
        let columnStride: Int
        let unitStride: Int
    }

    /// `columns`: `inputColumns`' storage (an empty array's may be non-nil too).
    @inline(__always)
    private func firstLayer(_ parameters: UnsafePointer<Float>, _ columns: UnsafePointer<Float>?) -> FirstLayer {
        if !inputColumns.isEmpty, let columns { return FirstLayer(base: columns, columnStride: network.hiddenSize, unitStride: 1) }
        return FirstLayer(base: parameters + network.offsets.w0, columnStride: 1, unitStride: network.inputSize)
    }

    /// One sample: `goal` and `action` are input indices (already offset by
    /// their plane), `action` nil without an action plane.
    @inline(__always)
    private func computeSample(agent: Int, goal: Int, action: Int?, hidden1 row1: UnsafeMutablePointer<Float>,
                               hidden2 row2: UnsafeMutablePointer<Float>, output out: UnsafeMutablePointer<Float>,
                               parameters p: UnsafePointer<Float>, firstLayer w0: FirstLayer,
                               upper u: UnsafePointer<Float>, kernels: UnsafePointer<gg_kernel_table>) {
        let h = network.hiddenSize, o = network.outputSize
        let off = network.offsets
        let unit = w0.unitStride
        let agentColumn = w0.base + agent * w0.columnStride, goalColumn = w0.base + goal * w0.columnStride
        let bias = p + off.b0
        if let action {
            let actionColumn = w0.base + action * w0.columnStride
            for j in 0..<h {
                let z = bias[j] + agentColumn[j &* unit] + goalColumn[j &* unit] + actionColumn[j &* unit]
                row1[j] = max(z, 0)
            }
        } else if unit == 1 {
            // Contiguous columns (transposed weights): the same sums, vectorised.
            for j in 0..<h { row1[j] = max(bias[j] + agentColumn[j] + goalColumn[j], 0) }
        } else {
            for j in 0..<h { row1[j] = max(bias[j] + agentColumn[j &* unit] + goalColumn[j &* unit], 0) }
        }
        kernels.pointee.forward_tail(h, o, u, row1, row2, out)
    }
}

extension MLP.Activations {
    /// Raw pointers into the three activation arrays, for workers that each
    /// write their own disjoint rows.
    struct Destination: @unchecked Sendable {
        let hidden1: UnsafeMutablePointer<Float>
        let hidden2: UnsafeMutablePointer<Float>
        let output: UnsafeMutablePointer<Float>
    }

    mutating func withDestination(_ body: (Destination) -> Void) {
        withExtendedLifetime((hidden1, hidden2)) {
            output.withUnsafeMutableBufferPointer { out in
                guard let c = out.baseAddress else { return }
                body(Destination(hidden1: hidden1.filling, hidden2: hidden2.filling, output: c))
            }
        }
    }
}

import CKernels
