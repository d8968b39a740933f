import CHDF5
import Foundation

/// An HDF5 file being written. Everything goes to an `AtomicFile`'s temporary
/// beside the destination, which `commit()` closes and moves into place: a
/// stage that dies half-way never leaves a file that looks complete.
public final class HDF5Writer {
    public let path: String
    private let output: AtomicFile
    private var file: HDF5ID?
    public let root: HDF5Group

    public init(path: String) throws {
        gg_h5_configure_library()
        self.path = path
        output = try AtomicFile(path: path)
        let fcpl = HDF5Properties.objectCreation(gg_h5p_file_create())
        // A strong close degree closes every object still open in the file, so
        // the bytes are complete on disk when `commit()` renames the file.
        let fapl = HDF5Properties.fileAccess()
        _ = H5Pset_fclose_degree(fapl.id, H5F_CLOSE_STRONG)
        // The 1.10 file format checksums every piece of metadata (superblock,
        // object headers, B-trees, heaps), so a damaged file is refused when
        // read instead of walking HDF5 into a wild pointer or an endless loop.
        _ = H5Pset_libver_bounds(fapl.id, H5F_LIBVER_V110, H5F_LIBVER_V110)
        let id = H5Fcreate(output.temporaryPath, gg_h5f_acc_trunc(), fcpl.id, fapl.id)
        guard id >= 0 else { throw GridGRPOError("\(path): cannot create file") }
        let owned = HDF5ID(id, close: H5Fclose)
        file = owned
        let rootID = H5Gopen2(id, "/", gg_h5p_default())
        root = HDF5Group(handle: HDF5ID(rootID, close: H5Gclose), location: "\(path):/", fileName: path)
    }

    /// Closes the file (HDF5 flushes it) and moves it into place.
    public func commit() throws {
        guard let owned = file else { return }
        file = nil
        root.handle.close()
        guard owned.close() >= 0 else {
            output.discard()
            throw GridGRPOError("\(path): cannot finish writing the file (disk full?)")
        }
        try output.commit()
    }

    /// A writer dropped without `commit()` (a thrown error) closes its root
    /// group and its file (in that order, as `commit()` does: closing the root
    /// after the file would be an HDF5 error) before the temporary is removed.
    deinit {
        if file != nil {
            root.handle.close()
            file = nil
            output.discard()
        }
    }
}
