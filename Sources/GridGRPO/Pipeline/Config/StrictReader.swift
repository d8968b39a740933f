import Yams

/// A mapping of a config, read strictly: a key outside the section's table, a
/// wrong type, a non-finite or out-of-range number is an error whose message
/// names the dotted key and what is allowed. Each reading function returns nil
/// for an absent key, which keeps the default. Reads the node tree of
/// `ConfigYAML` (a config file, or the JSON a file records: JSON is YAML).
struct StrictReader {
    /// The mapping's values by key (keys are unique: the parser refuses duplicates).
    let values: [String: Node]
    /// The dotted path of the section, "" at the top level.
    let prefix: String

    init(_ node: Node, prefix: String, allowed: [String]) throws {
        self.prefix = prefix
        let section = prefix.isEmpty ? "the top level" : "section '\(prefix)'"
        guard let mapping = node.mapping else {
            throw GridGRPOError("\(section) must be a mapping of keys to values")
        }
        var values: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                throw GridGRPOError("\(section) has a key that is not a name")
            }
            guard allowed.contains(name) else {
                throw GridGRPOError("unknown key '\(Self.path(prefix, name))' (allowed in \(section): \(allowed.joined(separator: ", ")))")
            }
            values[name] = value
        }
        self.values = values
    }

    static func path(_ prefix: String, _ key: String) -> String {
        prefix.isEmpty ? key : "\(prefix).\(key)"
    }

    func name(_ key: String) -> String { Self.path(prefix, key) }

    func number<T: ConfigNumber>(_ key: String, in range: ClosedRange<T>) throws -> T? {
        guard let node = values[key] else { return nil }
        guard let scalar = node.scalar, let value = T.configValue(of: scalar) else {
            throw GridGRPOError("key '\(name(key))' must be \(T.configKind) in \(range.lowerBound)...\(range.upperBound)")
        }
        if let double = value as? Double, !double.isFinite {
            throw GridGRPOError("key '\(name(key))' must be finite")
        }
        guard range.contains(value) else {
            throw GridGRPOError("key '\(name(key))' is \(value), outside the allowed range \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    func choice<T: RawRepresentable & CaseIterable>(_ key: String) throws -> T? where T.RawValue == String {
        guard let node = values[key] else { return nil }
        let raw = node.scalar?.string
        guard let raw, let value = T(rawValue: raw) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw GridGRPOError("key '\(name(key))' is \(raw.map { "'\($0)'" } ?? "not a name") (allowed: \(allowed))")
        }
        return value
    }

    func flag(_ key: String) throws -> Bool? {
        guard let node = values[key] else { return nil }
        guard let scalar = node.scalar, let value = ConfigYAML.boolean(scalar) else {
            throw GridGRPOError("key '\(name(key))' must be true or false")
        }
        return value
    }

    /// A grid map: one string of rows or a list of strings, one per row.
    func map(_ key: String) throws -> GridMap? {
        guard let node = values[key] else { return nil }
        let lines: [String]
        if let rows = node.sequence?.map({ $0.scalar?.string }), !rows.contains(nil) {
            lines = rows.compactMap { $0 }
        } else if let text = node.scalar?.string {
            lines = [text]
        } else {
            throw GridGRPOError("key '\(name(key))' must be a string of rows or a list of strings, one per row ('.' floor, '#' wall, '~' lava)")
        }
        return try GridMap(lines: lines, key: name(key))
    }

    func section<T: ConfigSection>(_ key: String) throws -> T? {
        guard let node = values[key] else { return nil }
        return try T.read(from: node, prefix: name(key))
    }
}
