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

    /// zlib's level for every compressed dataset. Level 1: on a rollout's
    /// columns (small integers and floats, shuffled) it compresses within a
    /// few per cent of level 6 at a fraction of the time (level 6 was two
    /// thirds of a 32×32 maze rollout stage's time under perf).
    static let deflateLevel: UInt32 = 1

    /// The filters of every chunked dataset, in this order: byte shuffle,
    /// deflate at `deflateLevel`, a Fletcher-32 checksum per chunk. HDF5
    /// applies them deterministically, so the bytes depend only on the data.
    static func compressChunks(_ datasetCreation: HDF5ID) {
        _ = H5Pset_shuffle(datasetCreation.id)
        _ = H5Pset_deflate(datasetCreation.id, deflateLevel)
        _ = H5Pset_fletcher32(datasetCreation.id)
    }

    /// File access without HDF5's own file locks. A run is already one make
    /// under one lock, every writer writes a temporary file of its own and
    /// readers read finished files, so the locks guard nothing here; and
    /// libhdf5 opens files without O_CLOEXEC, so a process started meanwhile
    /// (a stage, a test's `make`) would inherit a locked descriptor and make
    /// the next open of that file fail.
    static func fileAccess() -> HDF5ID {
        let plist = H5Pcreate(gg_h5p_file_access())
        _ = H5Pset_file_locking(plist, false, true)
        return HDF5ID(plist, close: H5Pclose)
    }
}
