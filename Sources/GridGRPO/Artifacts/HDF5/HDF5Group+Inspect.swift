import CHDF5

/// What `inspect` needs to walk a file it does not know in advance: the links
/// of a group, whether each is a group, and any dataset or attribute as text
/// or numbers. The artifact readers never use these: they name what they read.
extension HDF5Group {
    /// Names of the links in this group, in HDF5's name order.
    public func memberNames() -> [String] {
        var names: [String] = []
        var count: hsize_t = 0
        var info = H5G_info_t()
        if H5Gget_info(handle.id, &info) >= 0 { count = info.nlinks }
        for index in 0..<count {
            let name = hdf5Name { H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, $0, $1, gg_h5p_default()) }
            if let name { names.append(name) }
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

    /// Names of this object's attributes, in HDF5's name order.
    public func attributeNames() -> [String] {
        var info = H5O_info_t()
        guard H5Oget_info2(handle.id, &info, UInt32(H5O_INFO_NUM_ATTRS)) >= 0 else { return [] }
        var names: [String] = []
        for index in 0..<info.num_attrs {
            let name = hdf5Name { H5Aget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, $0, $1, gg_h5p_default()) }
            if let name { names.append(name) }
        }
        return names
    }
}

/// A name HDF5 hands out in two calls: `get(nil, 0)` returns its length, then
/// `get(buffer, length + 1)` fills the buffer. Nil when HDF5 reports an error.
private func hdf5Name(_ get: (UnsafeMutablePointer<CChar>?, Int) -> Int) -> String? {
    let size = get(nil, 0)
    guard size >= 0 else { return nil }
    var buffer = [CChar](repeating: 0, count: size + 1)
    _ = buffer.withUnsafeMutableBufferPointer { get($0.baseAddress, size + 1) }
    return String(decoding: buffer.prefix(size).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
