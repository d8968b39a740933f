import CHDF5

extension HDF5Group {
    /// Writes a dataset of the given shape. Large datasets are chunked and
    /// compressed (`HDF5Properties.compressChunks`: shuffle, deflate, a
    /// Fletcher-32 checksum per chunk), all of which HDF5 does deterministically.
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
            HDF5Properties.compressChunks(dcpl)
        }
        let dataset = H5Dcreate2(handle.id, name, T.fileType, space.id, gg_h5p_default(), dcpl.id, gg_h5p_default())
        guard dataset >= 0 else { throw GridGRPOError("\(describe(name)): cannot create dataset") }
        let owned = HDF5ID(dataset, close: H5Dclose)
        let status = values.withUnsafeBytes { H5Dwrite(owned.id, T.memoryType, gg_h5s_all(), gg_h5s_all(), gg_h5p_default(), $0.baseAddress) }
        guard status >= 0 else { throw GridGRPOError("\(describe(name)): cannot write dataset") }
    }

    /// The shape of a dataset, checking it exists (and is sane to hold in an Int).
    public func shape(of name: String) throws -> [Int] {
        let dataset = try openDataset(name)
        return try checkedShape(dataset, name).dims
    }

    /// Reads a dataset whose shape the schema (and the config) fix exactly.
    /// The shape the file claims is compared before anything is allocated or
    /// read, so a dataset claiming 2⁴⁰ elements costs nothing. `mismatch`
    /// words the error for a caller that can say where the shape comes from.
    public func read<T: HDF5Scalar>(_ name: String, as type: T.Type = T.self, shape expected: [Int],
                                    mismatch: (([Int]) -> GridGRPOError)? = nil) throws -> [T] {
        let dataset = try openTypedDataset(name, as: T.self)
        let (dims, count) = try checkedShape(dataset, name)
        guard dims == expected else {
            throw mismatch?(dims) ?? GridGRPOError("\(describe(name)): has shape \(dims), expected \(expected)")
        }
        return try readAll(dataset, name, count: count)
    }

    /// Reads a one-dimensional dataset whose length the file decides, up to
    /// `bound` elements: the most the caller's config and the file's other
    /// datasets allow. There is no unbounded read: a caller must derive one.
    public func read<T: HDF5Scalar>(_ name: String, as type: T.Type = T.self, atMost bound: Int) throws -> [T] {
        let dataset = try openTypedDataset(name, as: T.self)
        let (dims, count) = try checkedShape(dataset, name)
        guard dims.count == 1 else {
            throw GridGRPOError("\(describe(name)): has shape \(dims), expected one dimension of at most \(bound)")
        }
        guard count <= bound else {
            throw GridGRPOError("\(describe(name)): holds \(count) values, expected at most \(bound)")
        }
        return try readAll(dataset, name, count: count)
    }

    /// Opens a dataset, insisting on the element type the schema declares.
    func openTypedDataset<T: HDF5Scalar>(_ name: String, as type: T.Type) throws -> HDF5ID {
        let dataset = try openDataset(name)
        let fileType = HDF5ID(H5Dget_type(dataset.id), close: H5Tclose)
        guard H5Tget_class(fileType.id) == T.typeClass,
              H5Tget_size(fileType.id) == MemoryLayout<T>.size,
              T.typeClass != H5T_INTEGER || (H5Tget_sign(fileType.id) == H5T_SGN_2) == T.isSigned
        else {
            throw GridGRPOError("\(describe(name)): has type \(typeName(fileType.id)), expected \(T.typeName)")
        }
        return dataset
    }

    /// Reads `count` elements, the product of a shape already checked. A
    /// dataset must also store the bytes it claims: deflate shrinks data at
    /// most about 1032-fold, so a dataset claiming more values than its stored
    /// bytes could hold (chunks never written, which HDF5 would fill) is
    /// refused before the buffer is allocated.
    func readAll<T: HDF5Scalar>(_ dataset: HDF5ID, _ name: String, count: Int) throws -> [T] {
        let fileType = HDF5ID(H5Dget_type(dataset.id), close: H5Tclose)
        let (claimed, overflow) = count.multipliedReportingOverflow(by: max(1, H5Tget_size(fileType.id)))
        let stored = UInt64(H5Dget_storage_size(dataset.id))
        guard !overflow, UInt64(claimed) <= stored.multipliedReportingOverflow(by: 1100).partialValue + 65536 else {
            throw GridGRPOError("\(describe(name)): claims \(count) values but stores only \(stored) bytes (a dataset resized without its data?)")
        }
        var values = [T](repeating: 0, count: count)
        if count > 0 {
            let status = values.withUnsafeMutableBytes {
                H5Dread(dataset.id, T.memoryType, gg_h5s_all(), gg_h5s_all(), gg_h5p_default(), $0.baseAddress)
            }
            guard status >= 0 else { throw GridGRPOError("\(describe(name)): cannot read dataset (file damaged?)") }
        }
        return values
    }

    /// Opens a dataset reached by a hard link whose raw data is in this file.
    func openDataset(_ name: String) throws -> HDF5ID {
        guard contains(name) else { throw GridGRPOError("\(describe(name)): dataset is missing") }
        try checkHardLink(name)
        let id = H5Dopen2(handle.id, name, gg_h5p_default())
        guard id >= 0 else { throw GridGRPOError("\(describe(name)): is not a readable dataset") }
        let dataset = HDF5ID(id, close: H5Dclose)
        switch gg_dataset_data_is_internal(id) {
        case 1: return dataset
        case 0: throw GridGRPOError("\(describe(name)): keeps its data outside the file (external storage or a virtual dataset); GridGRPO reads only data inside the file")
        default: throw GridGRPOError("\(describe(name)): unreadable storage layout (file damaged?)")
        }
    }

    /// The dimensions a dataset claims and their product, converted exactly:
    /// a dimension or a product that does not fit in an Int is an error, not a trap.
    func checkedShape(_ dataset: HDF5ID, _ name: String) throws -> (dims: [Int], count: Int) {
        let space = HDF5ID(H5Dget_space(dataset.id), close: H5Sclose)
        let rank = H5Sget_simple_extent_ndims(space.id)
        guard rank >= 0, rank <= 32 else { throw GridGRPOError("\(describe(name)): unreadable dataspace (file damaged?)") }
        var raw = [hsize_t](repeating: 0, count: Int(rank))
        guard H5Sget_simple_extent_dims(space.id, &raw, nil) >= 0 else {
            throw GridGRPOError("\(describe(name)): unreadable dataspace (file damaged?)")
        }
        var dims: [Int] = [], count = 1
        for value in raw {
            guard let dim = Int(exactly: value) else {
                throw GridGRPOError("\(describe(name)): claims a dimension of \(value), more than any artifact holds")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow else {
                throw GridGRPOError("\(describe(name)): claims shape \(raw), more elements than any artifact holds")
            }
            dims.append(dim)
            count = product
        }
        return (dims, count)
    }

    func typeName(_ type: hid_t) -> String {
        let size = H5Tget_size(type) * 8
        switch H5Tget_class(type) {
        case H5T_FLOAT: return "float\(size)"
        case H5T_INTEGER: return (H5Tget_sign(type) == H5T_SGN_2 ? "int" : "uint") + "\(size)"
        case H5T_STRING: return "string"
        default: return "a non-numeric type"
        }
    }
}
