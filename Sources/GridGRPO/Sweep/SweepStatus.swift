import Foundation

/// `make sweep-status`: each run's state from its own files, the Slurm queue
/// (when the sweep was submitted there) and its task's log.
public enum SweepStatus {
    public struct Line: Sendable {
        public var run: String
        public var state: RunState
        /// The Slurm job (`ARRAY_TASK`) of a queued or running task.
        public var job: String?
    }

    public static func states(_ plan: SweepPlan) throws -> (lines: [Line], note: String?) {
        let submissions = try Slurm.submissions(plan)
        var queued: [String: (state: String, job: String)] = [:]
        var note: String?
        if !submissions.isEmpty {
            let (entries, problem) = Slurm.queue()
            if let entries { queued = Slurm.queuedRuns(submissions, entries) } else { note = "Slurm queue unknown: \(problem ?? "")" }
        }
        let locks = RunStatus.heldLocks()
        let lines = plan.runs.map { run -> Line in
            var state = RunStatus.state(directory: run.directory, config: run.config, outputs: plan.finalOutputs(of: run), locks: locks)
            var job: String?
            if !state.isDone, let entry = queued[run.relativePath] {
                job = entry.job
                switch entry.state {
                case "PENDING", "REQUEUED", "REQUEUE_HOLD", "SUSPENDED", "CONFIGURING":
                    state = .queued
                default:
                    state = .running(iteration: RunStatus.trainedIterations(directory: run.directory, config: run.config),
                                     of: run.config.iterations)
                }
            } else if !state.isDone, case .running = state {
                // a make holds the run's lock: running, whatever its log says
            } else if !state.isDone, let failure = Slurm.failure(log: Slurm.logPath(plan, run)) {
                state = .failed(failure)
            }
            return Line(run: run.relativePath, state: state, job: job)
        }
        return (lines, note)
    }

    /// The report `make sweep-status` prints.
    public static func report(_ plan: SweepPlan) throws -> String {
        let (lines, note) = try states(plan)
        var counts: [String: Int] = [:]
        for line in lines {
            let key: String
            switch line.state {
            case .notStarted: key = "not started"
            case .queued: key = "queued"
            case .running: key = "running"
            case .stopped: key = "stopped"
            case .done: key = "done"
            case .failed: key = "failed"
            }
            counts[key, default: 0] += 1
        }
        let order = ["done", "running", "queued", "failed", "stopped", "not started"]
        let summary = order.compactMap { key in counts[key].map { "\($0) \(key)" } }.joined(separator: ", ")
        let width = min(60, (lines.map(\.run.count).max() ?? 0) + 2)
        var text = ["sweep '\(plan.sweep.name)': \(plan.runs.count) runs in \(plan.directory)/: \(summary)"]
        for line in lines {
            text.append(line.run.padded(to: max(width, line.run.count + 1))
                        + line.state.description + (line.job.map { "  [Slurm \($0)]" } ?? ""))
        }
        let aggregate = plan.directory + "/" + SweepAggregateFiles.data
        text.append("aggregate: " + (FileManager.default.fileExists(atPath: aggregate)
                                     ? "\(aggregate), \(SweepAggregateFiles.table), \(SweepAggregateFiles.figure)"
                                     : "not yet (\(aggregate))"))
        if let note { text.append(note) }
        return text.joined(separator: "\n")
    }
}
