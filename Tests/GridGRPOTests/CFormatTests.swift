import Foundation
import Testing
@testable import GridGRPO

/// `String(cFormat:)` (the C library's vsnprintf) replaced Foundation's
/// `String(format:)` in the library's messages and summaries; Foundation's
/// is the reference here, on every format the library uses and on values no
/// test picked by hand (every finite bit pattern, negative zero, NaN, ±∞).
@Suite("CFormat: the C library's printf, the text of Foundation's String(format:)")
struct CFormatTests {
    /// Each format with how many Doubles it takes.
    static let doubleFormats: [(String, Int)] = [
        ("%.0f", 1), ("%.1f", 1), ("%.2f", 1), ("%.3f", 1), ("%.4f", 1), ("%.4g", 1), ("%+.1f", 1), ("%-8.3f", 1), ("%-7.3f", 1),
        ("%.1f%%", 1), ("  (%.0f ms)", 1), ("  (reward %+.1f, log π %.3f, return-to-go %.3f)", 3), ("%.2f [%.2f, %.2f]", 3),
        ("%-8.3f %-8.3f %-7.3f ", 3),
    ]

    @Test func doublesAsFoundationWritesThem() {
        var random = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.0005, 0.00049999, 1e-300, 1e300, .pi, 1.0 / 3,
                                .nan, .infinity, -.infinity, 99.95, 999.5, 12345.678]
        for _ in 0..<500 {
            let bits = Double(bitPattern: random.next())
            if bits.isFinite && abs(bits) < 1e30 { values.append(bits) }
            values.append(Double(Int.random(in: -1_000_000...1_000_000, using: &random)) / 1000)
            values.append(Double.random(in: -1...1, using: &random) * pow(10, Double(Int.random(in: -8...8, using: &random))))
        }
        for (format, count) in Self.doubleFormats {
            for value in values {
                let arguments = [CVarArg](repeating: value, count: count)
                let expected = String(format: format, arguments: arguments)
                #expect(String(cFormat: format, arguments) == expected, "\(format) \(value)")
                #expect(String(cFormat: format, doubles: [Double](repeating: value, count: count)) == expected, "\(format) \(value)")
            }
        }
    }

    @Test func floatsAndIntegers() {
        for value: Float in [0, 1.25, -3.5, 0.1, .greatestFiniteMagnitude] {
            #expect(String(cFormat: "%.3f", value) == String(format: "%.3f", value))
        }
        for value in [0, 7, 42, 999, 1000, 123_456_789_012, -5] {
            #expect(String(cFormat: "%03ld", value) == String(format: "%03ld", value))
        }
        #expect(String(cFormat: "%03ld", 7) == "007")
        let long = String(repeating: "x", count: 300)
        #expect(String(cFormat: long + "%.1f", 2.25) == long + "2.2")
        #expect(String(cFormat: long + "%.1f", 2.25 as CVarArg) == long + "2.2")
    }

    /// Past four Doubles the Double overload hands them to the CVarArg path.
    @Test func manyDoubles() {
        let five: [Double] = [1, 2.5, -3, 0.125, 1e-3]
        let format = "%.1f %.2f %.0f %.3f %g"
        #expect(String(cFormat: format, doubles: five) == String(format: format, arguments: five))
        #expect(String(cFormat: format, 1.0, 2.5, -3.0, 0.125, 1e-3) == "1.0 2.50 -3 0.125 0.001")
    }
}

private extension String {
    /// `String(cFormat:)`'s Double overload with the values as an array.
    init(cFormat format: String, doubles values: [Double]) {
        switch values.count {
        case 1: self.init(cFormat: format, values[0])
        case 2: self.init(cFormat: format, values[0], values[1])
        case 3: self.init(cFormat: format, values[0], values[1], values[2])
        case 4: self.init(cFormat: format, values[0], values[1], values[2], values[3])
        default: self.init(cFormat: format, values[0], values[1], values[2], values[3], values[4])
        }
    }

    /// `String(cFormat:)` with the arguments as an array, for the table above.
    init(cFormat format: String, _ arguments: [CVarArg]) {
        switch arguments.count {
        case 0: self.init(cFormat: format)
        case 1: self.init(cFormat: format, arguments[0])
        case 2: self.init(cFormat: format, arguments[0], arguments[1])
        default: self.init(cFormat: format, arguments[0], arguments[1], arguments[2])
        }
    }
}
