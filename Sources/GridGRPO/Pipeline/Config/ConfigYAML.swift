import Yams

/// A config's YAML as a node tree, without regular expressions.
///
/// Yams' default resolver tags every plain scalar by matching it against
/// regular expressions, and the first regular expression of a process starts
/// ICU's regex engine: about 1.2 ms of every stage process, a tenth of a 3×3
/// `evaluate` (perf, README "Speed"). The strict reader needs no tags: it
/// reads each scalar as the key's type asks, numbers by Yams' scalar
/// constructors (which look at the style, plain, not the tag) and booleans
/// here, as Yams' default rule would (YAML 1.1).
///
/// Merge keys (`<<`) are not expanded: a config that writes one gets
/// "unknown key '<<'" from the strict reader.
enum ConfigYAML {
    static let booleans: [String: Bool] = [
        "true": true, "True": true, "TRUE": true, "yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
        "false": false, "False": false, "FALSE": false, "no": false, "No": false, "NO": false, "off": false, "Off": false, "OFF": false,
    ]

    /// The document of `text`, or nil for an empty one; throws Yams' parse
    /// errors. Tags are not resolved (`.basic`: the readers type each value
    /// themselves) and nothing is constructed (an empty `Constructor`: Yams'
    /// default one builds its tables of every YAML type first). The encoding
    /// is named rather than Yams' `.default`, which reads the environment
    /// variable YAMS_DEFAULT_ENCODING and prints a line when it is set: the
    /// config's meaning does not depend on the environment.
    static func compose(_ text: String) throws -> Node? {
        try Yams.compose(yaml: text, .basic, Constructor([:], [:], [:]), .utf8)
    }

    /// A plain scalar's boolean; nil for any other text or a quoted scalar.
    static func boolean(_ scalar: Node.Scalar) -> Bool? {
        guard scalar.style == .plain || scalar.style == .any else { return nil }
        return booleans[scalar.string]
    }
}
