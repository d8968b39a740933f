import Dispatch
import Foundation

/// Work split over threads so that the result never depends on the thread
/// count: the work is cut into fixed chunks whose boundaries depend only on
/// the problem size, each chunk's result goes to its own slot, and the caller
/// combines the slots in chunk order.
public enum Parallel {
    /// The number of worker threads for a `threads` setting: 0 means every core.
    public static func workerCount(_ threads: Int) -> Int {
        threads > 0 ? threads : AvailableCores.count
    }

    /// `body(chunk)` for every chunk in `0..<chunkCount`, on up to `threads`
    /// threads (worker t takes chunks t, t + threads, …), results in chunk order.
    public static func map<T: Sendable>(chunks chunkCount: Int, threads: Int, _ body: @Sendable (Int) -> T) -> [T] {
        map(chunks: chunkCount, threads: threads, scratch: {}) { _, chunk in body(chunk) }
    }

    /// `map` where each worker also carries a scratch value of its own from
    /// chunk to chunk (made by `makeScratch`, once per worker): a cache whose
    /// contents never change a chunk's result, such as a lazily filled
    /// policy table, is then filled once per thread instead of once per chunk.
    public static func map<Scratch, T: Sendable>(chunks chunkCount: Int, threads: Int, scratch makeScratch: @Sendable () -> Scratch,
                                                 _ body: @Sendable (inout Scratch, Int) -> T) -> [T] {
        if min(threads, chunkCount) <= 1 {
            var scratch = makeScratch()
            return (0..<chunkCount).map { body(&scratch, $0) }
        }
        let slots = Slots<T>(count: chunkCount)
        forEachWorker(chunks: chunkCount, threads: threads) { chunks in
            var scratch = makeScratch()
            for chunk in chunks { slots.store(body(&scratch, chunk), at: chunk) }
        }
        return slots.values()
    }

    /// `first` and `second` side by side, each given its share of `threads`
    /// (the first ⌊threads/2⌋, the second the rest, at least one each) to
    /// pass on to its own parallel loops; with one thread, `first` then
    /// `second` on this thread, each given 1. For two independent pieces of
    /// work whose results do not depend on their thread counts.
    public static func both<A: Sendable, B: Sendable>(threads: Int, _ first: @Sendable (Int) -> A,
                                                      _ second: @Sendable (Int) -> B) -> (A, B) {
        let workers = max(1, threads)
        if workers == 1 { return (first(1), second(1)) }
        let firstThreads = workers / 2, secondThreads = workers - workers / 2
        let a = Slots<A>(count: 1), b = Slots<B>(count: 1)
        region(workers: 2) { task in
            if task == 0 { a.store(first(firstThreads), at: 0) } else { b.store(second(secondThreads), at: 0) }
        }
        return (a.take(), b.take())
    }

    /// `body(chunk)` for every chunk in `0..<chunkCount` on up to `threads`
    /// threads: worker t takes chunks t, t + threads, … (in order on one thread).
    static func forEach(chunks chunkCount: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
        forEachWorker(chunks: chunkCount, threads: threads) { chunks in
            for chunk in chunks { body(chunk) }
        }
    }

    /// The one rule every parallel loop here shares: `min(threads, chunks)`
    /// workers, worker t given the chunks t, t + workers, … to run in order.
    private static func forEachWorker(chunks chunkCount: Int, threads: Int, _ body: @Sendable (StrideTo<Int>) -> Void) {
        let workers = min(max(1, threads), chunkCount)
        if workers <= 1 {
            body(stride(from: 0, to: chunkCount, by: 1))
            return
        }
        region(workers: workers) { worker in
            body(stride(from: worker, to: chunkCount, by: workers))
        }
    }

    /// `body(0)` … `body(workers − 1)` at the same time, each on its own
    /// thread, returning when all have: on the calling thread and the kept
    /// pool threads (`WorkerPool`), or on GCD's when those are busy or too few.
    private static func region(workers: Int, _ body: @Sendable (Int) -> Void) {
        if !WorkerPool.shared.run(count: workers, body) {
            DispatchQueue.concurrentPerform(iterations: workers, execute: body)
        }
    }

    /// The arrays of `parts` joined in order, each part copied into its place
    /// by up to `threads` threads (joining is otherwise the serial tail of a
    /// parallel rollout).
    public static func concatenate<T: BitwiseCopyable & Sendable>(_ parts: [[T]], threads: Int) -> [T] {
        let total = parts.reduce(0) { $0 + $1.count }
        var partStarts: [Int] = []
        var position = 0
        for part in parts {
            partStarts.append(position)
            position += part.count
        }
        let starts = partStarts
        return [T](unsafeUninitializedCapacity: total) { buffer, initialized in
            guard let base = buffer.baseAddress else {
                initialized = 0
                return
            }
            let target = Destination(base: base)
            forEach(chunks: parts.count, threads: threads) { index in
                parts[index].withUnsafeBufferPointer { source in
                    guard let from = source.baseAddress else { return }
                    (target.base + starts[index]).initialize(from: from, count: source.count)
                }
            }
            initialized = total
        }
    }

    /// Elements summed across `parts` (equal lengths, at least one):
    /// total[i] = ((parts[0][i] + parts[1][i]) + parts[2][i]) + …, always in
    /// part order. Threads take disjoint ranges of i, so the bits do not depend
    /// on the thread count.
    public static func sumInOrder(_ parts: [[Float]], threads: Int) -> [Float] {
        guard var total = parts.first else { return [] }
        if parts.count == 1 { return total }
        let count = total.count, blocks = (count + sumBlock - 1) / sumBlock
        total.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let target = Destination(base: base)
            forEach(chunks: blocks, threads: threads) { block in
                let range = (block * sumBlock)..<min(count, (block + 1) * sumBlock)
                for part in parts.dropFirst() {
                    part.withUnsafeBufferPointer { source in
                        guard let from = source.baseAddress else { return }
                        for i in range { target.base[i] += from[i] }
                    }
                }
            }
        }
        return total
    }

    /// Elements per block of `sumInOrder`: a few pages, so each worker's
    /// ranges stay in its cache.
    static let sumBlock = 4096

    /// The destination buffer of `concatenate`: each worker writes only its
    /// parts' disjoint ranges.
    private struct Destination<T>: @unchecked Sendable {
        let base: UnsafeMutablePointer<T>
    }

    /// One write-once slot per chunk. Each slot is written by exactly one
    /// worker and read only after its region returns (which orders them), so no lock is needed.
    private final class Slots<T>: @unchecked Sendable {
        private let buffer: UnsafeMutablePointer<T?>
        private let count: Int

        init(count: Int) {
            self.count = count
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: nil, count: count)
        }

        func store(_ value: T, at index: Int) { buffer[index] = value }

        func values() -> [T] { (0..<count).compactMap { buffer[$0] } }

        /// Slot 0's value, which `store` must have written.
        func take() -> T {
            guard let value = buffer[0] else { preconditionFailure("Parallel.both: a task stored no result") }
            return value
        }

        deinit {
            buffer.deinitialize(count: count)
            buffer.deallocate()
        }
    }
}
