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

    /// Activations kept from a forward pass for the backward pass.
    public struct Activations {
        public let count: Int
        /// Post-ReLU activations of the two hidden layers, `count × hidden`.
        public var hidden1: [Float]
        public var hidden2: [Float]
        /// Outputs (logits for the policy, values for the value net), `count × out`.
        public var output: [Float]
    }

    private var offsets: (w0: Int, b0: Int, w1: Int, b1: Int, w2: Int, b2: Int) {
        let w0 = 0, b0 = hiddenSize * inputSize
        let w1 = b0 + hiddenSize, b1 = w1 + hiddenSize * hiddenSize
        let w2 = b1 + hiddenSize, b2 = w2 + outputSize * hiddenSize
        return (w0, b0, w1, b1, w2, b2)
    }

    /// Forward pass for a batch of grid states. `agents[i]` and `goals[i]` are the
    /// cells whose one-hot entries are set (goal entries sit `cellCount` further on).
    public func forward(agents: [Int], goals: [Int], cellCount: Int) -> Activations {
        let count = agents.count
        let h = hiddenSize, o = outputSize, n = inputSize
        let off = offsets
        var hidden1 = [Float](repeating: 0, count: count * h)
        var hidden2 = [Float](repeating: 0, count: count * h)
        var output = [Float](repeating: 0, count: count * o)
        parameters.withUnsafeBufferPointer { p in
            hidden1.withUnsafeMutableBufferPointer { h1 in
                hidden2.withUnsafeMutableBufferPointer { h2 in
                    output.withUnsafeMutableBufferPointer { out in
                        for sample in 0..<count {
                            let a = agents[sample], g = cellCount + goals[sample]
                            let row1 = sample * h
                            for j in 0..<h {
                                let z = p[off.b0 + j] + p[off.w0 + j * n + a] + p[off.w0 + j * n + g]
                                h1[row1 + j] = max(z, 0)
                            }
                            for k in 0..<h {
                                var z = p[off.b1 + k]
                                let w = off.w1 + k * h
                                for j in 0..<h { z += p[w + j] * h1[row1 + j] }
                                h2[row1 + k] = max(z, 0)
                            }
                            for m in 0..<o {
                                var z = p[off.b2 + m]
                                let w = off.w2 + m * h
                                for k in 0..<h { z += p[w + k] * h2[row1 + k] }
                                out[sample * o + m] = z
                            }
                        }
                    }
                }
            }
        }
        return Activations(count: count, hidden1: hidden1, hidden2: hidden2, output: output)
    }

    /// Backward pass: adds ∂loss/∂parameters to `gradient` given ∂loss/∂output
    /// (`count × out`) for the batch that produced `activations`.
    public func backward(agents: [Int], goals: [Int], cellCount: Int, activations: Activations,
                         outputGradient: [Float], into gradient: inout [Float]) {
        let h = hiddenSize, o = outputSize, n = inputSize
        let off = offsets
        var dh2 = [Float](repeating: 0, count: h)
        var dh1 = [Float](repeating: 0, count: h)
        parameters.withUnsafeBufferPointer { p in
            gradient.withUnsafeMutableBufferPointer { grad in
                for sample in 0..<activations.count {
                    let row = sample * h
                    for k in 0..<h { dh2[k] = 0 }
                    for m in 0..<o {
                        let dOut = outputGradient[sample * o + m]
                        if dOut == 0 { continue }
                        grad[off.b2 + m] += dOut
                        let w = off.w2 + m * h
                        for k in 0..<h {
                            grad[w + k] += dOut * activations.hidden2[row + k]
                            dh2[k] += p[w + k] * dOut
                        }
                    }
                    for k in 0..<h where activations.hidden2[row + k] <= 0 { dh2[k] = 0 }
                    for j in 0..<h { dh1[j] = 0 }
                    for k in 0..<h {
                        let d = dh2[k]
                        if d == 0 { continue }
                        grad[off.b1 + k] += d
                        let w = off.w1 + k * h
                        for j in 0..<h {
                            grad[w + j] += d * activations.hidden1[row + j]
                            dh1[j] += p[w + j] * d
                        }
                    }
                    let a = agents[sample], g = cellCount + goals[sample]
                    for j in 0..<h where activations.hidden1[row + j] > 0 {
                        grad[off.b0 + j] += dh1[j]
                        grad[off.w0 + j * n + a] += dh1[j]
                        grad[off.w0 + j * n + g] += dh1[j]
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
