#if canImport(Glibc)
import Glibc
#endif
import CCPU
import Foundation

/// How many cores this process may use, for `threads: 0` ("every core").
///
/// On Linux: the CPUs in the process's affinity mask (`sched_getaffinity`:
/// what `taskset`, a cpuset or a Slurm allocation gives it), lowered to a
/// cgroup CPU quota rounded up when one is set (a container's `--cpus`:
/// cgroup v2 `cpu.max`, v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`), at least
/// one. Read once per process with plain system calls: Foundation's
/// `activeProcessorCount` asks the same of the cgroup files through its own
/// file reading, 0.12 ms of every stage's start. Elsewhere Foundation's count.
enum AvailableCores {
    static let count: Int = {
        #if os(Linux)
        let affinity = Int(gg_cpu_affinity_count())
        guard affinity > 0 else { return max(1, ProcessInfo.processInfo.activeProcessorCount) }
        return max(1, min(affinity, quota() ?? affinity))
        #else
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
        #endif
    }()

    #if os(Linux)
    /// ⌈quota / period⌉ of the cgroup's CPU bandwidth limit, nil when unlimited or unreadable.
    static func quota() -> Int? {
        if let line = firstLine(of: "/sys/fs/cgroup/cpu.max") {
            let fields = line.split(separator: " ")
            guard fields.count == 2, let quota = Int(fields[0]), let period = Int(fields[1]) else { return nil }
            return cores(quota: quota, period: period)
        }
        guard let quota = firstLine(of: "/sys/fs/cgroup/cpu/cpu.cfs_quota_us").flatMap({ Int($0) }),
              let period = firstLine(of: "/sys/fs/cgroup/cpu/cpu.cfs_period_us").flatMap({ Int($0) }) else { return nil }
        return cores(quota: quota, period: period)
    }

    /// ⌈quota / period⌉, nil for no limit (a quota of "max" or −1 never gets here or is negative).
    static func cores(quota: Int, period: Int) -> Int? {
        guard quota > 0, period > 0 else { return nil }
        return quota / period + (quota % period == 0 ? 0 : 1)
    }

    /// The first line of a small text file (at most 255 bytes read), nil if it cannot be read.
    static func firstLine(of path: String) -> Substring? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = read(descriptor, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).first
    }
    #endif
}
