import Foundation

/// A file that appears whole or not at all. Everything is written to a hidden
/// temporary beside the destination (`.NAME.PID.tmp`), which `commit()` syncs
/// to disk and renames over the destination, then syncs the directory so the
/// rename itself survives a crash. A stage that dies half-way never leaves a
/// file that looks finished, and an existing destination stays untouched until
/// the new one is complete. On any failure the temporary is removed.
///
/// Bytes already in memory: `try AtomicFile.write(bytes, to: path)`.
///
/// A writer that makes the file itself (HDF5 opens it by name, libpng through
/// a `FILE*`):
///
///     let file = try AtomicFile(path: path)       // creates the directory and an empty temporary
///     produce(file.temporaryPath)                 // the writer fills the temporary
///     try file.commit()                           // or let `file` go: the temporary is removed
///
/// Errors are one line naming the destination and the system's reason.
public final class AtomicFile {
    /// The destination.
    public let path: String
    /// Where the writer writes until `commit()`.
    public let temporaryPath: String
    private let directory: String
    private var finished = false

    /// Creates the destination's directory if needed, removes temporaries an
    /// earlier, killed writer of `path` left, and creates an empty temporary.
    public init(path: String) throws {
        self.path = path
        let (directory, name) = Self.split(path)
        self.directory = directory
        temporaryPath = "\(directory)/.\(name).\(getpid()).tmp"
        if let error = Self.createDirectories(directory) {
            finished = true
            throw GridGRPOError("\(path): cannot create directory \(directory) (\(Self.reason(error)))")
        }
        Self.removeStaleTemporaries(of: path)
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            finished = true
            throw GridGRPOError("\(path): cannot create a file in \(directory) (\(Self.reason(errno)))")
        }
        close(descriptor)
    }

    /// Writes `bytes` to `path` atomically (temporary, sync, rename, directory sync).
    public static func write(_ bytes: some ContiguousBytes, to path: String) throws {
        let file = try AtomicFile(path: path)
        try file.fill(with: bytes)
        try file.commit()
    }

    /// Syncs the finished temporary, renames it over the destination and syncs
    /// the directory. Does nothing if already committed or discarded.
    public func commit() throws {
        guard !finished else { return }
        finished = true
        let descriptor = open(temporaryPath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let error = errno
            unlink(temporaryPath)
            throw GridGRPOError("\(path): the finished file is gone before it could be moved into place (\(Self.reason(error)))")
        }
        let synced = fsync(descriptor) == 0 ? 0 : errno
        close(descriptor)
        guard synced == 0 else {
            unlink(temporaryPath)
            throw GridGRPOError("\(path): cannot write the file to disk (\(Self.reason(synced)))")
        }
        guard rename(temporaryPath, path) == 0 else {
            let error = errno
            unlink(temporaryPath)
            throw GridGRPOError("\(path): cannot move the finished file into place (\(Self.reason(error)))")
        }
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryDescriptor >= 0 else { return }
        // Some file systems cannot sync a directory (EINVAL); the rename is done either way.
        let directorySynced = fsync(directoryDescriptor) == 0 || errno == EINVAL ? 0 : errno
        close(directoryDescriptor)
        guard directorySynced == 0 else {
            throw GridGRPOError("\(path): written, but its directory cannot be synced to disk (\(Self.reason(directorySynced)))")
        }
    }

    /// Removes the temporary without touching the destination (a writer that
    /// failed). Does nothing after `commit()`.
    public func discard() {
        guard !finished else { return }
        finished = true
        unlink(temporaryPath)
    }

    deinit { discard() }

    /// Deletes temporary files a killed writer of `path` left behind
    /// (`.NAME.PID.tmp` beside it). Only one stage writes a given output, so any
    /// such file belongs to an earlier, interrupted attempt.
    public static func removeStaleTemporaries(of path: String) {
        let (directory, name) = split(path)
        let prefix = "." + name + "."
        guard let listing = opendir(directory) else { return }
        defer { closedir(listing) }
        while let entry = readdir(listing) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if entryName.hasPrefix(prefix) && entryName.hasSuffix(".tmp") { unlink(directory + "/" + entryName) }
        }
    }

    /// A path's directory and last component, as POSIX `dirname` and
    /// `basename` (trailing slashes ignored; a bare name's directory is ".",
    /// a name under the root's is "/").
    static func split(_ path: String) -> (directory: String, name: String) {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return (".", String(trimmed)) }
        let name = String(trimmed[trimmed.index(after: slash)...])
        var directory = trimmed[..<slash]
        while directory.count > 1 && directory.hasSuffix("/") { directory = directory.dropLast() }
        return (directory.isEmpty ? "/" : String(directory), name)
    }

    /// Writes all of `bytes` into the (empty) temporary.
    private func fill(with bytes: some ContiguousBytes) throws {
        let descriptor = open(temporaryPath, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw GridGRPOError("\(path): cannot open \(temporaryPath) (\(Self.reason(errno)))")
        }
        defer { close(descriptor) }
        let error: Int32 = bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
        guard error == 0 else { throw GridGRPOError("\(path): cannot write the file (\(Self.reason(error)))") }
    }

    /// `mkdir -p`: nil on success, else the errno of the step that failed.
    private static func createDirectories(_ directory: String) -> Int32? {
        var current = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o777) != 0 && errno != EEXIST { return errno }
        }
        var status = stat()
        guard stat(directory, &status) == 0 else { return errno }
        return (status.st_mode & S_IFMT) == S_IFDIR ? nil : ENOTDIR
    }

    private static func reason(_ error: Int32) -> String { String(cString: strerror(error)) }
}
