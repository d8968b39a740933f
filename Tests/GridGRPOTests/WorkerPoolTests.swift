import Glibc
import Synchronization
import Testing
@testable import GridGRPO

/// The threads `Parallel`'s regions run on: every share runs exactly once
/// and at the same time as the others, a pool whose threads are taken says
/// so (its caller then uses GCD), and a pool thread that has gone to sleep
/// wakes for the next region.
@Suite("WorkerPool: kept threads for parallel regions")
struct WorkerPoolTests {
    /// Each share runs once, and they run at the same time: share 0 waits
    /// for every other share to have started, which could never happen if
    /// any ran after it on the same thread.
    @Test(arguments: [2, 3, 4])
    func everyShareRunsOnceAllAtTheSameTime(count: Int) {
        let pool = WorkerPool(size: count - 1)
        for _ in 0..<200 {
            // Share s adds 1 in its own byte: each byte 1 means each share ran once.
            let runs = Counter(), started = Counter()
            let ran = pool.run(count: count) { share in
                runs.add(1 << (8 * share))
                started.add(1)
                if share == 0 { while started.value < count { sched_yield() } }
            }
            #expect(ran)
            #expect(runs.value == (0..<count).reduce(0) { $0 + 1 << (8 * $1) })
        }
    }

    /// More shares than pool threads, or a region opened while the pool's
    /// threads run another's shares: nothing runs, the caller is told. One
    /// share needs no pool thread.
    @Test func aPoolWithTooFewFreeThreadsRefuses() {
        let pool = WorkerPool(size: 1)
        let ran = Counter()
        #expect(!pool.run(count: 3) { _ in ran.add(1) })
        #expect(ran.value == 0)
        #expect(pool.run(count: 1) { _ in ran.add(1) })   // one share: on this thread
        #expect(ran.value == 1)
        let nested = Counter()
        #expect(pool.run(count: 2) { share in
            guard share == 1 else { return }
            // The pool's one thread is this one, so the nested region cannot have it.
            if !pool.run(count: 2, { _ in ran.add(1) }) { nested.add(1) }
        })
        #expect(nested.value == 1 && ran.value == 1)
    }

    /// A pool thread idle for longer than it polls sleeps; the next region
    /// wakes it (a lost wake-up would hang this test).
    @Test func aSleepingPoolThreadWakesForTheNextRegion() {
        let pool = WorkerPool(size: 1)
        let total = Counter()
        for round in 0..<20 {
            if round % 4 == 0 { usleep(UInt32(WorkerPool.spinSeconds * 3e6)) }
            #expect(pool.run(count: 2) { share in total.add(share + 1) })
        }
        #expect(total.value == 20 * 3)
    }

    /// Regions opened from several threads at once: each either runs on the
    /// pool or is refused whole, never half.
    @Test func concurrentCallersEachGetAllOrNothing() {
        let pool = WorkerPool(size: 1)
        let shares = Counter(), regions = Counter()
        Parallel.forEach(chunks: 4, threads: 4) { _ in
            for _ in 0..<200 {
                if pool.run(count: 2, { _ in shares.add(1) }) {
                    regions.add(1)
                }
            }
        }
        #expect(shares.value == 2 * regions.value)
        #expect(regions.value > 0)
    }
}

/// A shared count for the tests' closures.
private final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    func add(_ amount: Int) { count.wrappingAdd(amount, ordering: .acquiringAndReleasing) }
    var value: Int { count.load(ordering: .acquiring) }
}
