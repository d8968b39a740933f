import CHDF5

extension HDF5Group {
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

    func openDataset(_ name: String) throws -> HDF5ID {
        guard contains(name) else { throw GridGRPOError("\(describe(name)): dataset is missing") }
        let id = H5Dopen2(handle.id, name, gg_h5p_default())
        guard id >= 0 else { throw GridGRPOError("\(describe(name)): is not a readable dataset") }
        return HDF5ID(id, close: H5Dclose)
    }

    func dataspaceShape(_ dataset: HDF5ID, _ name: String) throws -> [Int] {
        let space = HDF5ID(H5Dget_space(dataset.id), close: H5Sclose)
        let rank = H5Sget_simple_extent_ndims(space.id)
        guard rank >= 0 else { throw GridGRPOError("\(describe(name)): unreadable dataspace") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        _ = H5Sget_simple_extent_dims(space.id, &dims, nil)
        return dims.map { Int($0) }
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
