import Foundation
import Testing
@testable import GridGRPO

/// `JSONText` writes by hand the bytes Foundation's `JSONEncoder` (sorted
/// keys) writes, the form the canonical JSON was fixed in. `JSONEncoder` is
/// the independent reference here: numbers, strings and key order are
/// compared on values no test picked by hand as well as on the edge cases.
/// (The whole configs' bytes: `ConfigCanonicalJSONTests`, from fixtures.)
@Suite("JSONText: JSONEncoder's bytes, written by hand")
struct JSONTextTests {
    func encoded<T: Encodable>(_ value: T, escapingSlashes: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = escapingSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// `[x]` by JSONEncoder, without the brackets.
    func encodedElement<T: Encodable>(_ value: T, escapingSlashes: Bool = true) throws -> String {
        String(try encoded([value], escapingSlashes: escapingSlashes).dropFirst().dropLast())
    }

    @Test func doublesAsJSONEncoderWritesThem() throws {
        var random = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 1, -1, 0.5, 0.1, 0.002, 1e-8, 1e-12, 1.0e-9, 0.999999999, 0.3333333333333333, 100_000,
                                1e15, 1e16, 1e17, 123456789012345678, 9007199254740993, 1e300, -1e-300,
                                Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude, .pi]
        for _ in 0..<2000 {
            // Every finite bit pattern is fair game, and so are short decimals.
            let bits = Double(bitPattern: random.next())
            if bits.isFinite { values.append(bits) }
            values.append(Double(Int.random(in: -100_000...100_000, using: &random)) / 1000)
            values.append(Double.random(in: 0...1, using: &random) * pow(10, Double(Int.random(in: -20...20, using: &random))))
        }
        for value in values {
            #expect(JSONText.double(value).text() == (try encodedElement(value)), "\(value)")
        }
    }

    @Test func integersAsJSONEncoderWritesThem() throws {
        for value in [0, 1, -1, Int.max, Int.min, 5, 100_000] {
            #expect(JSONText.integer(value).text() == (try encodedElement(value)))
        }
        for value in [UInt64(0), UInt64(Int64.max), UInt64.max] {
            #expect(JSONText.integer(value).text() == (try encodedElement(value)))
        }
    }

    @Test(arguments: [true, false])
    func stringsAsJSONEncoderWritesThem(escapingSlashes: Bool) throws {
        var random = SystemRandomNumberGenerator()
        let alphabet: [Character] = (0..<0x80).compactMap { Unicode.Scalar($0).map(Character.init) }
            + ["é", "×", "→", "…", "₀", "⁶", "\u{7F}", "\u{85}", "\u{2028}", "🙂", "\r\n"]
        var strings = ["", "/", "\\", "\"", "a/b", "\u{0}", "\u{1F}", "\t\n\r\u{8}\u{C}", "iter-0001/weights.h5", "x × y → z"]
        for _ in 0..<500 {
            let length = Int.random(in: 0...40, using: &random)
            strings.append(String((0..<length).map { _ in alphabet.randomElement(using: &random) ?? "a" }))
        }
        for string in strings {
            #expect(JSONText.string(string).text(escapingSlashes: escapingSlashes) == (try encodedElement(string, escapingSlashes: escapingSlashes)),
                    "\(string.debugDescription)")
        }
    }

    /// Every key name the config has, at every level, and random ones: the
    /// same order as JSONEncoder's `.sortedKeys`.
    @Test func keysInJSONEncodersOrder() throws {
        func names(_ infos: [ConfigKeyInfo]) -> [String] { infos.flatMap { [$0.name] + names($0.keys) } }
        var keys = names(PipelineConfig.reference)
        #expect(keys.count > 50)
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("abcXYZ_019-./ é×")
        for _ in 0..<200 { keys.append(String((0..<Int.random(in: 1...8, using: &random)).map { _ in alphabet.randomElement(using: &random) ?? "a" })) }
        var dictionary: [String: Int] = [:]
        for (index, key) in keys.enumerated() { dictionary[key] = index }
        #expect(JSONText.object(dictionary.mapValues(JSONText.integer)).text() == (try encoded(dictionary)))
    }

    @Test func nestingBoolsAndArrays() throws {
        struct Mirror: Encodable {
            let flag: Bool
            let rows: [String]
            let inner: [String: Int]
            let empty: [String: Int]
        }
        let mirror = Mirror(flag: true, rows: ["..#", "~/."], inner: ["b": 2, "a": 1], empty: [:])
        let text = JSONText.object(["flag": .bool(true), "rows": .array([.string("..#"), .string("~/.")]),
                                    "inner": .object(["b": .integer(2), "a": .integer(1)]), "empty": .object([:])])
        #expect(text.text() == (try encoded(mirror)))
        #expect(JSONText.bool(false).text() == "false")
        #expect(JSONText.array([]).text() == "[]")
    }

    /// A stage record's line is the JSON its `Codable` form reads back, the
    /// bytes JSONEncoder wrote for it (sorted keys, slashes as they are).
    @Test func stageRecordLines() throws {
        let records = [StageRecord(stage: "update", iteration: 7, milliseconds: 23.456789, summary: "update     iter-0007  1603 steps × 4 epochs"),
                       StageRecord(stage: "plot figures", iteration: nil, milliseconds: 1, summary: "wrote figures/a.png \"quoted\"\t"),
                       StageRecord(stage: "evaluate", iteration: 0, milliseconds: 0.000123, summary: "")]
        for record in records {
            #expect(record.line == (try encoded(record, escapingSlashes: false)))
            #expect(try JSONDecoder().decode(StageRecord.self, from: Data(record.line.utf8)) == record)
        }
    }
}
