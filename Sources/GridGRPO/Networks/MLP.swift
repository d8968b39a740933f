/// The blog's two-hidden-layer perceptron, `in → h → h → out` with ReLU after
/// each hidden layer, written out by hand: forward, backward and nothing else.
///
/// Parameters live in one flat Float32 vector, in PyTorch's `state_dict` order
/// and layout (`network.0.weight` [h, in], `network.0.bias` [h], `network.2.*`,
/// `network.4.*`), so Adam is a loop over one array and the HDF5 datasets are
/// slices of it.
///
/// The input is the grid world's observation: two one-hot planes (agent cell,
/// goal cell). The first layer therefore never multiplies a matrix: its
/// pre-activation is the bias plus two columns of `network.0.weight`, and its
/// gradient touches only those two columns. The result is exactly the dense
/// product, which the tests check against a dense reference.
public struct MLP: Equatable, Sendable {
    public let inputSize: Int
    public let hiddenSize: Int
    public let outputSize: Int
    public var parameters: [Float]

    /// One parameter tensor: its `state_dict` key suffix, offset and PyTorch shape.
    public struct Tensor: Equatable, Sendable {
        public let key: String
        public let offset: Int
        public let shape: [Int]
        public var count: Int { shape.reduce(1, *) }
        public var range: Range<Int> { offset..<(offset + count) }
    }

    public init(inputSize: Int, hiddenSize: Int, outputSize: Int, parameters: [Float]? = nil) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.outputSize = outputSize
        let count = Self.parameterCount(inputSize: inputSize, hiddenSize: hiddenSize, outputSize: outputSize)
        self.parameters = parameters ?? [Float](repeating: 0, count: count)
        precondition(self.parameters.count == count, "parameter vector has the wrong length")
    }

    public static func parameterCount(inputSize: Int, hiddenSize: Int, outputSize: Int) -> Int {
        hiddenSize * inputSize + hiddenSize + hiddenSize * hiddenSize + hiddenSize + outputSize * hiddenSize + outputSize
    }

    /// The tensors in `state_dict` order: Linear layers sit at indices 0, 2, 4 of
    /// the blog's `nn.Sequential` (ReLUs at 1 and 3, Softmax at 5 for the policy).
    public var tensors: [Tensor] {
        let shapes: [(String, [Int])] = [
            ("network.0.weight", [hiddenSize, inputSize]), ("network.0.bias", [hiddenSize]),
            ("network.2.weight", [hiddenSize, hiddenSize]), ("network.2.bias", [hiddenSize]),
            ("network.4.weight", [outputSize, hiddenSize]), ("network.4.bias", [outputSize]),
        ]
        var offset = 0
        return shapes.map { key, shape in
            defer { offset += shape.reduce(1, *) }
            return Tensor(key: key, offset: offset, shape: shape)
        }
    }

    /// PyTorch's `nn.Linear` initialisation: weights and biases uniform in
    /// ±1/√fan_in, drawn from `random` tensor by tensor in `state_dict` order.
    public static func initialized(inputSize: Int, hiddenSize: Int, outputSize: Int, random: inout RandomStream) -> MLP {
        var network = MLP(inputSize: inputSize, hiddenSize: hiddenSize, outputSize: outputSize)
        for tensor in network.tensors {
            let fanIn = tensor.key.hasSuffix("weight") ? tensor.shape[1] : (tensor.key.hasPrefix("network.0") ? inputSize : hiddenSize)
            let bound = 1 / Float(fanIn).squareRoot()
            for index in tensor.range {
                network.parameters[index] = (2 * random.nextUnitFloat() - 1) * bound
            }
        }
        return network
    }

    /// The parameters from `network.2.weight` (W1) to the end, copied so
    /// that W1's and W2's rows start on cache-line boundaries (`AlignedFloats`).
    var upperLayers: AlignedFloats { AlignedFloats(parameters[offsets.w1...]) }

    /// Activations kept from a forward pass for the backward pass.
    public struct Activations: Sendable {
        public let count: Int
        /// Post-ReLU activations of the two hidden layers, `count × hidden`
        /// (aligned: the backward pass reads them as rows of its weight gradients).
        public var hidden1: AlignedFloats
        public var hidden2: AlignedFloats
        /// Outputs (logits for the policy, values for the value net), `count × out`.
        public var output: [Float]
    }

    var offsets: (w0: Int, b0: Int, w1: Int, b1: Int, w2: Int, b2: Int) {
        let w0 = 0, b0 = hiddenSize * inputSize
        let w1 = b0 + hiddenSize, b1 = w1 + hiddenSize * hiddenSize
        let w2 = b1 + hiddenSize, b2 = w2 + outputSize * hiddenSize
        return (w0, b0, w1, b1, w2, b2)
    }

    /// Forward pass for a batch of grid states. `agents[i]` and `goals[i]` are the
    /// cells whose one-hot entries are set (goal entries sit `cellCount` further on).
    /// `actions`, when given, is a third one-hot plane after the two (the
    /// reward model r̂(s, a) sees the observation and the action).
    /// See `ForwardWeights` for how each sample is computed.
    public func forward(agents: [Int], goals: [Int], cellCount: Int, actions: [Int]? = nil) -> Activations {
        forward(agents: agents, goals: goals, cellCount: cellCount, actions: actions, threads: 1)
    }

    /// Backward pass: adds ∂loss/∂parameters to `gradient` given ∂loss/∂output
    /// (`count × out`) for the batch that produced `activations`, summed in
    /// batch order (see `backward(…samples:…)`).
    public func backward(agents: [Int], goals: [Int], cellCount: Int, actions: [Int]? = nil, activations: Activations,
                         outputGradient: [Float], into gradient: inout [Float]) {
        backward(agents: agents, goals: goals, cellCount: cellCount, actions: actions, activations: activations,
                 outputGradient: outputGradient, samples: 0..<activations.count, into: &gradient)
    }

    /// The backward pass for the samples `samples` of the batch only.
    public func backward(agents: [Int], goals: [Int], cellCount: Int, actions: [Int]? = nil, activations: Activations,
                         outputGradient: [Float], samples: Range<Int>, into gradient: inout [Float]) {
        let n = inputSize, firstWeights = offsets.b0
        let upperLayers = self.upperLayers
        gradient.withUnsafeMutableBufferPointer { buffer in
            guard let grad = buffer.baseAddress else { return }
            var sink = DenseFirstLayer(weights: grad, inputSize: n)
            backward(agents: agents, goals: goals, cellCount: cellCount, actions: actions, activations: activations,
                     outputGradient: outputGradient, samples: samples, upperLayers: upperLayers,
                     rest: grad + firstWeights, weightRowsFresh: false, firstLayer: &sink)
        }
    }

    /// The backward pass, the first layer's weight gradient going to
    /// `firstLayer` and every other parameter's to `rest` (indexed from
    /// `network.0.bias`, the first parameter after the first layer's weights).
    ///
    /// Per sample, in one kernel call for the range (`backward_samples`):
    /// the output layer's bias gradient, ∂h2, ∂h1 and the two hidden layers'
    /// bias gradients. Then the first layer's columns (two per sample, three
    /// with actions) get ∂h1, and, for the whole range at once, the output
    /// and hidden layers' weight gradients ∂W2[m, ·] = Σ_s ∂out[s, m] · h2[s, ·]
    /// and ∂W1[k, ·] = Σ_s ∂h2[s, k] · h1[s, ·], summed in sample order into
    /// the row as the per-sample loop would, but with the row held in
    /// registers instead of reloaded for every sample.
    ///
    /// `upperLayers` is `upperLayers` of this network (the backward pass
    /// reads W1 and W2 by rows; a caller running many passes makes it once).
    /// With `weightRowsFresh` and at least one sample, `rest`'s W1 and W2
    /// entries are written rather than added to (their sums start from +0,
    /// as adding to zeros gives), so a new buffer needs only its biases zeroed.
    func backward<Sink: FirstLayerGradient>(agents: [Int], goals: [Int], cellCount: Int, actions: [Int]?, activations: Activations,
                                            outputGradient: [Float], samples: Range<Int>, upperLayers: AlignedFloats,
                                            rest: UnsafeMutablePointer<Float>, weightRowsFresh: Bool, firstLayer: inout Sink) {
        guard let first = samples.first else { return }
        let h = hiddenSize, o = outputSize, n = samples.count
        let off = offsets
        // Offsets into `rest`.
        let b0 = 0, w1 = off.w1 - off.b0, b1 = off.b1 - off.b0, w2 = off.w2 - off.b0, b2 = off.b2 - off.b0
        let kernels = Kernels.active
        // ∂h2 of every sample, then ∂h1 of every sample, each row written
        // whole by the kernel; then ∂h2 transposed (unit k's coefficients
        // contiguous, as the kernel's vector gather reads them).
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 * n * h) { scratch in
          upperLayers.withUnsafeBufferPointer { upperBuffer in
            outputGradient.withUnsafeBufferPointer { outputGradientBuffer in
              activations.hidden1.withUnsafeBufferPointer { hidden1 in
                activations.hidden2.withUnsafeBufferPointer { hidden2 in
                    guard let dh2 = scratch.baseAddress, let upper = upperBuffer.baseAddress,
                          let h1All = hidden1.baseAddress, let h2All = hidden2.baseAddress,
                          let dOutAll = outputGradientBuffer.baseAddress else { return }
                    let dh1 = dh2 + n * h, dh2T = dh1 + n * h
                    let grad = rest
                    let h1 = h1All + first * h, h2 = h2All + first * h, dOut = dOutAll + first * o
                    kernels.pointee.backward_samples(n, h, o, upper, h1, h2, dOut, dh2, dh1, grad + b0, grad + b1, grad + b2)
                    firstLayer.add(hidden1Gradients: dh1, samples: samples, agents: agents, goals: goals, actions: actions,
                                   cellCount: cellCount, hidden: h, kernels: kernels)
                    // The output layer's weight gradient, ∂W2[m, ·] = Σ_s ∂out[s, m]·h2[s, ·]
                    // in sample order, zero ∂out skipped (as a per-sample axpy would add it).
                    for m in 0..<o {
                        let row = grad + w2 + m * h
                        Kernels.weightedRowSum(rows: n, columns: h, rows: h2, rowStride: h, coefficients: dOut + m,
                                               coefficientStride: o, initial: weightRowsFresh ? nil : row, into: row, kernels: kernels)
                    }
                    Kernels.transpose(dh2, rows: n, cols: h, into: dh2T, kernels: kernels)
                    for k in 0..<h {
                        let row = grad + w1 + k * h
                        Kernels.weightedRowSum(rows: n, columns: h, rows: h1, rowStride: h, coefficients: dh2T + k * n,
                                               coefficientStride: 1, initial: weightRowsFresh ? nil : row, into: row, kernels: kernels)
                    }
                }
              }
            }
          }
        }
    }

    /// The output for a single state, without keeping activations.
    public func output(agent: Int, goal: Int, cellCount: Int) -> [Float] {
        forward(agents: [agent], goals: [goal], cellCount: cellCount).output
    }
}

extension MLP {
    /// Samples per chunk of the batched passes: fixed, so the chunking, and
    /// with it the order in which per-sample gradients are summed, never
    /// depends on the thread count.
    public static let samplesPerChunk = 64

    /// `forward` over `threads` threads. Each sample's activations do not
    /// depend on its batch, so this equals the single-threaded pass bit for bit.
    ///
    /// The first layer's weights are transposed for the pass (`ForwardWeights`'
    /// `inputColumns`) when the batch reads more of their columns than the
    /// matrix has (each sample reads two, three with actions): copying
    /// the matrix once then costs less than reading its columns with a
    /// stride. The values are the same either way.
    public func forward(agents: [Int], goals: [Int], cellCount: Int, actions: [Int]? = nil, threads: Int) -> Activations {
        let columnsRead = agents.count * (actions == nil ? 2 : 3)
        return ForwardWeights(self, inputColumns: columnsRead >= inputSize)
            .forward(agents: agents, goals: goals, cellCount: cellCount, actions: actions, threads: threads)
    }

    /// ∂loss/∂parameters for the batch: each fixed chunk of samples into its
    /// own buffer (on `threads` threads), then the chunks summed in order
    /// (`GradientJob`), so the bits do not depend on the thread count.
    public func gradient(agents: [Int], goals: [Int], cellCount: Int, actions: [Int]? = nil, activations: Activations,
                         outputGradient: [Float], threads: Int) -> [Float] {
        let job = GradientJob(network: self, agents: agents, goals: goals, cellCount: cellCount, actions: actions,
                              activations: activations, outputGradient: outputGradient)
        return job.total(Parallel.map(chunks: job.chunkCount, threads: threads) { job.chunk($0) }, threads: threads)
    }
}

/// `MLP.gradient` in its two steps, for a caller that spreads the chunks
/// itself (`SharedChunks`): each chunk of samples into its own buffer
/// (`chunk`), then the chunks summed in order (`total`). Any thread may run
/// any chunk: the sum's order is fixed by the chunk numbers.
struct GradientJob: Sendable {
    let network: MLP
    let agents: [Int], goals: [Int], cellCount: Int, actions: [Int]?
    let activations: MLP.Activations
    let outputGradient: [Float]
    /// W1 on, aligned, shared by every chunk.
    let upperLayers: AlignedFloats

    init(network: MLP, agents: [Int], goals: [Int], cellCount: Int, actions: [Int]?, activations: MLP.Activations,
         outputGradient: [Float]) {
        self.network = network
        self.agents = agents
        self.goals = goals
        self.cellCount = cellCount
        self.actions = actions
        self.activations = activations
        self.outputGradient = outputGradient
        upperLayers = network.upperLayers
    }

    /// Chunks of `MLP.samplesPerChunk` samples (at least one) for a batch of `samples`.
    static func chunkCount(samples: Int) -> Int { max(1, (samples + MLP.samplesPerChunk - 1) / MLP.samplesPerChunk) }

    var chunkCount: Int { Self.chunkCount(samples: activations.count) }

    /// One chunk's gradient: every parameter but the first layer's weights,
    /// and those as the few input columns its samples touched (two per
    /// sample; the input has 2N² columns): so a chunk's cost does not grow
    /// with the grid.
    func chunk(_ chunk: Int) -> Part {
        let off = network.offsets
        let count = network.parameters.count - off.b0
        var firstLayer = SparseFirstLayer(inputSize: network.inputSize)
        let range = (chunk * MLP.samplesPerChunk)..<min(activations.count, (chunk + 1) * MLP.samplesPerChunk)
        guard !range.isEmpty else { return Part(rest: [Float](repeating: 0, count: count), firstLayer: firstLayer) }
        // Only the biases are sums the pass adds to; the weight rows it writes whole.
        let rest = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress {
                // `rest` starts at b0.
                let h = network.hiddenSize
                base.initialize(repeating: 0, count: h)
                (base + (off.b1 - off.b0)).initialize(repeating: 0, count: h)
                (base + (off.b2 - off.b0)).initialize(repeating: 0, count: network.outputSize)
                network.backward(agents: agents, goals: goals, cellCount: cellCount, actions: actions, activations: activations,
                                 outputGradient: outputGradient, samples: range, upperLayers: upperLayers, rest: base,
                                 weightRowsFresh: true, firstLayer: &firstLayer)
            }
            initialized = count
        }
        return Part(rest: rest, firstLayer: firstLayer)
    }

    /// A chunk's gradient: the dense part (`rest`, every parameter from b0
    /// on) and the first layer's touched columns.
    struct Part: Sendable {
        let rest: [Float]
        let firstLayer: SparseFirstLayer
    }

    /// The chunks (`chunk(0)`, `chunk(1)`, … in order) summed: the same bits
    /// as dense buffers summed in order, a buffer's untouched entries being +0
    /// (adding +0 to a sum that started from +0 never changes it; no entry is
    /// ever −0). ∂W0 is summed column by column (each contiguous,
    /// `inputSize × h`), then transposed into place (every entry written).
    func total(_ parts: [Part], threads: Int) -> [Float] {
        let h = network.hiddenSize, n = network.inputSize, firstWeights = network.offsets.b0
        var columns = [Float](repeating: 0, count: firstWeights)
        var total = columns.withUnsafeMutableBufferPointer { buffer in
            [Float](unsafeUninitializedCapacity: firstWeights) { totalBuffer, initialized in
                if let byColumn = buffer.baseAddress, let weights = totalBuffer.baseAddress {
                    let kernels = Kernels.active
                    for part in parts { part.firstLayer.add(intoColumns: byColumn, hidden: h, kernels: kernels) }
                    Kernels.transpose(byColumn, rows: n, cols: h, into: weights)
                }
                initialized = firstWeights
            }
        }
        total += Parallel.sumInOrder(parts.map(\.rest), threads: threads)
        return total
    }
}

/// Where the backward pass adds the first layer's weight gradient: for
/// each sample of the range in order, its row of ∂h1 goes to the columns of
/// ∂W0 (`h × inputSize`) its one-hot input sets: the agent's, the goal's
/// (`cellCount` further on) and, with actions, the action's (`2·cellCount`
/// further on). A column's sum is therefore in sample order, as adding
/// sample by sample gives (a sample's columns are distinct: one per plane).
protocol FirstLayerGradient {
    mutating func add(hidden1Gradients: UnsafePointer<Float>, samples: Range<Int>, agents: [Int], goals: [Int], actions: [Int]?,
                      cellCount: Int, hidden: Int, kernels: UnsafePointer<gg_kernel_table>)
}

extension FirstLayerGradient {
    /// The input columns of sample `sample`, in plane order.
    @inline(__always)
    static func columns(of sample: Int, agents: [Int], goals: [Int], actions: [Int]?, cellCount: Int, _ body: (Int) -> Void) {
        body(agents[sample])
        body(cellCount + goals[sample])
        if let actions { body(2 * cellCount + actions[sample]) }
    }
}

/// Straight into a dense ∂W0.
struct DenseFirstLayer: FirstLayerGradient {
    let weights: UnsafeMutablePointer<Float>
    let inputSize: Int

    mutating func add(hidden1Gradients: UnsafePointer<Float>, samples: Range<Int>, agents: [Int], goals: [Int], actions: [Int]?,
                      cellCount: Int, hidden: Int, kernels: UnsafePointer<gg_kernel_table>) {
        for (position, sample) in samples.enumerated() {
            let gradient = hidden1Gradients + position * hidden
            Self.columns(of: sample, agents: agents, goals: goals, actions: actions, cellCount: cellCount) { column in
                for j in 0..<hidden { weights[j &* inputSize &+ column] += gradient[j] }
            }
        }
    }
}

/// Only the columns touched, each contiguous, in order of first touch.
struct SparseFirstLayer: FirstLayerGradient, Sendable {
    /// Each input column's slot, −1 until touched.
    private var slots: [Int32]
    /// The touched columns in slot order (as `add_rows` takes row numbers).
    private var columns: [Int32] = []
    private var values: [Float] = []

    init(inputSize: Int) { slots = [Int32](repeating: -1, count: inputSize) }

    /// Each (sample, column) pair's slot first (new columns' slots start at
    /// +0), then every ∂h1 row added to its slots in one kernel call
    /// (`add_rows`, pairs in sample order).
    mutating func add(hidden1Gradients: UnsafePointer<Float>, samples: Range<Int>, agents: [Int], goals: [Int], actions: [Int]?,
                      cellCount: Int, hidden: Int, kernels: UnsafePointer<gg_kernel_table>) {
        let perSample = actions == nil ? 2 : 3
        let pairs = samples.count * perSample
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * pairs) { scratch in
            guard let sources = scratch.baseAddress else { return }
            let targets = sources + pairs
            var pair = 0
            for (position, sample) in samples.enumerated() {
                Self.columns(of: sample, agents: agents, goals: goals, actions: actions, cellCount: cellCount) { column in
                    var slot = slots[column]
                    if slot < 0 {
                        slot = Int32(truncatingIfNeeded: columns.count)
                        slots[column] = slot
                        columns.append(Int32(truncatingIfNeeded: column))
                    }
                    sources[pair] = Int32(truncatingIfNeeded: position)
                    targets[pair] = slot
                    pair += 1
                }
            }
            let needed = columns.count * hidden
            if values.count < needed { values.append(contentsOf: repeatElement(0, count: needed - values.count)) }
            values.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                kernels.pointee.add_rows(pair, hidden, hidden1Gradients, sources, base, targets)
            }
        }
    }

    /// Adds the touched columns into a dense ∂W0ᵀ (`inputSize × hidden`,
    /// column c's gradient contiguous at `columns + c·hidden`), by `add_rows`.
    func add(intoColumns columnGradients: UnsafeMutablePointer<Float>, hidden: Int, kernels: UnsafePointer<gg_kernel_table>) {
        let slotsInOrder = (0..<columns.count).map { Int32(truncatingIfNeeded: $0) }
        values.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            kernels.pointee.add_rows(columns.count, hidden, base, slotsInOrder, columnGradients, columns)
        }
    }
}

import CKernels
