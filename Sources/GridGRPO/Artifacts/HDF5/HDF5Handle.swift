import CHDF5

/// Owns one HDF5 identifier and closes it exactly once.
final class HDF5ID {
    let id: hid_t
    private let closer: (hid_t) -> herr_t
    private var isOpen = true
    init(_ id: hid_t, close: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.closer = close
    }
    @discardableResult
    func close() -> herr_t {
        guard isOpen else { return 0 }
        isOpen = false
        return closer(id)
    }
    deinit { close() }
}

/// Property lists that make files reproducible: HDF5 stamps every object
/// header with its creation time unless `obj_track_times` is off.
enum HDF5Properties {
    static func objectCreation(_ classID: hid_t) -> HDF5ID {
        let plist = H5Pcreate(classID)
        _ = H5Pset_obj_track_times(plist, false)
        return HDF5ID(plist, close: H5Pclose)
    }
}
