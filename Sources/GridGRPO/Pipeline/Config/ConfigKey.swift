import Foundation
import Yams

/// A section of the config: a struct whose stored properties hold the
/// defaults (`init()` is the all-defaults value, the one place a default is
/// written) and whose `keys` table declares each key once: its name in the
/// YAML, its property, what is allowed and what it means. The table drives
/// strict reading (`read(from:prefix:)`), the canonical JSON (`json`) and the
/// generated reference (`ConfigReference`, docs/config.md).
public protocol ConfigSection: Equatable, Sendable {
    init()
    static var keys: [ConfigKey<Self>] { get }
}

extension ConfigSection {
    /// The defaults with every key present in the mapping `node` read over
    /// them (`prefix`: the section's dotted path, "" at the top level). An
    /// unknown key, a wrong type or an out-of-range value is an error naming it.
    static func read(from node: Node, prefix: String) throws -> Self {
        let reader = try StrictReader(node, prefix: prefix, allowed: keys.map(\.name))
        var value = Self()
        for key in keys { try key.read(&value, reader) }
        return value
    }

    /// Every key of the table under its name (JSON keys are the YAML keys),
    /// but those left out at their default (`omittedAtDefault`).
    public var json: JSONText { json(keys: Self.keys) }

    /// The keys of `keys` (rows of this section's table) as a JSON object.
    func json(keys: [ConfigKey<Self>]) -> JSONText {
        var members: [String: JSONText] = [:]
        for key in keys {
            if let value = key.write(self) { members[key.name] = value }
        }
        return .object(members)
    }

    /// The table as the reference shows it, each default read from `Self()`.
    public static var reference: [ConfigKeyInfo] {
        let defaults = Self()
        return keys.map { $0.info(defaults) }
    }
}

/// One key of a config section: one row of its table.
public struct ConfigKey<Section: ConfigSection>: Sendable {
    public let name: String
    let read: @Sendable (inout Section, StrictReader) throws -> Void
    /// The key's value in the canonical JSON; nil leaves the key out.
    let write: @Sendable (Section) -> JSONText?
    /// The row of the reference, given the section holding the defaults.
    let info: @Sendable (Section) -> ConfigKeyInfo

    /// A number in `range`. `allowedNote` replaces the range in the reference
    /// when a cross-key rule narrows it (`PipelineConfig.rules`).
    ///
    /// `omittedAtDefault`: the canonical JSON leaves the key out while it
    /// holds its default. Only keys added after the canonical JSON was fixed
    /// (Tests/Fixtures/canonical-json) take it, so configs that do not use
    /// them keep the bytes, and the digests, they always had.
    public static func number<T: ConfigNumber>(_ name: String, _ path: WritableKeyPath<Section, T> & Sendable, in range: ClosedRange<T>,
                                               _ meaning: String, allowedNote: String? = nil, omittedAtDefault: Bool = false) -> Self {
        let allowed = allowedNote ?? "\(range.lowerBound.configText)…\(range.upperBound.configText)"
        return value(name, path, allowed: allowed, meaning: meaning, text: \.configText, json: \.configJSON,
                     omittedAtDefault: omittedAtDefault) { try $0.number(name, in: range) }
    }

    /// One of the names of `T`'s cases.
    public static func choice<T: RawRepresentable & CaseIterable & Sendable & Equatable>(
        _ name: String, _ path: WritableKeyPath<Section, T> & Sendable, _ meaning: String, omittedAtDefault: Bool = false
    ) -> Self where T.RawValue == String {
        let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
        return value(name, path, allowed: allowed, meaning: meaning, text: \.rawValue, json: { .string($0.rawValue) },
                     omittedAtDefault: omittedAtDefault) { try $0.choice(name) }
    }

    /// A grid map: a string of rows or a list of rows (`GridMap`), checked
    /// cell by cell when read. Left out of the canonical JSON when empty.
    public static func map(_ name: String, _ path: WritableKeyPath<Section, GridMap> & Sendable, _ meaning: String) -> Self {
        value(name, path, allowed: "N rows of N cells: . floor, # wall, ~ lava", meaning: meaning, text: \.summary,
              json: { .array($0.rows.map(JSONText.string)) }, omittedAtDefault: true) { try $0.map(name) }
    }

    /// true or false.
    public static func flag(_ name: String, _ path: WritableKeyPath<Section, Bool> & Sendable, _ meaning: String) -> Self {
        value(name, path, allowed: "true, false", meaning: meaning, text: \.description, json: JSONText.bool,
              read: { try $0.flag(name) })
    }

    /// A nested section, read by its own table. `omittedAtDefault`: the
    /// canonical JSON leaves the whole section out while every key of it is
    /// at its default (a section added later, so earlier configs keep their
    /// digests and their runs their bytes).
    public static func section<T: ConfigSection>(_ name: String, _ path: WritableKeyPath<Section, T> & Sendable, _ meaning: String,
                                                 omittedAtDefault: Bool = false) -> Self {
        ConfigKey(name: name,
                  read: { section, reader in
                      if let value: T = try reader.section(name) { section[keyPath: path] = value }
                  },
                  write: { section in
                      let value = section[keyPath: path]
                      return omittedAtDefault && value == T() ? nil : value.json
                  },
                  info: { defaults in
                      let nested = defaults[keyPath: path]
                      return ConfigKeyInfo(name: name, defaultValue: nil, allowed: "a section", meaning: meaning,
                                           keys: T.keys.map { $0.info(nested) })
                  })
    }

    /// A key holding one value; `read` returns nil when the key is absent,
    /// which leaves the default.
    private static func value<T: Sendable & Equatable>(
        _ name: String, _ path: WritableKeyPath<Section, T> & Sendable, allowed: String, meaning: String,
        text: KeyPath<T, String> & Sendable, json: @escaping @Sendable (T) -> JSONText, omittedAtDefault: Bool = false,
        read: @escaping @Sendable (StrictReader) throws -> T?
    ) -> Self {
        ConfigKey(name: name,
                  read: { section, reader in
                      if let value = try read(reader) { section[keyPath: path] = value }
                  },
                  write: { section in
                      let value = section[keyPath: path]
                      return omittedAtDefault && value == Section()[keyPath: path] ? nil : json(value)
                  },
                  info: { defaults in
                      ConfigKeyInfo(name: name, defaultValue: defaults[keyPath: path][keyPath: text], allowed: allowed,
                                    meaning: meaning, keys: [])
                  })
    }
}

/// A key as the reference shows it.
public struct ConfigKeyInfo: Sendable, Equatable {
    public let name: String
    /// The default as written in YAML; nil for a section.
    public let defaultValue: String?
    public let allowed: String
    public let meaning: String
    /// A section's keys; empty for a value.
    public let keys: [ConfigKeyInfo]
}

/// A number type a config key can hold.
public protocol ConfigNumber: Codable, Comparable, Sendable, LosslessStringConvertible, ScalarConstructible {
    /// How the type is named in a wrong-type error ("a number", "a whole number").
    static var configKind: String { get }
    /// How the reference writes a value: `1e-8` rather than `1e-08`, `2⁶³−1`.
    var configText: String { get }
    /// The value in the canonical JSON.
    var configJSON: JSONText { get }
    /// Whether Swift's own parser reads `text` as Yams would: then
    /// `configValue(of:)` skips Yams (see there).
    static func isPlain(_ text: Substring.UTF8View) -> Bool
}

extension ConfigNumber {
    /// A plain scalar's value as YAML 1.1 reads it (Yams'
    /// `construct(from:)`): nil for a quoted scalar or text that is not a
    /// number of this type. Text `isPlain` accepts is read by Swift's parser
    /// directly, which is what Yams calls on it after its rewriting, which
    /// such text never triggers (no `_`, no `:`, no `0x`/`0o`/`0b`/leading-0
    /// radix prefix, no `.inf`/`.nan`); Yams' rewriting goes through
    /// Foundation's `replacingOccurrences`, 0.09 ms of every stage's start.
    /// Everything else (`1_000`, `0x1F`, `1:30`, `.inf`) goes to Yams.
    static func configValue(of scalar: Node.Scalar) -> Self? {
        guard scalar.style == .plain || scalar.style == .any else { return nil }
        let text = scalar.string
        return isPlain(Substring(text).utf8) ? Self(text) : construct(from: scalar)
    }
}

extension ConfigNumber where Self: FixedWidthInteger {
    /// "0", or an optional sign and digits without a leading zero.
    public static func isPlain(_ text: Substring.UTF8View) -> Bool {
        if text.elementsEqual("0".utf8) { return true }
        let digits = text.first == UInt8(ascii: "-") || text.first == UInt8(ascii: "+") ? text.dropFirst() : text
        guard let first = digits.first, first != UInt8(ascii: "0") else { return false }
        return digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}

extension Int: ConfigNumber {
    public static var configKind: String { "a whole number" }
    public var configText: String { String(self) }
    public var configJSON: JSONText { .integer(self) }
}

extension UInt64: ConfigNumber {
    public static var configKind: String { "a whole number" }
    public var configText: String { self == UInt64(Int64.max) ? "2⁶³−1" : String(self) }
    public var configJSON: JSONText { .integer(self) }
}

extension Double: ConfigNumber {
    public static var configKind: String { "a number" }
    /// Digits, signs, `.`, `e` and `E` only.
    public static func isPlain(_ text: Substring.UTF8View) -> Bool {
        !text.isEmpty && text.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "e"), UInt8(ascii: "E"): true
            default: false
            }
        }
    }
    public var configJSON: JSONText { .double(self) }
    public var configText: String {
        if self == rounded(), abs(self) < 1e15 { return String(Int64(self)) }
        if self != 0, abs(self) < 1e-3 {
            let exponent = Int(floor(log10(abs(self))))
            let mantissa = self / pow(10, Double(exponent))
            if abs(mantissa - mantissa.rounded()) < 1e-9 { return "\(Int64(mantissa.rounded()))e\(exponent)" }
        }
        return description
    }
}
