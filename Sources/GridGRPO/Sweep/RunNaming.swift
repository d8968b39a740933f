/// How a sweep's run directories are named: readable from the values, and
/// only with the characters the Makefile passes to the shell (letters,
/// digits and `. _ - / +`).
///
/// A setting's directory is its path components joined by `/`:
/// - its label, if it has one; otherwise the stem of its own config file
///   (when it names one other than the sweep's base) followed by one
///   `key-value` component per value it sets;
/// - then one `key-value` component per axis, in the file's order.
///
/// `key` is the last part of the dotted config key (`pairs` for
/// `rollout.pairs`) when no other key the sweep names ends the same way,
/// else the whole dotted key (`update.clip_epsilon`). A value keeps its YAML
/// spelling (`0.003`, `1.0e-8`, `grpo`), any other character replaced by `_`.
/// A setting with no component is `base`. Each run is `SETTING/seed-N`.
public enum RunNaming {
    /// Characters of a sweep's name and of a label.
    public static func isNameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "._-".contains(character))
    }

    /// Characters make accepts in a path component (no `/`).
    public static func isPathCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "._-+".contains(character))
    }

    /// A whole path make accepts (the Makefile's `check-path`).
    public static func isSafePath(_ path: String) -> Bool {
        !path.isEmpty && path.allSatisfy { isPathCharacter($0) || $0 == "/" }
    }

    /// Components a setting may not use: they would read as a run's own files.
    public static func reservedReason(_ component: String) -> String? {
        if component == "." || component == ".." { return "is not a directory name" }
        if component.hasPrefix("seed-") { return "starts with 'seed-', which names the runs" }
        if component.hasPrefix("iter-") { return "starts with 'iter-', which names a run's iterations" }
        if ["params", "figures", "slurm"].contains(component) { return "is a name a run or a sweep uses for its own files" }
        return nil
    }

    /// `value` with every character make would refuse replaced by `_`.
    public static func sanitize(_ value: String) -> String {
        let cleaned = String(value.map { isPathCharacter($0) ? $0 : "_" })
        return cleaned.isEmpty ? "_" : cleaned
    }

    /// The short form of each key: its last part when that is unique among `keys`.
    public static func shortKeys(_ keys: [String]) -> [String: String] {
        var lastParts: [String: Set<String>] = [:]
        for key in Set(keys) { lastParts[String(key.split(separator: ".").last ?? Substring(key)), default: []].insert(key) }
        var result: [String: String] = [:]
        for key in keys {
            let last = String(key.split(separator: ".").last ?? Substring(key))
            result[key] = (lastParts[last]?.count ?? 0) > 1 ? key : last
        }
        return result
    }

    /// One `key-value` component.
    public static func component(key: String, value: String, short: [String: String]) -> String {
        "\(short[key] ?? key)-\(sanitize(value))"
    }

    /// The stem of a config file's name: `configs/grpo.yaml` → `grpo`.
    public static func stem(_ path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        for suffix in [".yaml", ".yml"] where file.hasSuffix(suffix) && file.count > suffix.count {
            return sanitize(String(file.dropLast(suffix.count)))
        }
        return sanitize(file)
    }

    /// A run's directory relative to the sweep's: `SETTING/seed-N`.
    public static func runPath(setting: String, seed: UInt64) -> String { "\(setting)/seed-\(seed)" }
}
