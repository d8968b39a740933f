import CPNG
import Foundation
import GridGRPO

extension Canvas {
    /// Writes the PNG with libpng: tEXt chunks carry `text` (provenance), and no
    /// tIME chunk is written, so the same drawing always gives the same bytes.
    /// libpng writes an `AtomicFile`'s temporary, which is then moved into place.
    public func writePNG(to path: String, text: [(key: String, value: String)]) throws {
        let output = try AtomicFile(path: path)
        let pixels = rgbPixels()
        let keys = text.map { strdup($0.key) }
        let values = text.map { strdup($0.value) }
        defer { (keys + values).forEach { free($0) } }
        let status = keys.map { UnsafePointer($0) }.withUnsafeBufferPointer { keyPointers in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { valuePointers in
                gg_png_write_rgb(output.temporaryPath, pixels, UInt32(width), UInt32(height),
                                 keyPointers.baseAddress, valuePointers.baseAddress, Int32(text.count))
            }
        }
        guard status == 0 else {
            output.discard()
            throw GridGRPOError("\(path): cannot write PNG (libpng status \(status))")
        }
        try output.commit()
    }
}
