import CDigest
import Foundation

/// SHA-256 (FIPS 180-4), used for the config and input-file digests that
/// every artifact records as provenance: `Sources/CDigest`, a portable C
/// compression function and one on the x86 SHA extensions, the faster chosen
/// at run time (`Path`). Files are digested in 1 MiB chunks, so memory does
/// not grow with the file. Tested against the standard's vectors, Python's
/// hashlib and coreutils' `sha256sum`, on each path.
///
/// A value type: a copy of a hasher continues independently of the original.
public struct SHA256 {
    /// An implementation of the compression function.
    public enum Path: Int32, CaseIterable, Sendable {
        /// Plain C, any CPU.
        case portable
        /// The x86 SHA extensions (`sha256rnds2`, `sha256msg1/2`).
        case shaExtensions

        /// Whether this CPU has the path.
        public var isAvailable: Bool { gg_sha256_available(rawValue) != 0 }
    }

    private var state = gg_sha256()

    /// A hash on the fastest path this CPU has.
    public init() { gg_sha256_init(&state) }

    /// A hash on `path` (the tests run each); nil when the CPU lacks it.
    public init?(path: Path) {
        guard gg_sha256_init_path(&state, path.rawValue) == 0 else { return nil }
    }

    /// Adds bytes to the message.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { update(buffer: UnsafeRawBufferPointer($0)) }
        if handled == nil { Array(bytes).withUnsafeBytes { update(buffer: $0) } }
    }

    private mutating func update(buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        gg_sha256_update(&state, base, buffer.count)
    }

    /// The 32-byte digest of everything added. The hasher then starts over
    /// (an empty message, on the same path).
    public mutating func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        digest.withUnsafeMutableBufferPointer { gg_sha256_final(&state, $0.baseAddress) }
        gg_sha256_init_path(&state, state.path)
        return digest
    }

    static func hexString(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var characters: [UInt8] = []
        characters.reserveCapacity(2 * digest.count)
        for byte in digest {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Lowercase hex digest of some bytes.
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var hasher = SHA256()
        hasher.update(bytes)
        return hexString(hasher.finalize())
    }

    /// Bytes read per `read(2)` when digesting a file.
    public static let fileChunkSize = 1 << 20

    /// Lowercase hex digest of a file's bytes, read in chunks of
    /// `fileChunkSize`, or an error naming the file.
    public static func hex(ofFile path: String) throws -> String {
        try InputFile.checkRegular(path)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw GridGRPOError("\(path): cannot read file to compute its digest (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        var hasher = SHA256()
        // Not zeroed: read(2) writes what is hashed, and a small file touches
        // only its own pages of the buffer (zeroing 1 MiB cost a 3×3 stage
        // ~0.3 ms in page faults per input file).
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: fileChunkSize, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = read(descriptor, chunk.baseAddress, chunk.count)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw GridGRPOError("\(path): cannot read file to compute its digest (\(String(cString: strerror(errno))))")
            }
            hasher.update(buffer: UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
        }
        return hexString(hasher.finalize())
    }
}
