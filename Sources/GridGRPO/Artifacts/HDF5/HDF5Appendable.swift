import CHDF5

extension HDF5Group {
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
        HDF5Properties.compressChunks(dcpl)
        // Appends only ever touch the last chunk or two: a small chunk cache
        // (instead of HDF5's 1 MB per dataset) keeps a streamed file's memory low.
        let dapl = HDF5ID(H5Pcreate(gg_h5p_dataset_access()), close: H5Pclose)
        _ = H5Pset_chunk_cache(dapl.id, 101, 4 * chunk * MemoryLayout<T>.size, 1.0)
        let dataset = H5Dcreate2(handle.id, name, T.fileType, space.id, gg_h5p_default(), dcpl.id, dapl.id)
        guard dataset >= 0 else { throw GridGRPOError("\(describe(name)): cannot create dataset") }
        return HDF5Appendable(dataset: HDF5ID(dataset, close: H5Dclose), label: describe(name))
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
