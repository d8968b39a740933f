import Foundation

/// Every file GridGRPO reads (a stage's inputs and config, `inspect`'s file,
/// `plot`'s inputs, a digest's bytes) passes this check first: it must be a
/// regular file (a symbolic link to one is fine). A FIFO would block the
/// reader forever, a directory or a device would give a misleading error, so
/// each is refused in one line that says what the path actually is. `stat`
/// does not open the path, so the check itself cannot hang.
public enum InputFile {
    public static func checkRegular(_ path: String) throws {
        var status = stat()
        guard stat(path, &status) == 0 else {
            let reason = errno
            if reason == ENOENT {
                var link = stat()
                if lstat(path, &link) == 0 { throw GridGRPOError("\(path): a symbolic link to a missing file") }
                throw GridGRPOError("\(path): no such file")
            }
            throw GridGRPOError("\(path): cannot be read (\(String(cString: strerror(reason))))")
        }
        let kind: String
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            guard access(path, R_OK) == 0 else { throw GridGRPOError("\(path): not readable (permissions)") }
            return
        case S_IFDIR: kind = "a directory"
        case S_IFIFO: kind = "a FIFO (named pipe)"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a regular file"
        }
        throw GridGRPOError("\(path): is \(kind), not a regular file; GridGRPO reads only regular files")
    }
}

extension PipelineConfig {
    /// `load(path:)` after the regular-file check: the entry point of every
    /// stage, figure and report that is given a config path.
    public static func loadInput(path: String) throws -> PipelineConfig {
        try InputFile.checkRegular(path)
        return try load(path: path)
    }
}
