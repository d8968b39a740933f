import CHDF5
import Foundation

/// An error a user can act on: one line naming the file, dataset, flag or key at fault.
public struct GridGRPOError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// libhdf5 as Debian builds it (serial) is not thread-safe. Every use of it
/// from GridGRPO goes through `withHDF5`, which holds this process-wide lock
/// for the whole read or write, so callers on several threads stay correct.
private let hdf5Lock = NSRecursiveLock()

public func withHDF5<T>(_ body: () throws -> T) rethrows -> T {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    return try body()
}

/// Element types GridGRPO stores in HDF5 datasets and attributes, each mapped
/// to a fixed little-endian file type so files are identical on every machine.
public protocol HDF5Scalar: Numeric {
    static var memoryType: hid_t { get }
    static var fileType: hid_t { get }
    static var typeName: String { get }
    static var typeClass: H5T_class_t { get }
    static var isSigned: Bool { get }
}

extension Float: HDF5Scalar {
    public static var memoryType: hid_t { gg_h5t_native_float() }
    public static var fileType: hid_t { gg_h5t_ieee_f32le() }
    public static var typeName: String { "float32" }
    public static var typeClass: H5T_class_t { H5T_FLOAT }
    public static var isSigned: Bool { true }
}
extension Double: HDF5Scalar {
    public static var memoryType: hid_t { gg_h5t_native_double() }
    public static var fileType: hid_t { gg_h5t_ieee_f64le() }
    public static var typeName: String { "float64" }
    public static var typeClass: H5T_class_t { H5T_FLOAT }
    public static var isSigned: Bool { true }
}
extension Int32: HDF5Scalar {
    public static var memoryType: hid_t { gg_h5t_native_int32() }
    public static var fileType: hid_t { gg_h5t_std_i32le() }
    public static var typeName: String { "int32" }
    public static var typeClass: H5T_class_t { H5T_INTEGER }
    public static var isSigned: Bool { true }
}
extension Int64: HDF5Scalar {
    public static var memoryType: hid_t { gg_h5t_native_int64() }
    public static var fileType: hid_t { gg_h5t_std_i64le() }
    public static var typeName: String { "int64" }
    public static var typeClass: H5T_class_t { H5T_INTEGER }
    public static var isSigned: Bool { true }
}
extension UInt8: HDF5Scalar {
    public static var memoryType: hid_t { gg_h5t_native_uint8() }
    public static var fileType: hid_t { gg_h5t_std_u8le() }
    public static var typeName: String { "uint8" }
    public static var typeClass: H5T_class_t { H5T_INTEGER }
    public static var isSigned: Bool { false }
}
extension Int8: HDF5Scalar {
    public static var memoryType: hid_t { gg_h5t_native_int8() }
    public static var fileType: hid_t { gg_h5t_std_i8le() }
    public static var typeName: String { "int8" }
    public static var typeClass: H5T_class_t { H5T_INTEGER }
    public static var isSigned: Bool { true }
}

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

    // MARK: Groups

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

    /// Names of the links in this group, in HDF5's name order.
    public func memberNames() -> [String] {
        var names: [String] = []
        var count: hsize_t = 0
        var info = H5G_info_t()
        if H5Gget_info(handle.id, &info) >= 0 { count = info.nlinks }
        for index in 0..<count {
            let size = H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, gg_h5p_default())
            guard size >= 0 else { continue }
            var buffer = [CChar](repeating: 0, count: Int(size) + 1)
            _ = H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, Int(size) + 1, gg_h5p_default())
            names.append(String(decoding: buffer.prefix(Int(size)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names
    }

    /// True when `name` is a group (false for a dataset or a missing link).
    public func isGroup(_ name: String) -> Bool {
        var info = H5O_info_t()
        guard contains(name), H5Oget_info_by_name2(handle.id, name, &info, UInt32(H5O_INFO_BASIC), gg_h5p_default()) >= 0 else { return false }
        return info.type == H5O_TYPE_GROUP
    }

    /// A dataset's element type name (`float32`, `uint8`, …) and shape.
    public func describeDataset(_ name: String) throws -> (type: String, shape: [Int]) {
        let dataset = try openDataset(name)
        let fileType = HDF5ID(H5Dget_type(dataset.id), close: H5Tclose)
        return (typeName(fileType.id), try dataspaceShape(dataset, name))
    }

    /// Any numeric dataset, converted by HDF5 to Double (for summaries).
    public func readAsDouble(_ name: String) throws -> [Double] {
        let dataset = try openDataset(name)
        let fileType = HDF5ID(H5Dget_type(dataset.id), close: H5Tclose)
        let typeClass = H5Tget_class(fileType.id)
        guard typeClass == H5T_FLOAT || typeClass == H5T_INTEGER else {
            throw GridGRPOError("\(describe(name)): is not numeric")
        }
        let count = try dataspaceShape(dataset, name).reduce(1, *)
        var values = [Double](repeating: 0, count: count)
        if count > 0 {
            let status = values.withUnsafeMutableBytes {
                H5Dread(dataset.id, gg_h5t_native_double(), gg_h5s_all(), gg_h5s_all(), gg_h5p_default(), $0.baseAddress)
            }
            guard status >= 0 else { throw GridGRPOError("\(describe(name)): cannot read dataset (file damaged?)") }
        }
        return values
    }

    /// An attribute's value as text, whatever its type.
    public func attributeText(_ name: String) throws -> String {
        let attribute = try openAttribute(name)
        let fileType = HDF5ID(H5Aget_type(attribute.id), close: H5Tclose)
        switch H5Tget_class(fileType.id) {
        case H5T_STRING: return try stringAttribute(name)
        case H5T_INTEGER: return String(try self.attribute(name, as: Int64.self))
        case H5T_FLOAT: return String(try self.attribute(name, as: Double.self))
        default: return "(\(typeName(fileType.id)))"
        }
    }

    // MARK: Datasets

    /// Writes a dataset of the given shape. Large datasets are chunked and
    /// compressed (shuffle + deflate) with a Fletcher-32 checksum per chunk,
    /// all of which HDF5 does deterministically.
    public func write<T: HDF5Scalar>(_ name: String, _ values: [T], shape: [Int]? = nil, compress: Bool = false) throws {
        let dims = (shape ?? [values.count]).map { hsize_t($0) }
        guard dims.reduce(1, *) == hsize_t(values.count) else {
            throw GridGRPOError("\(describe(name)): shape \(dims) does not hold \(values.count) values")
        }
        let space = HDF5ID(H5Screate_simple(Int32(dims.count), dims, nil), close: H5Sclose)
        let dcpl = HDF5Properties.objectCreation(gg_h5p_dataset_create())
        if compress && values.count >= 1024 {
            var chunk = dims
            let rowSize = dims.dropFirst().reduce(1, *)
            chunk[0] = max(1, min(dims[0], hsize_t(max(1, 65536 / Int(rowSize)))))
            _ = H5Pset_chunk(dcpl.id, Int32(chunk.count), chunk)
            _ = H5Pset_shuffle(dcpl.id)
            _ = H5Pset_deflate(dcpl.id, 6)
            _ = H5Pset_fletcher32(dcpl.id)
        }
        let dataset = H5Dcreate2(handle.id, name, T.fileType, space.id, gg_h5p_default(), dcpl.id, gg_h5p_default())
        guard dataset >= 0 else { throw GridGRPOError("\(describe(name)): cannot create dataset") }
        let owned = HDF5ID(dataset, close: H5Dclose)
        let status = values.withUnsafeBytes { H5Dwrite(owned.id, T.memoryType, gg_h5s_all(), gg_h5s_all(), gg_h5p_default(), $0.baseAddress) }
        guard status >= 0 else { throw GridGRPOError("\(describe(name)): cannot write dataset") }
    }

    /// A one-dimensional dataset that grows as values are appended, for
    /// outputs written in parts (chunked, compressed and checksummed like
    /// `write(_:_:compress:)`'s large datasets; the chunk length is fixed, so
    /// the layout depends only on what is appended).
    public func createAppendable<T: HDF5Scalar>(_ name: String, as type: T.Type = T.self,
                                                chunk: Int = 16384) throws -> HDF5Appendable<T> {
        var initial = [hsize_t(0)], maximum = [gg_h5s_unlimited()]
        let space = HDF5ID(H5Screate_simple(1, &initial, &maximum), close: H5Sclose)
        let dcpl = HDF5Properties.objectCreation(gg_h5p_dataset_create())
        var chunkSize = [hsize_t(chunk)]
        _ = H5Pset_chunk(dcpl.id, 1, &chunkSize)
        _ = H5Pset_shuffle(dcpl.id)
        _ = H5Pset_deflate(dcpl.id, 6)
        _ = H5Pset_fletcher32(dcpl.id)
        // Appends only ever touch the last chunk or two: a small chunk cache
        // (instead of HDF5's 1 MB per dataset) keeps a streamed file's memory low.
        let dapl = HDF5ID(H5Pcreate(gg_h5p_dataset_access()), close: H5Pclose)
        _ = H5Pset_chunk_cache(dapl.id, 101, 4 * chunk * MemoryLayout<T>.size, 1.0)
        let dataset = H5Dcreate2(handle.id, name, T.fileType, space.id, gg_h5p_default(), dcpl.id, dapl.id)
        guard dataset >= 0 else { throw GridGRPOError("\(describe(name)): cannot create dataset") }
        return HDF5Appendable(dataset: HDF5ID(dataset, close: H5Dclose), label: describe(name))
    }

    /// The shape of a dataset, checking it exists.
    public func shape(of name: String) throws -> [Int] {
        let dataset = try openDataset(name)
        return try dataspaceShape(dataset, name)
    }

    /// Reads a whole dataset, insisting on the element type the schema declares.
    public func read<T: HDF5Scalar>(_ name: String, as type: T.Type = T.self) throws -> (values: [T], shape: [Int]) {
        let dataset = try openDataset(name)
        let fileType = HDF5ID(H5Dget_type(dataset.id), close: H5Tclose)
        let actual = typeName(fileType.id)
        guard H5Tget_class(fileType.id) == T.typeClass,
              H5Tget_size(fileType.id) == MemoryLayout<T>.size,
              T.typeClass != H5T_INTEGER || (H5Tget_sign(fileType.id) == H5T_SGN_2) == T.isSigned
        else {
            throw GridGRPOError("\(describe(name)): has type \(actual), expected \(T.typeName)")
        }
        let dims = try dataspaceShape(dataset, name)
        let count = dims.reduce(1, *)
        var values = [T](repeating: 0, count: count)
        if count > 0 {
            let status = values.withUnsafeMutableBytes {
                H5Dread(dataset.id, T.memoryType, gg_h5s_all(), gg_h5s_all(), gg_h5p_default(), $0.baseAddress)
            }
            guard status >= 0 else { throw GridGRPOError("\(describe(name)): cannot read dataset (file damaged?)") }
        }
        return (values, dims)
    }

    /// Reads a dataset and checks its shape against the schema.
    public func read<T: HDF5Scalar>(_ name: String, as type: T.Type = T.self, shape expected: [Int]) throws -> [T] {
        let (values, shape) = try read(name, as: T.self)
        guard shape == expected else {
            throw GridGRPOError("\(describe(name)): has shape \(shape), expected \(expected)")
        }
        return values
    }

    private func openDataset(_ name: String) throws -> HDF5ID {
        guard contains(name) else { throw GridGRPOError("\(describe(name)): dataset is missing") }
        let id = H5Dopen2(handle.id, name, gg_h5p_default())
        guard id >= 0 else { throw GridGRPOError("\(describe(name)): is not a readable dataset") }
        return HDF5ID(id, close: H5Dclose)
    }

    private func dataspaceShape(_ dataset: HDF5ID, _ name: String) throws -> [Int] {
        let space = HDF5ID(H5Dget_space(dataset.id), close: H5Sclose)
        let rank = H5Sget_simple_extent_ndims(space.id)
        guard rank >= 0 else { throw GridGRPOError("\(describe(name)): unreadable dataspace") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        _ = H5Sget_simple_extent_dims(space.id, &dims, nil)
        return dims.map { Int($0) }
    }

    private func typeName(_ type: hid_t) -> String {
        let size = H5Tget_size(type) * 8
        switch H5Tget_class(type) {
        case H5T_FLOAT: return "float\(size)"
        case H5T_INTEGER: return (H5Tget_sign(type) == H5T_SGN_2 ? "int" : "uint") + "\(size)"
        case H5T_STRING: return "string"
        default: return "a non-numeric type"
        }
    }

    // MARK: Attributes

    /// Strings are stored fixed-length (UTF-8, null-padded) in the object
    /// header, which the file format checksums. Variable-length strings would
    /// live in the global heap, which has no checksum: a damaged heap can send
    /// HDF5 into an endless loop.
    public func setAttribute(_ name: String, _ value: String) throws {
        let bytes = Array(value.utf8)
        let type = HDF5ID(H5Tcopy(gg_h5t_c_s1()), close: H5Tclose)
        _ = H5Tset_size(type.id, max(1, bytes.count))
        _ = H5Tset_strpad(type.id, H5T_STR_NULLPAD)
        _ = H5Tset_cset(type.id, H5T_CSET_UTF8)
        let space = HDF5ID(H5Screate(H5S_SCALAR), close: H5Sclose)
        let attribute = try createAttribute(name, type: type.id, space: space.id)
        let padded = bytes.isEmpty ? [0] : bytes
        guard H5Awrite(attribute.id, type.id, padded) >= 0 else { throw GridGRPOError("\(describe(name)): cannot write attribute") }
    }

    public func setAttribute<T: HDF5Scalar>(_ name: String, _ value: T) throws {
        let space = HDF5ID(H5Screate(H5S_SCALAR), close: H5Sclose)
        let attribute = try createAttribute(name, type: T.fileType, space: space.id)
        let status = withUnsafeBytes(of: value) { H5Awrite(attribute.id, T.memoryType, $0.baseAddress) }
        guard status >= 0 else {
            throw GridGRPOError("\(describe(name)): cannot write attribute")
        }
    }

    private func createAttribute(_ name: String, type: hid_t, space: hid_t) throws -> HDF5ID {
        let id = H5Acreate2(handle.id, name, type, space, gg_h5p_default(), gg_h5p_default())
        guard id >= 0 else { throw GridGRPOError("\(describe(name)): cannot create attribute") }
        return HDF5ID(id, close: H5Aclose)
    }

    public func hasAttribute(_ name: String) -> Bool { H5Aexists(handle.id, name) > 0 }

    public func attributeNames() -> [String] {
        var info = H5O_info_t()
        guard H5Oget_info2(handle.id, &info, UInt32(H5O_INFO_NUM_ATTRS)) >= 0 else { return [] }
        var names: [String] = []
        for index in 0..<info.num_attrs {
            let size = H5Aget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, gg_h5p_default())
            guard size >= 0 else { continue }
            var buffer = [CChar](repeating: 0, count: Int(size) + 1)
            _ = H5Aget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, Int(size) + 1, gg_h5p_default())
            names.append(String(decoding: buffer.prefix(Int(size)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names
    }

    private func openAttribute(_ name: String) throws -> HDF5ID {
        guard hasAttribute(name) else { throw GridGRPOError("\(describe("@" + name)): attribute is missing") }
        let id = H5Aopen(handle.id, name, gg_h5p_default())
        guard id >= 0 else { throw GridGRPOError("\(describe("@" + name)): unreadable attribute") }
        return HDF5ID(id, close: H5Aclose)
    }

    public func stringAttribute(_ name: String) throws -> String {
        let attribute = try openAttribute(name)
        let fileType = HDF5ID(H5Aget_type(attribute.id), close: H5Tclose)
        guard H5Tget_class(fileType.id) == H5T_STRING else {
            throw GridGRPOError("\(describe("@" + name)): expected a string attribute")
        }
        guard H5Tis_variable_str(fileType.id) == 0 else {
            throw GridGRPOError("\(describe("@" + name)): variable-length string; GridGRPO writes fixed-length strings (a file from elsewhere or an older version?)")
        }
        let size = H5Tget_size(fileType.id)
        var buffer = [UInt8](repeating: 0, count: size + 1)
        guard H5Aread(attribute.id, fileType.id, &buffer) >= 0 else {
            throw GridGRPOError("\(describe("@" + name)): unreadable string attribute")
        }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }

    public func attribute<T: HDF5Scalar>(_ name: String, as type: T.Type = T.self) throws -> T {
        let attribute = try openAttribute(name)
        let fileType = HDF5ID(H5Aget_type(attribute.id), close: H5Tclose)
        guard H5Tget_class(fileType.id) == H5T_FLOAT || H5Tget_class(fileType.id) == H5T_INTEGER else {
            throw GridGRPOError("\(describe("@" + name)): expected a numeric attribute")
        }
        let space = HDF5ID(H5Aget_space(attribute.id), close: H5Sclose)
        guard H5Sget_simple_extent_npoints(space.id) == 1 else {
            throw GridGRPOError("\(describe("@" + name)): expected a scalar attribute")
        }
        var value: T = 0
        let status = withUnsafeMutableBytes(of: &value) { H5Aread(attribute.id, T.memoryType, $0.baseAddress) }
        guard status >= 0 else {
            throw GridGRPOError("\(describe("@" + name)): unreadable attribute")
        }
        return value
    }
}

/// A growing one-dimensional dataset (`HDF5Group.createAppendable`).
public final class HDF5Appendable<T: HDF5Scalar> {
    private let dataset: HDF5ID
    private let label: String
    public private(set) var count = 0

    init(dataset: HDF5ID, label: String) {
        self.dataset = dataset
        self.label = label
    }

    /// Extends the dataset by `values.count` and writes them at its end.
    public func append(_ values: [T]) throws {
        guard !values.isEmpty else { return }
        var size = [hsize_t(count + values.count)]
        guard H5Dset_extent(dataset.id, &size) >= 0 else { throw GridGRPOError("\(label): cannot extend dataset (disk full?)") }
        let fileSpace = HDF5ID(H5Dget_space(dataset.id), close: H5Sclose)
        var start = [hsize_t(count)], length = [hsize_t(values.count)]
        guard H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, &start, nil, &length, nil) >= 0 else {
            throw GridGRPOError("\(label): cannot select the appended range")
        }
        let memorySpace = HDF5ID(H5Screate_simple(1, &length, nil), close: H5Sclose)
        let status = values.withUnsafeBytes {
            H5Dwrite(dataset.id, T.memoryType, memorySpace.id, fileSpace.id, gg_h5p_default(), $0.baseAddress)
        }
        guard status >= 0 else { throw GridGRPOError("\(label): cannot write dataset (disk full?)") }
        count += values.count
    }

    /// Closes the dataset (before the file is committed).
    public func close() { dataset.close() }
}

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

/// An HDF5 file opened read-only, with errors that name the file.
public final class HDF5Reader {
    public let path: String
    public let root: HDF5Group
    private let file: HDF5ID

    public init(path: String) throws {
        gg_h5_silence_errors()
        self.path = path
        var status = stat()
        guard stat(path, &status) == 0 else { throw GridGRPOError("\(path): no such file") }
        guard access(path, R_OK) == 0 else { throw GridGRPOError("\(path): not readable (permissions)") }
        guard H5Fis_hdf5(path) > 0 else { throw GridGRPOError("\(path): not an HDF5 file (truncated or damaged?)") }
        let id = H5Fopen(path, gg_h5f_acc_rdonly(), gg_h5p_default())
        guard id >= 0 else { throw GridGRPOError("\(path): cannot open HDF5 file (truncated or damaged?)") }
        file = HDF5ID(id, close: H5Fclose)
        let rootID = H5Gopen2(id, "/", gg_h5p_default())
        guard rootID >= 0 else { throw GridGRPOError("\(path): cannot open root group (damaged file?)") }
        root = HDF5Group(handle: HDF5ID(rootID, close: H5Gclose), location: "\(URL(fileURLWithPath: path).lastPathComponent):/", fileName: path)
    }
}

/// How many HDF5 files and objects this process holds open: zero between
/// artifact reads and writes (a leak check for the tests).
public func openHDF5ObjectCount() -> Int {
    withHDF5 { Int(H5Fget_obj_count(hid_t(gg_h5f_obj_all()), gg_h5f_obj_all())) }
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
