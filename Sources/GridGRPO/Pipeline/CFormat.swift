import CFormat
import Glibc

extension String {
    /// printf-style text from the C library (`vsnprintf`; the process stays
    /// in the "C" locale, so `.` is the decimal point): the same text as
    /// Foundation's `String(format:)` for the formats used here (`%.3f`,
    /// `%-8.3f`, `%+.1f`, `%.4g`, `%03ld`, …; `CFormatTests` compares them),
    /// without instantiating Foundation's formatting machinery in every stage
    /// process (README "Speed"). Swift's `Int` takes `%ld`.
    init(cFormat format: String, _ arguments: CVarArg...) {
        self.init(printing: { buffer, size in withVaList(arguments) { vsnprintf(buffer, size, format, $0) } })
    }

    /// `init(cFormat:_:)` when every argument is a `Double` (the overload
    /// Swift picks then): up to four are passed to `snprintf` by C itself
    /// (`gg_format_doubles`), where Swift's `CVarArg` list would look up a
    /// protocol conformance per argument type on first use; more go the
    /// `CVarArg` way.
    init(cFormat format: String, _ values: Double...) {
        guard values.count <= Int(GG_FORMAT_MAX_DOUBLES) else {
            self.init(printing: { buffer, size in withVaList(values) { vsnprintf(buffer, size, format, $0) } })
            return
        }
        self.init(printing: { buffer, size in
            values.withUnsafeBufferPointer { gg_format_doubles(buffer, size, format, $0.baseAddress, Int32($0.count)) }
        })
    }

    /// The text `print(buffer, size)` writes (snprintf's contract: the
    /// length it needed, negative on error), retried once with room for all.
    private init(printing print: (UnsafeMutablePointer<CChar>, Int) -> Int32) {
        var buffer = [CChar](repeating: 0, count: 128)
        var length = print(&buffer, buffer.count)
        if length >= buffer.count {
            buffer = [CChar](repeating: 0, count: Int(length) + 1)
            length = print(&buffer, buffer.count)
        }
        self = length > 0 ? String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    }
}
