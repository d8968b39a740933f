import Dispatch
import Glibc
import Synchronization

/// Threads kept from one parallel region to the next, so that a region's
/// other shares start about a microsecond after it does (timestamps in the
/// update, 2026-11-28).
///
/// `Parallel`'s regions are short: the preference update opens one per
/// minibatch (about 0.2 ms of work on two threads), and GCD's
/// `concurrentPerform` took 4–8 µs to start the second thread and about as
/// long to join it (measured with timestamps in the update, 2026-11-28): a
/// tenth of the minibatch. A pool thread, once done, polls for its next job
/// (yielding the processor between polls) for `spinSeconds`, then sleeps on
/// a condition variable until one is posted; the thread that opened the
/// region runs its own share and then polls for the others' ends in the
/// same way (sleeping in short naps after `spinSeconds`).
///
/// Which thread runs which share never changes a result (`Parallel`'s
/// chunks and slots fix the order of every sum). A region that finds too
/// few idle pool threads (regions opened from inside a region, or by
/// several threads at once, or asking for more workers than the machine has
/// cores) says so and its caller uses `concurrentPerform` instead.
final class WorkerPool: @unchecked Sendable {
    /// One thread per core beyond the caller's, started when first needed.
    static let shared = WorkerPool(size: AvailableCores.count - 1)

    /// How long an idle pool thread, or a caller waiting for one, keeps
    /// polling before it sleeps: longer than the gaps between the update's
    /// regions (about 15 µs), short enough that an idle stage soon stops
    /// using its cores.
    static let spinSeconds = 200e-6

    private let workers: [Worker]

    init(size: Int) { workers = (0..<max(0, size)).map { _ in Worker() } }

    /// `body(0)` on this thread and `body(1)` … `body(count − 1)` on pool
    /// threads at the same time, returning when all have returned; or, when
    /// `count − 1` pool threads cannot be had, nothing run and false.
    func run(count: Int, _ body: @Sendable (Int) -> Void) -> Bool {
        guard count > 1 else {
            if count == 1 { body(0) }
            return true
        }
        let helpers = count - 1
        guard helpers <= workers.count else { return false }
        var claimed: [Worker] = []
        claimed.reserveCapacity(helpers)
        for worker in workers where claimed.count < helpers {
            if worker.claim() { claimed.append(worker) }
        }
        guard claimed.count == helpers else {
            for worker in claimed { worker.release() }
            return false
        }
        withoutActuallyEscaping(body) { body in
            for (index, worker) in claimed.enumerated() { worker.post { body(index + 1) } }
            body(0)
            for worker in claimed { worker.waitAndRelease() }
        }
        return true
    }

    /// One pool thread and its job slot. The slot's state moves
    /// free → claimed (a caller took it) → posted (job set) → done (job
    /// run and dropped) → free (the caller saw it done).
    private final class Worker: @unchecked Sendable {
        private static let free = 0, claimed = 1, posted = 2, done = 3

        private let state = Atomic<Int>(Worker.free)
        /// Whether the thread is asleep, or about to be, on `wake`.
        private let sleeping = Atomic<Bool>(false)
        /// Written by the claiming caller before `posted`, cleared by the
        /// thread before `done`: each side reads it only after the other's store.
        private var job: (() -> Void)?
        /// Touched only by the caller holding the claim.
        private var started = false
        private let lock: UnsafeMutablePointer<pthread_mutex_t>
        private let wake: UnsafeMutablePointer<pthread_cond_t>

        init() {
            lock = .allocate(capacity: 1)
            wake = .allocate(capacity: 1)
            pthread_mutex_init(lock, nil)
            pthread_cond_init(wake, nil)
        }

        /// Takes the slot if it is free and its thread runs (started now if
        /// need be); false otherwise.
        func claim() -> Bool {
            guard state.compareExchange(expected: Self.free, desired: Self.claimed, ordering: .acquiring).exchanged else {
                return false
            }
            if !started {
                started = startThread()
                if !started {
                    release()
                    return false
                }
            }
            return true
        }

        func release() { state.store(Self.free, ordering: .releasing) }

        func post(_ newJob: @escaping () -> Void) {
            job = newJob
            state.store(Self.posted, ordering: .sequentiallyConsistent)
            // Paired with the thread's store of `sleeping` before it checks
            // the state: one of the two sees the other's store, so a
            // sleeping thread is always woken.
            if sleeping.load(ordering: .sequentiallyConsistent) {
                pthread_mutex_lock(lock)
                pthread_cond_signal(wake)
                pthread_mutex_unlock(lock)
            }
        }

        func waitAndRelease() {
            let deadline = DispatchTime.now() + WorkerPool.spinSeconds
            while state.load(ordering: .acquiring) != Self.done {
                if DispatchTime.now() < deadline { sched_yield() } else { usleep(20) }
            }
            release()
        }

        private func startThread() -> Bool {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(self).toOpaque()
            let status = pthread_create(&thread, nil, { raw in
                guard let raw else { return nil }
                Unmanaged<Worker>.fromOpaque(raw).takeRetainedValue().serve()
            }, context)
            guard status == 0 else {
                Unmanaged<Worker>.fromOpaque(context).release()
                return false
            }
            pthread_detach(thread)
            return true
        }

        /// The thread's life: wait for a job, run it, report it done.
        private func serve() -> Never {
            while true {
                waitForJob()
                job?()
                job = nil
                state.store(Self.done, ordering: .releasing)
            }
        }

        private func waitForJob() {
            let deadline = DispatchTime.now() + WorkerPool.spinSeconds
            while state.load(ordering: .acquiring) != Self.posted {
                if DispatchTime.now() < deadline {
                    sched_yield()
                    continue
                }
                pthread_mutex_lock(lock)
                sleeping.store(true, ordering: .sequentiallyConsistent)
                while state.load(ordering: .sequentiallyConsistent) != Self.posted { pthread_cond_wait(wake, lock) }
                sleeping.store(false, ordering: .relaxed)
                pthread_mutex_unlock(lock)
            }
        }
    }
}
