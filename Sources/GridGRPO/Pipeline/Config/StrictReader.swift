import Foundation

/// A mapping of a config, read strictly: a key outside the section's table, a
/// wrong type, a non-finite or out-of-range number is an error whose message
/// names the dotted key and what is allowed. Each reading function returns nil
/// for an absent key, which keeps the default. Works on any `Decoder` (Yams'
/// YAML, Foundation's JSON of a recorded config).
struct StrictReader {
    let container: KeyedDecodingContainer<ConfigCodingKey>
    /// The dotted path of the section, "" at the top level.
    let prefix: String

    init(_ decoder: Decoder, allowed: [String]) throws {
        prefix = decoder.codingPath.map(\.stringValue).joined(separator: ".")
        let section = prefix.isEmpty ? "the top level" : "section '\(prefix)'"
        do {
            container = try decoder.container(keyedBy: ConfigCodingKey.self)
        } catch {
            throw GridGRPOError("\(section) must be a mapping of keys to values")
        }
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            throw GridGRPOError("unknown key '\(Self.path(prefix, key.stringValue))' (allowed in \(section): \(allowed.joined(separator: ", ")))")
        }
    }

    static func path(_ prefix: String, _ key: String) -> String {
        prefix.isEmpty ? key : "\(prefix).\(key)"
    }

    func name(_ key: String) -> String { Self.path(prefix, key) }

    func number<T: ConfigNumber>(_ key: String, in range: ClosedRange<T>) throws -> T? {
        let codingKey = ConfigCodingKey(key)
        guard container.contains(codingKey) else { return nil }
        let value: T
        do {
            value = try container.decode(T.self, forKey: codingKey)
        } catch {
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
        let codingKey = ConfigCodingKey(key)
        guard container.contains(codingKey) else { return nil }
        let raw = try? container.decode(String.self, forKey: codingKey)
        guard let raw, let value = T(rawValue: raw) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw GridGRPOError("key '\(name(key))' is \(raw.map { "'\($0)'" } ?? "not a name") (allowed: \(allowed))")
        }
        return value
    }

    func flag(_ key: String) throws -> Bool? {
        let codingKey = ConfigCodingKey(key)
        guard container.contains(codingKey) else { return nil }
        guard let value = try? container.decode(Bool.self, forKey: codingKey) else {
            throw GridGRPOError("key '\(name(key))' must be true or false")
        }
        return value
    }

    /// A grid map: one string of rows or a list of strings, one per row.
    func map(_ key: String) throws -> GridMap? {
        let codingKey = ConfigCodingKey(key)
        guard container.contains(codingKey) else { return nil }
        let lines: [String]
        if let rows = try? container.decode([String].self, forKey: codingKey) {
            lines = rows
        } else if let text = try? container.decode(String.self, forKey: codingKey) {
            lines = [text]
        } else {
            throw GridGRPOError("key '\(name(key))' must be a string of rows or a list of strings, one per row ('.' floor, '#' wall, '~' lava)")
        }
        return try GridMap(lines: lines, key: name(key))
    }

    func section<T: Decodable>(_ key: String) throws -> T? {
        let codingKey = ConfigCodingKey(key)
        guard container.contains(codingKey) else { return nil }
        do {
            return try container.decode(T.self, forKey: codingKey)
        } catch let error as GridGRPOError {
            throw error
        } catch {
            throw GridGRPOError("section '\(name(key))' must be a mapping of keys to values")
        }
    }

    /// A decoding error the reader did not turn into a message itself.
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "key '\(path)': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
