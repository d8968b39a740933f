import Glibc
import Synchronization

/// The chunks of one job, claimed one at a time by whichever thread asks
/// (an atomic counter), each result into its own slot: a thread that ends
/// its own work early helps with another's. Which thread ran a chunk never
/// shows: the results come back in chunk order, for the caller to combine
/// in that order.
///
/// The job's owner creates it empty, hands it to the helpers, `publish`es
/// the work once it can be started, and collects with `finish`; a helper
/// calls `help`, which runs chunks only if the work is already published
/// (it never waits for it), so no schedule can deadlock and with one thread
/// (helper first, then owner) the owner simply runs every chunk.
final class SharedChunks<T: Sendable>: @unchecked Sendable {
    let count: Int
    /// The work, once published.
    private let work = Handoff<@Sendable (Int) -> T>()
    private let slots: UnsafeMutablePointer<T?>
    private let next = Atomic<Int>(0)
    private let done = Atomic<Int>(0)

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: max(count, 1))
        slots.initialize(repeating: nil, count: max(count, 1))
    }

    deinit {
        slots.deinitialize(count: max(count, 1))
        slots.deallocate()
    }

    /// Makes the work available; call once, from the owner, before `finish`.
    func publish(_ body: @escaping @Sendable (Int) -> T) {
        work.put(body)
    }

    /// `help()` on `threads` threads.
    func help(threads: Int) {
        Parallel.forEach(chunks: max(1, min(threads, count)), threads: threads) { _ in self.help() }
    }

    /// Runs unclaimed chunks until none is left; nothing if the work is not published yet.
    func help() {
        guard let body = work.peek() else { return }
        while true {
            let chunk = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard chunk < count else { return }
            slots[chunk] = body(chunk)
            done.wrappingAdd(1, ordering: .releasing)
        }
    }

    /// Helps on `threads` threads, waits for chunks other threads claimed,
    /// and returns every result in chunk order. Owner only, after `publish`.
    func finish(threads: Int) -> [T] {
        help(threads: threads)
        while done.load(ordering: .acquiring) < count { sched_yield() }
        return (0..<count).compactMap { slots[$0] }
    }
}
