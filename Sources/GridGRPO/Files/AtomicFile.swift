import Foundation

// PLACEHOLDER until the shared AtomicFile lands from the split branch.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)), rename(temporary, path) == 0 else {
            unlink(temporary)
            throw GridGRPOError("\(path): cannot write")
        }
    }
}
