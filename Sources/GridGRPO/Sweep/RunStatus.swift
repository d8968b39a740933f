import Foundation

/// Where a run of a sweep stands, from its own files (and, for a sweep on
/// Slurm, the queue and the task's log: `SweepStatus`).
public enum RunState: Equatable, Sendable {
    /// Nothing but its config.
    case notStarted
    /// Waiting in the Slurm queue.
    case queued
    /// A make holds its lock, or Slurm runs its task; `iteration` iterations trained.
    case running(iteration: Int, of: Int)
    /// Started, stopped before the end, no error recorded (an interrupted local make).
    case stopped(iteration: Int, of: Int)
    /// Every output of its config is there and up to date.
    case done(firstOptimal: Int?, iterations: Int)
    /// Its Slurm task ended with an error: the last error line of its log.
    case failed(String)

    public var isDone: Bool { if case .done = self { return true } else { return false } }

    public var description: String {
        switch self {
        case .notStarted: return "not started"
        case .queued: return "queued"
        case .running(let k, let n): return "running (iteration \(k) of \(n))"
        case .stopped(let k, let n): return "stopped (iteration \(k) of \(n)); make sweep continues it"
        case .done(let first?, _): return "done (optimal at iteration \(first))"
        case .done(nil, let n): return "done (not optimal within \(n) iterations)"
        case .failed(let line): return "failed: \(line)"
        }
    }
}

public enum RunStatus {
    /// A run is finished when its plot stamp (`params/plot.json`, the whole
    /// config but `threads`) is the canonical form of its config.yaml, and its
    /// final `outputs` (best.h5; the figures and report.html if the sweep
    /// draws them) all exist and are not older than that stamp: they depend
    /// on it in the run's rules, so make would find nothing to do for them. A
    /// changed config (the sweep file was edited) rewrites the stamp when the
    /// run is next made, so its old outputs no longer count.
    public static func isFinished(directory: String, config: PipelineConfig, outputs: [String]) -> Bool {
        let stamp = directory + "/" + StageGraph.plotStampFile
        guard let bytes = FileManager.default.contents(atPath: stamp), bytes.elementsEqual(Array(config.canonicalJSON.utf8)),
              let stampTime = modificationTime(stamp) else { return false }
        return outputs.allSatisfy { output in
            guard let time = modificationTime(directory + "/" + output) else { return false }
            return time >= stampTime
        }
    }

    /// Seconds since the epoch (with nanoseconds) of the file's last change, or nil if missing.
    public static func modificationTime(_ path: String) -> Double? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) * 1e-9
    }

    /// The last iteration whose update has written its weights (0 if none):
    /// how far training got. (With make -j an iteration's evaluation may
    /// lag behind the next iteration's update.)
    public static func trainedIterations(directory: String, config: PipelineConfig) -> Int {
        var iteration = config.iterations
        while iteration > 0,
              !FileManager.default.fileExists(atPath: "\(directory)/\(StageGraph.iterationDirectory(iteration))/\(Stage.update.output(for: config.algorithm))") {
            iteration -= 1
        }
        return iteration
    }

    /// The state the run's files show; `locks` from `heldLocks()`.
    public static func state(directory: String, config: PipelineConfig, outputs: [String], locks: Set<FileIdentity>) -> RunState {
        if isFinished(directory: directory, config: config, outputs: outputs) {
            let best = try? ArtifactSchema.readBest(path: directory + "/best.h5", config: config)
            return .done(firstOptimal: best?.best.firstAllOptimalIteration, iterations: config.iterations)
        }
        let progress = trainedIterations(directory: directory, config: config)
        if let lock = FileIdentity(path: directory + "/.make.lock"), locks.contains(lock) {
            return .running(iteration: progress, of: config.iterations)
        }
        let started = FileManager.default.fileExists(atPath: "\(directory)/\(StageGraph.iterationDirectory(0))")
        return started ? .stopped(iteration: progress, of: config.iterations) : .notStarted
    }

    /// A file's device and inode.
    public struct FileIdentity: Hashable, Sendable {
        public var device: UInt64
        public var inode: UInt64
        public init(device: UInt64, inode: UInt64) {
            self.device = device
            self.inode = inode
        }
        public init?(path: String) {
            var status = stat()
            guard stat(path, &status) == 0 else { return nil }
            self.init(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        }
    }

    /// The files some process holds a `flock` on, from /proc/locks, read
    /// without taking any lock (so a make starting at that instant is never
    /// refused). Empty where /proc/locks is missing.
    public static func heldLocks() -> Set<FileIdentity> {
        guard let data = FileManager.default.contents(atPath: "/proc/locks") else { return [] }
        var result = Set<FileIdentity>()
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            // "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"
            let fields = line.split(separator: " ")
            guard fields.count >= 6, fields[1] == "FLOCK" else { continue }
            let parts = fields[5].split(separator: ":")
            guard parts.count == 3, let major = UInt64(parts[0], radix: 16), let minor = UInt64(parts[1], radix: 16),
                  let inode = UInt64(parts[2]) else { continue }
            result.insert(FileIdentity(device: makeDevice(major: major, minor: minor), inode: inode))
        }
        return result
    }

    /// Linux's dev_t from a major and minor number (glibc's makedev).
    static func makeDevice(major: UInt64, minor: UInt64) -> UInt64 {
        ((major & 0xffff_f000) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffff_ff00) << 12) | (minor & 0xff)
    }
}
