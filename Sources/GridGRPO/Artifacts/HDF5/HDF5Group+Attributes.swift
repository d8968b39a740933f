import CHDF5

extension HDF5Group {
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

    func createAttribute(_ name: String, type: hid_t, space: hid_t) throws -> HDF5ID {
        let id = H5Acreate2(handle.id, name, type, space, gg_h5p_default(), gg_h5p_default())
        guard id >= 0 else { throw GridGRPOError("\(describe(name)): cannot create attribute") }
        return HDF5ID(id, close: H5Aclose)
    }

    public func hasAttribute(_ name: String) -> Bool { H5Aexists(handle.id, name) > 0 }

    func openAttribute(_ name: String) throws -> HDF5ID {
        guard hasAttribute(name) else { throw GridGRPOError("\(describe("@" + name)): attribute is missing") }
        let id = H5Aopen(handle.id, name, gg_h5p_default())
        guard id >= 0 else { throw GridGRPOError("\(describe("@" + name)): unreadable attribute") }
        return HDF5ID(id, close: H5Aclose)
    }

    /// Opens an attribute that must hold exactly one value, with its file type.
    func openScalarAttribute(_ name: String) throws -> (attribute: HDF5ID, fileType: HDF5ID) {
        let attribute = try openAttribute(name)
        let space = HDF5ID(H5Aget_space(attribute.id), close: H5Sclose)
        guard H5Sget_simple_extent_npoints(space.id) == 1 else {
            throw GridGRPOError("\(describe("@" + name)): expected a single value, not an array")
        }
        return (attribute, HDF5ID(H5Aget_type(attribute.id), close: H5Tclose))
    }

    /// The longest string attribute GridGRPO writes is a stage's config JSON,
    /// a few kilobytes; anything claiming more than this is refused unread.
    static let maximumStringBytes = 1 << 20

    public func stringAttribute(_ name: String) throws -> String {
        let (attribute, fileType) = try openScalarAttribute(name)
        guard H5Tget_class(fileType.id) == H5T_STRING else {
            throw GridGRPOError("\(describe("@" + name)): is a \(typeName(fileType.id)) attribute, expected a string")
        }
        guard H5Tis_variable_str(fileType.id) == 0 else {
            throw GridGRPOError("\(describe("@" + name)): variable-length string; GridGRPO writes fixed-length strings (a file from elsewhere or an older version?)")
        }
        let size = H5Tget_size(fileType.id)
        guard size <= Self.maximumStringBytes else {
            throw GridGRPOError("\(describe("@" + name)): claims a string of \(size) bytes, expected at most \(Self.maximumStringBytes)")
        }
        var buffer = [UInt8](repeating: 0, count: size + 1)
        guard H5Aread(attribute.id, fileType.id, &buffer) >= 0 else {
            throw GridGRPOError("\(describe("@" + name)): unreadable string attribute")
        }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// A numeric attribute stored with exactly the type the schema declares:
    /// an integer stored as a float (or the reverse, or an integer of another
    /// size or sign) is an error, not a conversion, so a `schema_version`
    /// stored as float64 is not version 2.
    public func attribute<T: HDF5Scalar>(_ name: String, as type: T.Type = T.self) throws -> T {
        let (attribute, fileType) = try openScalarAttribute(name)
        guard H5Tget_class(fileType.id) == T.typeClass,
              H5Tget_size(fileType.id) == MemoryLayout<T>.size,
              T.typeClass != H5T_INTEGER || (H5Tget_sign(fileType.id) == H5T_SGN_2) == T.isSigned
        else {
            throw GridGRPOError("\(describe("@" + name)): is a \(typeName(fileType.id)) attribute, expected \(T.typeName)")
        }
        var value: T = 0
        let status = withUnsafeMutableBytes(of: &value) { H5Aread(attribute.id, T.memoryType, $0.baseAddress) }
        guard status >= 0 else {
            throw GridGRPOError("\(describe("@" + name)): unreadable attribute")
        }
        return value
    }

    /// Any single numeric value converted by HDF5 to `T`, for display only
    /// (`inspect` shows attributes of any type; the readers use `attribute`).
    func convertedAttribute<T: HDF5Scalar>(_ name: String, as type: T.Type) throws -> T {
        let (attribute, fileType) = try openScalarAttribute(name)
        let typeClass = H5Tget_class(fileType.id)
        guard typeClass == H5T_FLOAT || typeClass == H5T_INTEGER else {
            throw GridGRPOError("\(describe("@" + name)): is a \(typeName(fileType.id)) attribute, expected a number")
        }
        var value: T = 0
        let status = withUnsafeMutableBytes(of: &value) { H5Aread(attribute.id, T.memoryType, $0.baseAddress) }
        guard status >= 0 else { throw GridGRPOError("\(describe("@" + name)): unreadable attribute") }
        return value
    }
}
