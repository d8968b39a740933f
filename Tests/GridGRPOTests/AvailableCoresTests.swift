import Foundation
import Testing
@testable import GridGRPO

/// `threads: 0` means every core this process may use: the affinity mask,
/// lowered to a cgroup CPU quota.
@Suite("AvailableCores: the cores behind threads 0")
struct AvailableCoresTests {
    /// Foundation's count reads the same affinity mask and (cgroup v1) quota
    /// its own way: on a machine without a v2 quota the two agree.
    @Test func agreesWithFoundationsCount() {
        #expect(AvailableCores.count >= 1)
        #expect(Parallel.workerCount(0) == AvailableCores.count)
        #expect(Parallel.workerCount(3) == 3)
        if (try? String(contentsOfFile: "/sys/fs/cgroup/cpu.max", encoding: .utf8)) == nil {
            #expect(AvailableCores.count == ProcessInfo.processInfo.activeProcessorCount)
        }
    }

    #if os(Linux)
    /// A quota of 1.5 periods allows two cores; none (−1, or v2's "max") none.
    @Test func quotaRoundsUp() {
        #expect(AvailableCores.cores(quota: 150_000, period: 100_000) == 2)
        #expect(AvailableCores.cores(quota: 200_000, period: 100_000) == 2)
        #expect(AvailableCores.cores(quota: 50_000, period: 100_000) == 1)
        #expect(AvailableCores.cores(quota: 100_000, period: 100_000) == 1)
        #expect(AvailableCores.cores(quota: -1, period: 100_000) == nil)
        #expect(AvailableCores.cores(quota: 100_000, period: 0) == nil)
    }
    #endif
}
