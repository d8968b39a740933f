import Glibc

extension String {
    /// printf-style text from the C library (`vsnprintf`; the process stays
    /// in the "C" locale, so `.` is the decimal point): the same text as
    /// Foundation's `String(format:)` for the formats used here (`%.3f`,
    /// `%-8.3f`, `%+.1f`, `%.4g`, `%03ld`, …; `CFormatTests` compares them),
    /// without instantiating Foundation's formatting machinery in every stage
    /// process (README "Speed"). Swift's `Int` takes `%ld`.
    init(cFormat format: String, _ arguments: CVarArg...) {
        var buffer = [CChar](repeating: 0, count: 128)
        var length = withVaList(arguments) { vsnprintf(&buffer, buffer.count, format, $0) }
        if length >= buffer.count {
            buffer = [CChar](repeating: 0, count: Int(length) + 1)
            length = withVaList(arguments) { vsnprintf(&buffer, buffer.count, format, $0) }
        }
        self = length > 0 ? String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    }
}
