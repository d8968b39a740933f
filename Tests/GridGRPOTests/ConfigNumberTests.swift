import Testing
import Yams
@testable import GridGRPO

/// `ConfigNumber.configValue(of:)` reads plain decimals with Swift's own
/// parser and everything else with Yams: on every text, the value must be
/// the one Yams' `construct(from:)` gives (Yams is the reference here).
@Suite("ConfigNumber: a config number is read as Yams reads it")
struct ConfigNumberTests {
    static let texts = [
        "0", "-0", "+0", "00", "7", "+7", "-7", "42", "010", "08", "0x1F", "0X1F", "0o17", "0b101", "-0x10", "1_000", "1__0", "_1",
        "1:30", "-1:30", "1:30.5", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551615",
        "18446744073709551616", "99999999999999999999", "", "-", "+", "+-1", "1-", " 1", "1 ", "1e3", "1E3", "1.5", ".5", "-.5",
        "+.5", "5.", "1e", "e5", "1e+5", "1e-5", "1.5.5", "0.001", "3e-4", "1e400", "-1e400", "1e-400", ".inf", "+.inf", "-.inf",
        ".Inf", ".INF", ".nan", ".NaN", "inf", "nan", "infinity", "0.1_5", "1,000", "٣", "1.0e0", "+0.0", "-0.0", "0e0",
    ]

    @Test func integersAsYamsReadsThem() {
        for text in Self.texts {
            let scalar = Node.Scalar(text)
            #expect(Int.configValue(of: scalar) == Int.construct(from: scalar), "Int \(text)")
            #expect(UInt64.configValue(of: scalar) == UInt64.construct(from: scalar), "UInt64 \(text)")
        }
    }

    @Test func doublesAsYamsReadsThem() {
        for text in Self.texts {
            let scalar = Node.Scalar(text)
            let ours = Double.configValue(of: scalar), reference = Double.construct(from: scalar)
            #expect(ours?.bitPattern == reference?.bitPattern || (ours?.isNaN == true && reference?.isNaN == true), "Double \(text)")
        }
    }

    /// A quoted scalar is text, not a number, whatever it spells.
    @Test func quotedScalarsAreNotNumbers() {
        for text in ["7", "1.5", "0x1F"] {
            for style in [Node.Scalar.Style.singleQuoted, .doubleQuoted, .literal, .folded] {
                let scalar = Node.Scalar(text, Tag(.implicit), style)
                #expect(Int.configValue(of: scalar) == nil && Double.configValue(of: scalar) == nil, "\(style) \(text)")
            }
        }
    }
}
