import Foundation

/// The tEXt chunks of a PNG (a figure's provenance), read without decoding
/// the image: chunk by chunk, each length checked against the file's size.
public enum PNGText {
    public static func read(path: String) throws -> [String: String] {
        try InputFile.checkRegular(path)
        guard let data = FileManager.default.contents(atPath: path) else { throw GridGRPOError("\(path): cannot read file") }
        return try text(of: data, path: path)
    }

    /// The tEXt chunks of a PNG already read (`path` names it in errors).
    public static func text(of data: Data, path: String) throws -> [String: String] {
        let bytes = [UInt8](data)
        let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else { throw GridGRPOError("\(path): not a PNG file") }
        var text: [String: String] = [:]
        var offset = 8
        while offset + 12 <= bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            let start = offset + 8
            guard length <= bytes.count - start - 4 else { throw GridGRPOError("\(path): truncated PNG chunk '\(type)'") }
            if type == "tEXt", let separator = bytes[start..<start + length].firstIndex(of: 0) {
                let key = String(decoding: bytes[start..<separator], as: UTF8.self)
                text[key] = String(decoding: bytes[(separator + 1)..<(start + length)], as: UTF8.self)
            }
            if type == "IEND" { return text }
            offset = start + length + 4
        }
        throw GridGRPOError("\(path): truncated PNG (no IEND chunk)")
    }
}
