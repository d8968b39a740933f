import CPNG
import GridGRPO

/// A decoded PNG: RGBA pixels and text chunks. The report reads each
/// figure's title from its text chunks; the tests read pixels.
public struct DecodedPNG {
    public let width: Int
    public let height: Int
    public let rgba: [UInt8]
    public let text: [String: String]

    public init(path: String) throws {
        var image = gg_png_image()
        guard gg_png_read_rgba(path, &image) == 0 else { throw GridGRPOError("\(path): not a readable PNG") }
        defer { gg_png_free(&image) }
        width = Int(image.width)
        height = Int(image.height)
        rgba = Array(UnsafeBufferPointer(start: image.rgba, count: width * height * 4))
        var text: [String: String] = [:]
        if let raw = image.text {
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: image.text_size)
            let parts = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            for index in stride(from: 0, to: Int(image.text_count) * 2, by: 2) where index + 1 < parts.count {
                text[parts[index]] = parts[index + 1]
            }
        }
        self.text = text
    }

    public func pixel(_ x: Int, _ y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let i = (y * width + x) * 4
        return (rgba[i], rgba[i + 1], rgba[i + 2])
    }
}
