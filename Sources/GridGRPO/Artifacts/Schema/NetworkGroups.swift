/// The networks and Adam state in `weights.h5` and `best.h5`: one group per
/// network whose datasets are its `state_dict` tensors (`network.0.weight`,
/// … from `MLP.tensors`), and `torch.optim.Adam`'s moment names.
public enum NetworkLayout {
    public static let policy = "policy"
    /// The blog's method only.
    public static let value = "value"
    /// `weights.h5` only: `/adam/policy`, `/adam/value`.
    public static let adam = "adam"
    public static let firstMoment = "exp_avg"
    public static let secondMoment = "exp_avg_sq"
    /// On each `/adam/NETWORK` group.
    public static let adamStep = Attribute<Int64>("step")
}

extension ArtifactSchema {
    static func writeNetwork(_ network: MLP, to group: HDF5Group) throws {
        for tensor in network.tensors {
            try group.write(tensor.key, Array(network.parameters[tensor.range]), shape: tensor.shape)
        }
    }

    /// Reads one network's tensors with the shapes the config implies,
    /// checked before each is read; every weight finite and at most
    /// `ArtifactBounds.weightMagnitude` in magnitude.
    static func readNetwork(from root: HDF5Group, name: String, path: String, like template: MLP) throws -> MLP {
        let group = try root.openGroup(name)
        var network = template
        let limit = ArtifactBounds.weightMagnitude
        for tensor in template.tensors {
            let values = try group.read(tensor.key, as: Float.self, shape: tensor.shape) { shape in
                GridGRPOError("\(path): /\(name)/\(tensor.key) has shape \(shape), but the config (grid_size, hidden_size) needs \(tensor.shape)")
            }
            try DomainCheck(path: path).values(values, in: -limit...limit, "/\(name)/\(tensor.key)", "weights")
            network.parameters.replaceSubrange(tensor.range, with: values)
        }
        return network
    }

    static func writeAdam(_ adam: Adam, network: MLP, to group: HDF5Group) throws {
        try group.setAttribute(NetworkLayout.adamStep, Int64(adam.step))
        let firstMoment = try group.createGroup(NetworkLayout.firstMoment)
        let secondMoment = try group.createGroup(NetworkLayout.secondMoment)
        for tensor in network.tensors {
            try firstMoment.write(tensor.key, Array(adam.firstMoment[tensor.range]), shape: tensor.shape)
            try secondMoment.write(tensor.key, Array(adam.secondMoment[tensor.range]), shape: tensor.shape)
        }
    }

    /// Reads Adam's state for `network`: a step count ≥ 0, moments of the
    /// network's shapes, finite and bounded, second moments ≥ 0.
    static func readAdam(from group: HDF5Group, path: String, network: MLP) throws -> Adam {
        var adam = Adam(parameterCount: network.parameters.count)
        let check = DomainCheck(path: path)
        adam.step = try check.count(try group.attribute(NetworkLayout.adamStep), in: 0...Int(Int32.max), "\(group.pathInFile)@\(NetworkLayout.adamStep.name)")
        let firstMoment = try group.openGroup(NetworkLayout.firstMoment)
        let secondMoment = try group.openGroup(NetworkLayout.secondMoment)
        let limit = ArtifactBounds.momentMagnitude
        for tensor in network.tensors {
            let m = try firstMoment.read(tensor.key, as: Float.self, shape: tensor.shape)
            try check.values(m, in: -limit...limit, "\(firstMoment.pathInFile)/\(tensor.key)", "Adam first moments")
            let v = try secondMoment.read(tensor.key, as: Float.self, shape: tensor.shape)
            try check.values(v, in: 0...(limit * limit), "\(secondMoment.pathInFile)/\(tensor.key)", "Adam second moments (≥ 0)")
            adam.firstMoment.replaceSubrange(tensor.range, with: m)
            adam.secondMoment.replaceSubrange(tensor.range, with: v)
        }
        return adam
    }

    /// The template network shapes a config implies (a value network only for
    /// the blog's method).
    public static func templateAgent(_ config: PipelineConfig) -> Agent {
        let world = config.world
        let policy = MLP(inputSize: world.observationSize, hiddenSize: config.network.hiddenSize, outputSize: GridWorld.actionCount)
        let value = MLP(inputSize: world.observationSize, hiddenSize: config.network.hiddenSize, outputSize: 1)
        let withValue = config.algorithm == .preference
        return Agent(policy: policy, value: withValue ? value : nil, policyOptimizer: Adam(parameterCount: policy.parameters.count),
                     valueOptimizer: withValue ? Adam(parameterCount: value.parameters.count) : nil)
    }

    /// A file with a value network belongs to the blog's method, one without to GRPO.
    static func checkAlgorithm(_ root: HDF5Group, path: String, config: PipelineConfig) throws {
        let hasValue = root.contains(NetworkLayout.value)
        if config.algorithm == .preference && !hasValue {
            throw GridGRPOError("\(path): has no /\(NetworkLayout.value) network, but the config's algorithm is preference (a GRPO run's weights?)")
        }
        if config.algorithm == .grpo && hasValue {
            throw GridGRPOError("\(path): has a /\(NetworkLayout.value) network, but the config's algorithm is grpo (the blog's method's weights?)")
        }
    }
}
