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
