import Foundation
import GridGRPO

/// `make bench`: the throughput of each kernel and the latency of the
/// pipeline, measured on this machine, against the targets of the speed issue.
/// Each kernel runs several times and the fastest run counts; nothing here is
/// a test, and nothing in the pipeline depends on it.
public enum Benchmark {
    /// One row of the table.
    public struct Row: Codable, Sendable {
        public var name: String
        public var value: Double
        public var unit: String
        /// The target and whether it is a floor (`>=`) or a ceiling (`<=`).
        public var target: Double?
        public var higherIsBetter: Bool
        /// Fraction of the machine's FLOP-bound limit, for arithmetic kernels.
        public var peakFraction: Double?
        public var note: String

        public var met: Bool? {
            target.map { higherIsBetter ? value >= $0 : value <= $0 }
        }
    }

    public struct Report: Codable, Sendable {
        public var date: String
        public var machine: String
        public var cores: Int
        public var clockGHz: Double
        /// FLOP/s of one core at the FLOP-bound limit: clock × FLOP per cycle.
        public var peakFlopsPerCore: Double
        public var peakNote: String
        /// The kernel path that ran (`GRIDGRPO_KERNELS`, or the widest the CPU has).
        public var kernels: String
        public var rows: [Row]
        public var scaling: [ScalingRow]
    }

    /// Single-precision FLOP per cycle and core at the limit of the kernel
    /// path that runs, and how that figure is made: AVX2 + FMA, two 256-bit
    /// FMA units of 8 lanes, 2 FLOP per FMA; the scalar path, one fused
    /// multiply-add per cycle (2 FLOP).
    static func flopsPerCycle(_ path: Kernels.Path) -> (flops: Double, how: String) {
        switch path {
        case .avx2: (32, "two AVX2 FMA units × 8 lanes × 2")
        case .scalar: (2, "one scalar fused multiply-add per cycle")
        }
    }

    /// Wall seconds of the fastest of `repetitions` runs of `body` (after one
    /// warm-up run). On a shared virtual machine other tenants only ever slow
    /// a run down, so the fastest run is the reproducible figure; the median
    /// swings by a factor of two from one minute to the next.
    public static func fastest(repetitions: Int, _ body: () -> Void) -> Double {
        body()
        var times: [Double] = []
        for _ in 0..<repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return times.min() ?? 0
    }

    /// FLOP of one forward pass of `network` on one grid state: the first
    /// layer adds two weight columns and a bias, the others multiply.
    static func forwardFlops(_ network: MLP) -> Double {
        let h = Double(network.hiddenSize), o = Double(network.outputSize)
        return 3 * h + 2 * h * h + h + 2 * o * h + o
    }

    /// Backward: ∂W and ∂input of the two dense layers, ReLU masks, the first
    /// layer's two columns.
    static func backwardFlops(_ network: MLP) -> Double {
        let h = Double(network.hiddenSize), o = Double(network.outputSize)
        return 4 * h * h + 4 * o * h + 4 * h
    }

    /// The rollout kernel: `episodes` sampled episodes of the default config's
    /// initial policy (long random walks), on `threads` threads.
    public static func rollout(threads: Int, episodes: Int = 16_384) -> (stepsPerSecond: Double, steps: Int) {
        var config = PipelineConfig()
        config.rollout.pairs = episodes / 2
        let agent = Agent.initial(world: config.world, hiddenSize: config.network.hiddenSize, seed: 0)
        var steps = 0
        let seconds = fastest(repetitions: 11) {
            steps = sampleRollout(policy: agent.policy, config: config, iteration: 1, threads: threads).stepCount
        }
        return (Double(steps) / seconds, steps)
    }

    /// The update kernel: `config`'s preference update (policy and value
    /// forward and backward, Adam) on one rollout of the initial policy, the
    /// fastest of `repetitions`; `samples` = steps of the preferred episodes × epochs.
    public static func update(config: PipelineConfig = PipelineConfig(), threads: Int, repetitions: Int = 5)
        -> (samplesPerSecond: Double, flopsPerSecond: Double, samples: Int, seconds: Double) {
        let agent = Agent.initial(world: config.world, hiddenSize: config.network.hiddenSize, seed: 0)
        let episodes = sampleRollout(policy: agent.policy, config: config, iteration: 1, threads: threads)
        guard let pairs = try? PreferencePairs(episodes: episodes) else { return (0, 0, 0, 0) }
        var samples = 0
        let seconds = fastest(repetitions: repetitions) {
            var trained = agent
            let metrics = try? preferenceUpdate(agent: &trained, episodes: episodes, pairs: pairs, config: config.update,
                                                world: config.world, seed: 0, iteration: 1, threads: threads)
            samples = (metrics?.trainingSteps ?? 0) * config.update.epochs
        }
        let perSample = 2 * (forwardFlops(agent.policy) + backwardFlops(agent.policy))
        return (Double(samples) / seconds, Double(samples) * perSample / seconds, samples, seconds)
    }

    /// Exhaustive evaluation of `config`'s initial policy (every configuration
    /// greedily, plus the config's sampled episodes), seconds, the fastest of `repetitions`.
    public static func evaluation(config: PipelineConfig = PipelineConfig(), threads: Int, repetitions: Int = 21) -> Double {
        let policy = initialPolicy(config)
        return fastest(repetitions: repetitions) {
            _ = Evaluation.run(policy: policy, world: config.world, sampledEpisodes: config.evaluation.sampledEpisodes,
                               seed: 0, iteration: 0, threads: threads)
        }
    }

    /// How many times the two start-up timings (`--help`, the 3×3 evaluate)
    /// run: each is a few milliseconds, and on this shared machine the
    /// other tenant's load moves a run's time by up to 0.5 ms, so the fastest
    /// of 21 (before 2026-11-27, 23:00) depended on the hour more than on the
    /// code; 101 runs take half a second.
    static let startUpRepetitions = 101

    /// Wall seconds from spawning `executable` to its exit (fastest of `repetitions`).
    public static func processSeconds(_ executable: String, _ arguments: [String], repetitions: Int = 21) throws -> Double {
        var fastest = Double.infinity
        for _ in 0..<repetitions {
            let run = try spawnAndWait(executable, arguments)
            guard run.status == 0 else {
                throw GridGRPOError("\(executable) \(arguments.joined(separator: " ")) exited with status \(run.status)")
            }
            fastest = min(fastest, run.seconds)
        }
        return fastest
    }

    /// Starts `executable` (standard output to /dev/null; `environment` as
    /// KEY=value strings, this process's own when nil) and waits for it with
    /// waitpid: the wall seconds from posix_spawn to its exit, and its wait
    /// status. (Foundation's `Process.waitUntilExit` polls a run loop, which
    /// would add its own latency to the measurement.)
    static func spawnAndWait(_ executable: String, _ arguments: [String], environment: [String]? = nil) throws -> (seconds: Double, status: Int32) {
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = environment.map { $0.map { strdup($0) } + [nil] }
        defer { envp?.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pid = pid_t()
        let start = DispatchTime.now().uptimeNanoseconds
        let spawned = envp.map { posix_spawn(&pid, executable, &actions, nil, argv, $0) } ?? posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw GridGRPOError("cannot start \(executable) (\(String(cString: strerror(spawned))))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, status)
    }

    /// Peak resident memory (MB) of one run of `executable`. A child's
    /// `ru_maxrss` also counts the memory of the process that spawned it (the
    /// child shares or copies it until exec), so the stage is started from a
    /// small Python process, not from this one: its ~10 MB is the floor.
    public static func peakMemory(_ executable: String, _ arguments: [String]) throws -> Double {
        let script = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
            + "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, executable] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let kilobytes = Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw GridGRPOError("cannot measure the peak memory of \(executable) (python3 needed)")
        }
        return kilobytes / 1024
    }

    /// The machine's clock from /proc/cpuinfo (GHz), 0 if unknown.
    public static func clockGHz() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("cpu MHz") {
            if let value = line.split(separator: ":").last.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }) {
                return value / 1000
            }
        }
        return 0
    }

    public static func machineName() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        let model = text.split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last
        return model.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
    }

    /// The table as printed by `make bench`.
    public static func format(_ report: Report) -> String {
        var lines = ["GridGRPO benchmark, \(report.date), \(report.machine), \(report.cores) cores at \(String(format: "%.2f", report.clockGHz)) GHz",
                     "kernels: \(report.kernels) (available: \(Kernels.availablePaths.map(\.rawValue).joined(separator: ", ")); GRIDGRPO_KERNELS chooses)",
                     "FLOP-bound limit: \(report.peakNote)", ""]
        let header = "measurement".padding(toLength: 44, withPad: " ", startingAt: 0) + "value".padding(toLength: 18, withPad: " ", startingAt: 0)
            + "target".padding(toLength: 16, withPad: " ", startingAt: 0) + "met   of peak"
        lines.append(header)
        lines.append(String(repeating: "-", count: header.count + 4))
        for row in report.rows {
            let value = number(row.value) + " " + row.unit
            let target = row.target.map { (row.higherIsBetter ? "≥ " : "≤ ") + number($0) } ?? "-"
            let met = row.met.map { $0 ? "yes" : "NO" } ?? "-"
            let peak = row.peakFraction.map { String(format: "%.1f%%", $0 * 100) } ?? "-"
            lines.append(row.name.padding(toLength: 44, withPad: " ", startingAt: 0) + value.padding(toLength: 18, withPad: " ", startingAt: 0)
                         + target.padding(toLength: 16, withPad: " ", startingAt: 0) + met.padding(toLength: 6, withPad: " ", startingAt: 0) + peak)
            if !row.note.isEmpty { lines.append("    " + row.note) }
        }
        if !report.scaling.isEmpty { lines += ["", formatScaling(report.scaling)] }
        return lines.joined(separator: "\n")
    }

    static func number(_ value: Double) -> String {
        if value >= 1e6 { return String(format: "%.2fM", value / 1e6) }
        if value >= 1e4 { return String(format: "%.0fk", value / 1e3) }
        if value >= 100 { return String(format: "%.0f", value) }
        if value >= 1 { return String(format: "%.2f", value) }
        return String(format: "%.3f", value)
    }
}
