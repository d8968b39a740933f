import CHDF5

/// A group (or the file's root group) in an open HDF5 file, with the dataset and
/// attribute operations the artifact schema needs.
public struct HDF5Group {
    let handle: HDF5ID
    /// Where this group lives, for error messages: `file.h5:/policy`.
    public let location: String
    let fileName: String

    func describe(_ name: String) -> String {
        location.hasSuffix("/") ? "\(location)\(name)" : "\(location)/\(name)"
    }

    public func createGroup(_ name: String) throws -> HDF5Group {
        let gcpl = HDF5Properties.objectCreation(gg_h5p_group_create())
        let id = H5Gcreate2(handle.id, name, gg_h5p_default(), gcpl.id, gg_h5p_default())
        guard id >= 0 else { throw GridGRPOError("\(describe(name)): cannot create group") }
        return HDF5Group(handle: HDF5ID(id, close: H5Gclose), location: describe(name), fileName: fileName)
    }

    public func openGroup(_ name: String) throws -> HDF5Group {
        guard contains(name) else { throw GridGRPOError("\(describe(name)): group is missing") }
        let id = H5Gopen2(handle.id, name, gg_h5p_default())
        guard id >= 0 else { throw GridGRPOError("\(describe(name)): is not a readable group") }
        return HDF5Group(handle: HDF5ID(id, close: H5Gclose), location: describe(name), fileName: fileName)
    }

    public func contains(_ name: String) -> Bool {
        H5Lexists(handle.id, name, gg_h5p_default()) > 0
    }
}
