import Foundation

/// A sweep on Slurm: the runs not yet finished go as ONE job array (task i
/// runs line i of the submission's run list: `make ARTIFACTS=RUN` in the
/// repository, on a file system the compute nodes share), and an aggregation
/// job follows it (`--dependency=afterany:ARRAY`). Everything lives under
/// `SWEEP_DIR/slurm/`: the two batch scripts, each submission's run list and
/// the record of submissions (`submissions.jsonl`), and one log per run
/// (`logs/SETTING/seed-N.log`, its last line `gridgrpo-task: exit STATUS`).
public enum Slurm {
    public struct Submission: Codable, Equatable, Sendable {
        public var number: Int
        public var arrayJob: String?
        public var aggregateJob: String
        /// The runs of the array, relative to the sweep directory, task i = runs[i].
        public var runs: [String]
    }

    /// One line of `squeue`: a job, or one task of an array.
    public struct QueueEntry: Equatable, Sendable {
        public var job: String
        public var task: Int?
        public var state: String
    }

    public static let folder = "slurm"
    public static let exitMarker = "gridgrpo-task: exit "

    public static func directory(_ plan: SweepPlan) -> String { plan.directory + "/" + folder }
    public static func logPath(_ plan: SweepPlan, _ run: SweepPlan.Run) -> String { "\(directory(plan))/logs/\(run.relativePath).log" }
    static func recordPath(_ plan: SweepPlan) -> String { directory(plan) + "/submissions.jsonl" }

    /// Every earlier submission of this sweep directory, oldest first.
    public static func submissions(_ plan: SweepPlan) throws -> [Submission] {
        let path = recordPath(plan)
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return try data.split(separator: UInt8(ascii: "\n")).enumerated().map { index, line in
            guard let record = try? JSONDecoder().decode(Submission.self, from: Data(line)) else {
                throw GridGRPOError("\(path):\(index + 1): not a submission record")
            }
            return record
        }
    }

    /// The user's jobs in the queue, array tasks one per line (`squeue -r`),
    /// or nil with the reason when squeue cannot be asked.
    public static func queue() -> (entries: [QueueEntry]?, problem: String?) {
        let user = getpwuid(getuid()).flatMap { String(validatingCString: $0.pointee.pw_name) } ?? "root"
        guard let result = try? run("squeue", ["-h", "-r", "-u", user, "-o", "%F|%K|%T|%i"]) else {
            return (nil, "squeue is not installed here")
        }
        guard result.status == 0 else { return (nil, "squeue failed: \(result.error.split(separator: "\n").first ?? "")") }
        return (parseQueue(result.output), nil)
    }

    /// `%F|%K|%T|%i` lines: array job id, task index (N/A for a plain job), state, job id.
    public static func parseQueue(_ text: String) -> [QueueEntry] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 4 else { return nil }
            if let task = Int(fields[1]) { return QueueEntry(job: fields[0], task: task, state: fields[2]) }
            return QueueEntry(job: fields[3], task: nil, state: fields[2])
        }
    }

    /// The queue state of each run that is in the queue, by relative path.
    public static func queuedRuns(_ submissions: [Submission], _ entries: [QueueEntry]) -> [String: (state: String, job: String)] {
        var result: [String: (state: String, job: String)] = [:]
        for entry in entries {
            guard let task = entry.task,
                  let submission = submissions.last(where: { $0.arrayJob == entry.job }), task < submission.runs.count else { continue }
            result[submission.runs[task]] = (entry.state, "\(entry.job)_\(task)")
        }
        return result
    }

    /// The state a run's Slurm log shows after its task left the queue:
    /// failed with its last error line, or nil if it has no log or exited 0.
    public static func failure(log path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        guard let last = lines.last else { return nil }
        // make's own lines ("make: *** [rule] Error 1") say only that something failed
        let errors = lines.dropLast().filter { !$0.hasPrefix("gridgrpo-task:") && !($0.hasPrefix("make") && $0.contains("***")) }
        let reason = errors.last.map { "\($0) (log: \(path))" } ?? "see \(path)"
        if last.hasPrefix(exitMarker) {
            return last == exitMarker + "0" ? nil : reason
        }
        return "its task stopped without an exit status (cancelled, out of time or its node failed); " + reason
    }

    /// Runs a program found on PATH; its exit status, standard output and error.
    public static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // read both pipes to the end before waiting, so neither fills up
        let errorData = ErrorCollector(error.fileHandleForReading)
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let status = process.terminationStatus
        if status == 127 { throw GridGRPOError("\(program): not found on PATH") }
        return (status, String(decoding: outputData, as: UTF8.self), errorData.text())
    }

    /// Reads a pipe to its end on another thread.
    final class ErrorCollector: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)
        init(_ handle: FileHandle) {
            Thread.detachNewThread { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }
        }
        func text() -> String {
            done.wait()
            return String(decoding: data, as: UTF8.self)
        }
    }
}
