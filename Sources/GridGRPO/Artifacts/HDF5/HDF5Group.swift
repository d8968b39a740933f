import CHDF5

/// A group (or the file's root group) in an open HDF5 file, with the dataset and
/// attribute operations the artifact schema needs.
public struct HDF5Group {
    let handle: HDF5ID
    /// Where this group lives, for error messages: `run/iter-0003/weights.h5:/policy`.
    public let location: String
    let fileName: String

    /// This group's path inside its file (`/adam/policy`).
    public var pathInFile: String {
        let inside = String(location.dropFirst(fileName.count + 1))
        return inside.isEmpty ? "/" : inside
    }

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
        try checkHardLink(name)
        let id = H5Gopen2(handle.id, name, gg_h5p_default())
        guard id >= 0 else { throw GridGRPOError("\(describe(name)): is not a readable group") }
        return HDF5Group(handle: HDF5ID(id, close: H5Gclose), location: describe(name), fileName: fileName)
    }

    public func contains(_ name: String) -> Bool {
        H5Lexists(handle.id, name, gg_h5p_default()) > 0
    }

    /// Every group and dataset is opened through this check: only a hard link
    /// (an object inside this file) is followed. A soft link (a path that may
    /// lead anywhere in the file, or in a cycle) and an external link (to
    /// another file, outside every digest) are refused, as are user-defined links.
    func checkHardLink(_ name: String) throws {
        let type = gg_link_type(handle.id, name)
        if type == gg_link_type_hard() { return }
        if type == gg_link_type_soft() {
            throw GridGRPOError("\(describe(name)): is a soft link; GridGRPO artifacts hold no links, only their own groups and datasets (a file edited by hand?)")
        }
        if type == gg_link_type_external() {
            throw GridGRPOError("\(describe(name)): is an external link to another file; GridGRPO follows no link out of the file it reads")
        }
        throw GridGRPOError("\(describe(name)): is \(type < 0 ? "an unreadable link" : "a user-defined link (type \(type))"); GridGRPO artifacts hold only their own groups and datasets")
    }

    /// The file address of this group, unique within its file (for walks
    /// that must not visit an object twice).
    func address() throws -> UInt64 {
        var ok: Int32 = 0
        let address = gg_object_address(handle.id, &ok)
        guard ok != 0 else { throw GridGRPOError("\(location): unreadable object header (file damaged?)") }
        return UInt64(address)
    }
}
