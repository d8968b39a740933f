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

    /// What a link of this group leads to, for a walk over a file not known
    /// in advance. Only hard links are followed (`checkHardLink`).
    public enum Member {
        case group(HDF5Group)
        case dataset
    }

    /// Opens the member `name`: a group, or a dataset (read with
    /// `describeDataset` and `readAsDouble`). Soft and external links are refused.
    public func member(_ name: String) throws -> Member {
        try checkHardLink(name)
        var info = H5O_info_t()
        guard H5Oget_info_by_name2(handle.id, name, &info, UInt32(H5O_INFO_BASIC), gg_h5p_default()) >= 0 else {
            throw GridGRPOError("\(describe(name)): unreadable object (file damaged?)")
        }
        switch info.type {
        case H5O_TYPE_GROUP: return .group(try openGroup(name))
        case H5O_TYPE_DATASET: return .dataset
        default: throw GridGRPOError("\(describe(name)): is neither a group nor a dataset (a named datatype?)")
        }
    }

    /// This group's address in its file, to tell a second link to an object
    /// already visited (a cycle of hard links) from a new object.
    public var objectAddress: UInt64 {
        get throws { try address() }
    }

    /// A dataset's element type name (`float32`, `uint8`, …) and shape.
    public func describeDataset(_ name: String) throws -> (type: String, shape: [Int]) {
        let dataset = try openDataset(name)
        let fileType = HDF5ID(H5Dget_type(dataset.id), close: H5Tclose)
        return (typeName(fileType.id), try checkedShape(dataset, name).dims)
    }

    /// Any numeric dataset of at most `bound` elements (whatever its rank),
    /// converted by HDF5 to Double (for summaries). The claimed size is
    /// compared with the bound before anything is allocated.
    public func readAsDouble(_ name: String, atMost bound: Int) throws -> [Double] {
        let dataset = try openDataset(name)
        let fileType = HDF5ID(H5Dget_type(dataset.id), close: H5Tclose)
        let typeClass = H5Tget_class(fileType.id)
        guard typeClass == H5T_FLOAT || typeClass == H5T_INTEGER else {
            throw GridGRPOError("\(describe(name)): is not numeric")
        }
        let (dims, count) = try checkedShape(dataset, name)
        guard count <= bound else {
            throw GridGRPOError("\(describe(name)): claims shape \(dims) (\(count) values), expected at most \(bound) for this artifact's config")
        }
        return try readAll(dataset, name, count: count)
    }

    /// An attribute's value as text, whatever its type.
    public func attributeText(_ name: String) throws -> String {
        let attribute = try openAttribute(name)
        let fileType = HDF5ID(H5Aget_type(attribute.id), close: H5Tclose)
        switch H5Tget_class(fileType.id) {
        case H5T_STRING: return try stringAttribute(name)
        case H5T_INTEGER: return String(try convertedAttribute(name, as: Int64.self))
        case H5T_FLOAT: return String(try convertedAttribute(name, as: Double.self))
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
