/// One run of a stage: the config it reads, the iteration, its input files by
/// role, where it writes. The make rules, `make bench`, the tests and the
/// executables' argument parsing all build it the same way, from the registry.
public struct StageInvocation: Sendable, Equatable {
    public var stage: Stage
    public var configPath: String
    public var iteration: Int
    /// Input files in the registry's order.
    public var inputs: [Input]
    public var output: String
    /// Worker threads (`--threads`); nil = the config's `threads`.
    public var threads: Int?
    /// Where to append the stage's timing record (`--record`), if anywhere.
    public var record: String?
    /// `label --interactive`: a person answers in the terminal.
    public var interactive = false

    public struct Input: Sendable, Equatable {
        public var role: InputRole
        public var path: String
        public init(_ role: InputRole, _ path: String) {
            self.role = role
            self.path = path
        }
    }

    public init(stage: Stage, configPath: String, iteration: Int, inputs: [Input], output: String,
                threads: Int? = nil, record: String? = nil) {
        self.stage = stage
        self.configPath = configPath
        self.iteration = iteration
        self.inputs = inputs
        self.output = output
        self.threads = threads
        self.record = record
    }

    /// `stage` at `iteration` of the run in `directory`, every input where the
    /// registry puts it (`iter-NNNN/FILE` of the iteration it names). The
    /// config is `directory/config.yaml` unless given; the output is the
    /// stage's file in the iteration's folder unless given.
    public init(stage: Stage, iteration: Int, config: PipelineConfig, directory: String,
                configPath: String? = nil, output: String? = nil) {
        let inputs = stage.inputs(for: config).compactMap { input -> Input? in
            input.sourceIteration(at: iteration, config: config).map {
                Input(input.role, "\(directory)/\(input.relativePath(source: $0, algorithm: config.algorithm))")
            }
        }
        self.init(stage: stage, configPath: configPath ?? "\(directory)/config.yaml", iteration: iteration, inputs: inputs,
                  output: output ?? "\(directory)/\(StageGraph.iterationDirectory(iteration))/\(stage.output(for: config.algorithm))")
    }

    /// The path given for `role`, if any.
    public subscript(role: InputRole) -> String? {
        inputs.first { $0.role == role }?.path
    }

    /// The path given for `role`, which the stage needs.
    public func path(_ role: InputRole) throws -> String {
        guard let path = self[role] else {
            throw GridGRPOError("\(stage.executable)\(stage.selector.map { " " + $0 } ?? ""): missing \(role.flag) (\(role.help))")
        }
        return path
    }

    /// The executable's arguments, in the registry's order.
    public var arguments: [String] {
        var arguments = stage.selector.map { [$0] } ?? []
        arguments += ["--config", configPath]
        for input in inputs { arguments += [input.role.flag, input.path] }
        if stage.takesIteration { arguments += ["--iteration", String(iteration)] }
        if let threads { arguments += ["--threads", String(threads)] }
        if interactive { arguments.append("--interactive") }
        if let record { arguments += ["--record", record] }
        arguments += ["--output", output]
        return arguments
    }

    /// Runs the stage's body and returns its summary line.
    public func run() throws -> String {
        try Stages.run(self)
    }
}
