import Foundation

/// The attributes on the root group of every artifact: what the file is, which
/// stage made it from which config, and the digests of the files it read.
/// `docs/artifacts.md` lists them.
public struct Provenance: Equatable, Sendable {
    /// One input file: its role for the stage, its name relative to the run
    /// directory (`iter-0003/weights.h5`) and the SHA-256 of its bytes.
    public struct Input: Equatable, Sendable {
        public var role: String
        public var name: String
        public var sha256: String

        /// Describes an input file by role, hashing its bytes. The recorded name is
        /// relative to the run directory (`iter-0003/weights.h5`, `config.yaml`),
        /// so runs in different directories record the same bytes.
        public static func input(_ role: String, path: String) throws -> Input {
            let components = path.split(separator: "/").map(String.init)
            var name = components.last ?? path
            if components.count >= 2, components[components.count - 2].hasPrefix("iter-") || components[components.count - 2] == "hand" {
                name = components[components.count - 2] + "/" + name
            }
            return Input(role: role, name: name, sha256: try SHA256.hex(ofFile: path))
        }

        /// An input a stage reads in `role` (the registry's name for it).
        public static func input(_ role: InputRole, path: String) throws -> Input {
            try input(role.rawValue, path: path)
        }
    }

    public var schema: ArtifactKind
    public var stage: String
    public var iteration: Int
    public var seed: UInt64
    public var configDigest: String
    public var configJSON: String
    public var inputs: [Input]

    /// The provenance of an artifact `stage` makes from `config` and the input
    /// files `inputs`. The config it records is only the sections the stage
    /// reads (`Stage.sections`), listed first among the inputs as the
    /// stage's parameter stamp `params/STAGE.json`, whose bytes they are.
    public init(schema: ArtifactKind, stage: Stage, iteration: Int, config: PipelineConfig, inputs: [Input]) {
        self.schema = schema
        self.stage = stage.rawValue
        self.iteration = iteration
        self.seed = config.seed
        self.configJSON = StageGraph.parametersJSON(stage: stage, config: config)
        self.configDigest = SHA256.hex(Array(configJSON.utf8))
        let stamp = Input(role: "params", name: StageGraph.stampFile(stage), sha256: configDigest)
        self.inputs = [stamp] + inputs
    }

    /// Provenance exactly as a file records it.
    private init(schema: ArtifactKind, stage: String, iteration: Int, seed: UInt64, configDigest: String,
                 configJSON: String, inputs: [Input]) {
        self.schema = schema
        self.stage = stage
        self.iteration = iteration
        self.seed = seed
        self.configDigest = configDigest
        self.configJSON = configJSON
        self.inputs = inputs
    }

    func write(to root: HDF5Group) throws {
        typealias L = ProvenanceLayout
        try root.setAttribute(L.schema, schema.schemaName)
        try root.setAttribute(L.schemaVersion, Int64(ArtifactKind.version))
        try root.setAttribute(L.stage, stage)
        try root.setAttribute(L.iteration, Int64(iteration))
        try root.setAttribute(L.seed, Int64(bitPattern: seed))
        try root.setAttribute(L.configDigest, "sha256:" + configDigest)
        try root.setAttribute(L.config, configJSON)
        try root.setAttribute(L.inputs, inputs.map(\.role).joined(separator: ","))
        for input in inputs {
            try root.setAttribute(L.input(input.role), input.name)
            try root.setAttribute(L.inputDigest(input.role), input.sha256)
        }
    }

    /// Reads and checks the provenance of a file that must be of `kind`.
    static func read(from root: HDF5Group, path: String, expecting kind: ArtifactKind) throws -> Provenance {
        typealias L = ProvenanceLayout
        guard root.hasAttribute(L.schema.name) else {
            throw GridGRPOError("\(path): not a GridGRPO artifact (no '\(L.schema.name)' attribute)")
        }
        let schema = try root.attribute(L.schema)
        guard schema == kind.schemaName else {
            throw GridGRPOError("\(path): is a '\(schema)' file, expected '\(kind.schemaName)'")
        }
        let version = try root.attribute(L.schemaVersion)
        guard version == Int64(ArtifactKind.version) else {
            throw GridGRPOError("\(path): schema version \(version), this build reads version \(ArtifactKind.version)")
        }
        let roles = try root.attribute(L.inputs).split(separator: ",").map(String.init)
        let inputs = try roles.map {
            Input(role: $0, name: try root.attribute(L.input($0)), sha256: try root.attribute(L.inputDigest($0)))
        }
        return Provenance(schema: kind, stage: try root.attribute(L.stage),
                          iteration: Int(try root.attribute(L.iteration)),
                          seed: UInt64(bitPattern: try root.attribute(L.seed)),
                          configDigest: String(try root.attribute(L.configDigest).dropFirst("sha256:".count)),
                          configJSON: try root.attribute(L.config), inputs: inputs)
    }
}

/// The artifact kinds of a run, one HDF5 schema each.
public enum ArtifactKind: String, CaseIterable, Sendable {
    case rollout, pairs, groups, weights, evaluation, best, labels, reward

    /// Bumped whenever a dataset or attribute changes meaning or layout.
    public static let version = 2

    public var schemaName: String { "gridgrpo.\(rawValue)" }
}
