import CHDF5

/// The file name of every HDF5 object (file, group, dataset, datatype,
/// attribute) this process holds open, one entry per object, listed under
/// the HDF5 lock. A test looks for the names of its own files only, so other
/// work in the process (a parallel test suite's open writer) cannot make it
/// fail: a leak check that is not racy.
public func openHDF5ObjectFiles() -> [String] {
    withHDF5 {
        let all = gg_h5f_obj_all()
        let count = Int(H5Fget_obj_count(hid_t(all), all))
        guard count > 0 else { return [] }
        var ids = [hid_t](repeating: 0, count: count)
        let found = ids.withUnsafeMutableBufferPointer { Int(H5Fget_obj_ids(hid_t(all), all, count, $0.baseAddress)) }
        return ids.prefix(max(0, min(found, count))).map { id -> String in
            let length = H5Fget_name(id, nil, 0)
            guard length >= 0 else { return "(object \(id) without a file name)" }
            var name = [CChar](repeating: 0, count: Int(length) + 1)
            _ = H5Fget_name(id, &name, name.count)
            return String(decoding: name.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
