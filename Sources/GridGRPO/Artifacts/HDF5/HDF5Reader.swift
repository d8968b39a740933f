import CHDF5
import Foundation

/// An HDF5 file opened read-only, with errors that name the file.
public final class HDF5Reader {
    public let path: String
    public let root: HDF5Group
    private let file: HDF5ID

    public init(path: String) throws {
        gg_h5_configure_library()
        self.path = path
        try InputFile.checkRegular(path)
        guard H5Fis_hdf5(path) > 0 else { throw GridGRPOError("\(path): not an HDF5 file (truncated or damaged?)") }
        let fapl = HDF5Properties.fileAccess()
        let id = withExtendedLifetime(fapl) { H5Fopen(path, gg_h5f_acc_rdonly(), fapl.id) }
        guard id >= 0 else { throw GridGRPOError("\(path): cannot open HDF5 file (truncated or damaged?)") }
        file = HDF5ID(id, close: H5Fclose)
        let rootID = H5Gopen2(id, "/", gg_h5p_default())
        guard rootID >= 0 else { throw GridGRPOError("\(path): cannot open root group (damaged file?)") }
        root = HDF5Group(handle: HDF5ID(rootID, close: H5Gclose), location: "\(path):/", fileName: path)
    }
}
