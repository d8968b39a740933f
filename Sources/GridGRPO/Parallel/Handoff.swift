import Glibc
import Synchronization

/// A value one side of a `Parallel.both` hands to the other: `put` once,
/// `take` waits until it is there. Only the second closure of `both` may
/// `take` what the first `put`s, and the first must never wait for the
/// second: then the wait cannot deadlock. With one thread `both` runs the
/// first to its end before starting the second; with more, either each runs
/// on its own thread (the caller's and a `WorkerPool` thread's), or, when
/// no pool thread is free, `concurrentPerform` starts the first no later
/// than the second (it hands out its iterations in order, each to a thread
/// that runs it to its end).
final class Handoff<T: Sendable>: @unchecked Sendable {
    private var value: T?
    private let ready = Atomic<Bool>(false)

    init() {}

    func put(_ newValue: T) {
        value = newValue
        ready.store(true, ordering: .releasing)
    }

    /// The value if it has been `put`, nil if not yet (never waits).
    func peek() -> T? {
        ready.load(ordering: .acquiring) ? value : nil
    }

    /// The value, once `put` (waiting, yielding the processor, until then).
    func take() -> T {
        while true {
            if let value = peek() { return value }
            sched_yield()
        }
    }
}
