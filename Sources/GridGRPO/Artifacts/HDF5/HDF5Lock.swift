import CHDF5
import Foundation

/// libhdf5 as Debian builds it (serial) is not thread-safe. Every use of it
/// from GridGRPO goes through `withHDF5`, which holds this process-wide lock
/// for the whole read or write, so callers on several threads stay correct.
private let hdf5Lock = NSRecursiveLock()

public func withHDF5<T>(_ body: () throws -> T) rethrows -> T {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    return try body()
}

/// How many HDF5 files and objects this process holds open: zero between
/// artifact reads and writes (a leak check for the tests).
public func openHDF5ObjectCount() -> Int {
    withHDF5 { Int(H5Fget_obj_count(hid_t(gg_h5f_obj_all()), gg_h5f_obj_all())) }
}
