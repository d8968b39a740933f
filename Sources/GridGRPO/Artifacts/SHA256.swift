import CCrypto
import Foundation

/// SHA-256 (FIPS 180-4) from the system's libcrypto (OpenSSL 3, through its
/// EVP digest interface), used for the config and input-file digests that
/// every artifact records as provenance. Files are digested in 1 MiB chunks,
/// so memory does not grow with the file. Tested against the standard's
/// vectors and coreutils' `sha256sum`.
///
/// A value type: a copy of a hasher continues independently of the original.
public struct SHA256 {
    /// Owns one EVP_MD_CTX.
    private final class Context {
        let pointer: OpaquePointer

        init() {
            // Allocation failure is out of memory; nothing sensible is left to do.
            guard let context = EVP_MD_CTX_new() else { preconditionFailure("libcrypto: EVP_MD_CTX_new failed (out of memory)") }
            pointer = context
            precondition(EVP_DigestInit_ex(pointer, EVP_sha256(), nil) == 1, "libcrypto: cannot initialise SHA-256")
        }

        init(copying other: Context) {
            guard let context = EVP_MD_CTX_new() else { preconditionFailure("libcrypto: EVP_MD_CTX_new failed (out of memory)") }
            pointer = context
            precondition(EVP_MD_CTX_copy_ex(pointer, other.pointer) == 1, "libcrypto: cannot copy a SHA-256 context")
        }

        deinit { EVP_MD_CTX_free(pointer) }
    }

    private var context = Context()

    public init() {}

    /// Adds bytes to the message.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { update(buffer: UnsafeRawBufferPointer($0)) }
        if handled == nil { Array(bytes).withUnsafeBytes { update(buffer: $0) } }
    }

    private mutating func update(buffer: UnsafeRawBufferPointer) {
        if !isKnownUniquelyReferenced(&context) { context = Context(copying: context) }
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        precondition(EVP_DigestUpdate(context.pointer, base, buffer.count) == 1, "libcrypto: SHA-256 update failed")
    }

    /// The 32-byte digest of everything added. The hasher then starts over
    /// (an empty message).
    public mutating func finalize() -> [UInt8] {
        if !isKnownUniquelyReferenced(&context) { context = Context(copying: context) }
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let status = digest.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context.pointer, $0.baseAddress, &length) }
        precondition(status == 1 && length == 32, "libcrypto: SHA-256 finalisation failed")
        context = Context()
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
