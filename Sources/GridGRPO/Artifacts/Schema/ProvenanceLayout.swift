/// The provenance attributes on the root group of every artifact
/// (`Provenance` writes and reads them; `inspect` sets them apart from a
/// file's own attributes).
public enum ProvenanceLayout {
    public static let schema = Attribute<String>("schema")
    public static let schemaVersion = Attribute<Int64>("schema_version")
    public static let stage = Attribute<String>("stage")
    public static let iteration = Attribute<Int64>("iteration")
    public static let seed = Attribute<Int64>("seed")
    public static let configDigest = Attribute<String>("config_digest")
    public static let config = Attribute<String>("config")
    /// The comma-separated roles of the inputs.
    public static let inputs = Attribute<String>("inputs")
    /// Every per-input attribute starts with this.
    public static let inputPrefix = "input."
    /// The input of a role: its name relative to the run directory.
    public static func input(_ role: String) -> Attribute<String> { Attribute(inputPrefix + role) }
    /// The SHA-256 of that input's bytes when it was read.
    public static func inputDigest(_ role: String) -> Attribute<String> { Attribute(inputPrefix + role + ".sha256") }

    /// The attributes of every file apart from the per-input ones.
    public static let fixed: [String] = [schema.name, schemaVersion.name, stage.name, iteration.name, seed.name,
                                         configDigest.name, config.name, inputs.name]

    public static let layout = ArtifactLayout(file: "every file", groups: [], datasets: [],
                                              attributes: fixed + [input("ROLE").name, inputDigest("ROLE").name])
}
