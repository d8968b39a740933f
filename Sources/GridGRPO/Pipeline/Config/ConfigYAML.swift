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

    /// The document of `text`, or nil for an empty one; throws Yams' parse errors.
    static func compose(_ text: String) throws -> Node? {
        try Yams.compose(yaml: text, .basic)
    }

    /// A plain scalar's boolean; nil for any other text or a quoted scalar.
    static func boolean(_ scalar: Node.Scalar) -> Bool? {
        guard scalar.style == .plain || scalar.style == .any else { return nil }
        return booleans[scalar.string]
    }
}
