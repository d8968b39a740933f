import CHDF5
import Foundation

/// An HDF5 file being written. Everything goes to a temporary file beside the
/// destination, which `commit()` flushes and renames into place: a stage that
/// dies half-way never leaves a file that looks complete.
public final class HDF5Writer {
    public let path: String
    private let temporaryPath: String
    private var file: HDF5ID?
    public let root: HDF5Group

    public init(path: String) throws {
        gg_h5_silence_errors()
        self.path = path
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw GridGRPOError("\(path): cannot create directory \(directory)")
        }
        removeStaleTemporaries(of: path)
        temporaryPath = "\(directory)/.\(url.lastPathComponent).\(getpid()).tmp"
        let fcpl = HDF5Properties.objectCreation(gg_h5p_file_create())
        // A strong close degree closes every object still open in the file, so
        // the bytes are complete on disk when `commit()` renames the file.
        let fapl = HDF5ID(H5Pcreate(gg_h5p_file_access()), close: H5Pclose)
        _ = H5Pset_fclose_degree(fapl.id, H5F_CLOSE_STRONG)
        // The 1.10 file format checksums every piece of metadata (superblock,
        // object headers, B-trees, heaps), so a damaged file is refused when
        // read instead of walking HDF5 into a wild pointer or an endless loop.
        _ = H5Pset_libver_bounds(fapl.id, H5F_LIBVER_V110, H5F_LIBVER_V110)
        let id = H5Fcreate(temporaryPath, gg_h5f_acc_trunc(), fcpl.id, fapl.id)
        guard id >= 0 else { throw GridGRPOError("\(path): cannot create file") }
        let owned = HDF5ID(id, close: H5Fclose)
        file = owned
        let rootID = H5Gopen2(id, "/", gg_h5p_default())
        root = HDF5Group(handle: HDF5ID(rootID, close: H5Gclose), location: "\(url.lastPathComponent):/", fileName: path)
    }

    /// Flushes, closes and atomically renames the file into place.
    public func commit() throws {
        guard let owned = file else { return }
        file = nil
        root.handle.close()
        guard owned.close() >= 0 else {
            unlink(temporaryPath)
            throw GridGRPOError("\(path): cannot finish writing the file (disk full?)")
        }
        let descriptor = open(temporaryPath, O_RDONLY)
        if descriptor >= 0 { fsync(descriptor); close(descriptor) }
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw GridGRPOError("\(path): cannot move the finished file into place (\(reason))")
        }
    }

    deinit {
        if file != nil {
            file = nil
            unlink(temporaryPath)
        }
    }
}

/// Deletes temporary files a killed writer of `path` left behind
/// (`.NAME.PID.tmp` beside it). Only one stage writes a given output, so any
/// such file belongs to an earlier, interrupted attempt.
public func removeStaleTemporaries(of path: String) {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    let prefix = "." + url.lastPathComponent + "."
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        where entry.hasPrefix(prefix) && entry.hasSuffix(".tmp") {
        unlink(directory + "/" + entry)
    }
}
