/// A JSON value written by hand in the one form this project's JSON lines
/// take: the config's canonical JSON (whose bytes every artifact's config
/// digest covers) and the stage records of `stages.jsonl`. The bytes are
/// Foundation's `JSONEncoder` with `.sortedKeys`, the form the canonical JSON
/// was fixed in (Tests/Fixtures/canonical-json), without its cost at a
/// stage's start (its generic machinery is instantiated on first use:
/// README "Speed"). `JSONTextTests` compares both on every config key and on
/// random numbers and strings.
///
/// - Object keys sorted by their UTF-8 bytes; no spaces or newlines.
/// - A whole number in decimal; a `Double` as its shortest round-trip
///   `description` with a trailing `.0` dropped (`1`, `0.002`, `1e-08`).
///   Finite values only: the config's ranges and a stage's timing hold no other.
/// - Strings: `"` and `\` escaped, `/` as `\/` unless `escapingSlashes` is
///   false, U+0008, U+0009, U+000A, U+000C, U+000D as `\b \t \n \f \r`, other
///   characters below U+0020 as `\u00XX` (lower-case hex); everything else as is, in UTF-8.
public indirect enum JSONText: Equatable, Sendable {
    case number(String)
    case string(String)
    case bool(Bool)
    case array([JSONText])
    case object([String: JSONText])

    public static func integer(_ value: some BinaryInteger) -> JSONText { .number(String(value)) }

    public static func double(_ value: Double) -> JSONText {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return .number(text)
    }

    /// The value's bytes as text.
    public func text(escapingSlashes: Bool = true) -> String {
        var bytes: [UInt8] = []
        write(to: &bytes, escapingSlashes: escapingSlashes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private func write(to out: inout [UInt8], escapingSlashes: Bool) {
        switch self {
        case .number(let text):
            out.append(contentsOf: text.utf8)
        case .string(let text):
            Self.write(string: text, to: &out, escapingSlashes: escapingSlashes)
        case .bool(let value):
            out.append(contentsOf: (value ? "true" : "false").utf8)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.write(to: &out, escapingSlashes: escapingSlashes)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (index, member) in sorted.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.write(string: member.key, to: &out, escapingSlashes: escapingSlashes)
                out.append(UInt8(ascii: ":"))
                member.value.write(to: &out, escapingSlashes: escapingSlashes)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func write(string: String, to out: inout [UInt8], escapingSlashes: Bool) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), byte])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), byte])
            case UInt8(ascii: "/") where escapingSlashes: out.append(contentsOf: [UInt8(ascii: "\\"), byte])
            case 0x08: out.append(contentsOf: Array("\\b".utf8))
            case 0x09: out.append(contentsOf: Array("\\t".utf8))
            case 0x0A: out.append(contentsOf: Array("\\n".utf8))
            case 0x0C: out.append(contentsOf: Array("\\f".utf8))
            case 0x0D: out.append(contentsOf: Array("\\r".utf8))
            case 0..<0x20: out.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
