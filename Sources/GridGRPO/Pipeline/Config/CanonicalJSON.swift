/// The canonical form of a config: JSON with sorted keys, named as in the
/// YAML (`JSONText` says how each value is written). Its bytes are SHA-256'd
/// into every artifact, so they depend only on the values (not on comments,
/// formatting or key order in the file).
extension PipelineConfig {
    /// Every value but `threads` (which changes no result). Its SHA-256 is
    /// the config digest the figures record, and it is the plot stage's stamp.
    public var canonicalJSON: String {
        canonicalJSON(keys: Set(Section.allCases.map(\.rawValue) + ["iterations"]))
    }

    public var digest: String { SHA256.hex(Array(canonicalJSON.utf8)) }

    /// The values of `sections` as canonical JSON, the content of a stage's
    /// parameter stamp `params/STAGE.json` and the `config` its artifacts
    /// record: a value outside them changes neither.
    public func parametersJSON(_ sections: [Section]) -> String {
        canonicalJSON(keys: Set(sections.map(\.rawValue)))
    }

    private func canonicalJSON(keys names: Set<String>) -> String {
        json(keys: Self.keys.filter { names.contains($0.name) }).text()
    }
}
