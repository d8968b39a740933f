/// A fixed-length Float32 buffer whose first element sits on a 64-byte
/// boundary, for the matrices the kernels read row by row.
///
/// `Kernels.weightedRowSum` loads 32 bytes per instruction. A Swift array's
/// elements start 32 bytes into a 16-byte-aligned allocation, so half the
/// time every other load of a row straddles two cache lines, and on this
/// machine's CPU such a loop takes 5.7–6.0 cycles per row instead of 4.1
/// (a standalone loop over 64-float rows, offset 16 vs 0 bytes). Rows of
/// 8·k floats in one of these buffers all start aligned.
///
/// Written once, by the closure that makes it, and read-only after: copies
/// share the storage.
public struct AlignedFloats: RandomAccessCollection, Sendable {
    private let storage: Storage

    /// Byte alignment of the first element: a cache line.
    public static let alignment = 64

    /// `count` floats, every one written by `initialize` through the pointer
    /// it is given (the buffer starts uninitialised).
    public init(count: Int, initialize: (UnsafeMutablePointer<Float>) -> Void) {
        storage = Storage(count: count)
        initialize(storage.base)
    }

    /// `count` floats left uninitialised, for a caller that writes every one
    /// through `filling` before the buffer is read or shared.
    init(uninitialized count: Int) { storage = Storage(count: count) }

    /// The first element, for writing while the buffer is being filled.
    var filling: UnsafeMutablePointer<Float> { storage.base }

    /// `count` zeros.
    public init(zeros count: Int) {
        self.init(count: count) { $0.initialize(repeating: 0, count: count) }
    }

    /// A copy of `values`.
    public init<C: Collection<Float>>(_ values: C) {
        self.init(count: values.count) { base in
            let copied: Void? = values.withContiguousStorageIfAvailable { source in
                guard let from = source.baseAddress else { return }
                base.initialize(from: from, count: source.count)
            }
            if copied == nil {
                for (index, value) in values.enumerated() { base[index] = value }
            }
        }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }
    public subscript(position: Int) -> Float { storage.base[position] }

    /// The elements as a pointer (nil when empty), for the kernels.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(UnsafeBufferPointer(start: storage.count > 0 ? storage.base : nil, count: storage.count)) }
    }

    private final class Storage: @unchecked Sendable {
        let base: UnsafeMutablePointer<Float>
        let count: Int

        init(count: Int) {
            self.count = count
            let bytes = Swift.max(1, count) * MemoryLayout<Float>.stride
            base = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: AlignedFloats.alignment)
                .bindMemory(to: Float.self, capacity: Swift.max(1, count))
        }

        deinit { base.deallocate() }
    }
}

