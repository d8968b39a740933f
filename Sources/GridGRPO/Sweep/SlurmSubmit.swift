import Foundation

/// `make sweep SCHEDULER=slurm`: submits the runs that are neither finished
/// nor already in the queue as one job array, and an aggregation job after
/// it, then returns. A finished run is not resubmitted and none of its files
/// is written (its config.yaml is rewritten only if the sweep changed it,
/// and then it is no longer finished).
extension Slurm {
    public struct SubmitResult: Equatable, Sendable {
        public var submitted: [String]
        public var arrayJob: String?
        public var aggregateJob: String?
        public var finished: Int
        public var alreadyQueued: Int
        public var message: String
    }

    /// - Parameters:
    ///   - bin: the directory of the release binaries, absolute (on the shared file system).
    ///   - repository: where the task's make runs (the directory holding the Makefile).
    ///   - arguments: options for sbatch (`SLURM_ARGS`, split at white space).
    public static func submit(_ plan: SweepPlan, sweepPath: String, bin: String, repository: String,
                              arguments: [String]) throws -> SubmitResult {
        try plan.writeConfigs()
        let earlier = try submissions(plan)
        let (entries, problem) = queue()
        guard let entries else { throw GridGRPOError("cannot submit: \(problem ?? "squeue failed")") }
        let queued = queuedRuns(earlier, entries)
        var pending: [SweepPlan.Run] = []
        var finished = 0
        for run in plan.runs {
            if plan.isFinished(run) {
                finished += 1
            } else if queued[run.relativePath] == nil {
                pending.append(run)
            }
        }
        let activeArrays = Set(queued.values.map { String($0.job.split(separator: "_").first ?? "") }).sorted()
        let folder = directory(plan)
        try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
        try SweepPlan.writeIfChanged(taskScript(repository: repository, bin: bin, figures: plan.sweep.figures), to: folder + "/task.sh")
        try SweepPlan.writeIfChanged(aggregateScript(repository: repository, bin: bin, sweepPath: sweepPath, directory: plan.directory),
                                     to: folder + "/aggregate.sh")
        let aggregate = plan.directory + "/" + SweepAggregateFiles.data
        if pending.isEmpty && activeArrays.isEmpty && isAggregateCurrent(plan, sweepPath: sweepPath, path: aggregate) {
            return SubmitResult(submitted: [], arrayJob: nil, aggregateJob: nil, finished: finished, alreadyQueued: 0,
                                message: "sweep '\(plan.sweep.name)': all \(plan.runs.count) runs finished and \(aggregate) is up to date; nothing to submit")
        }
        let number = (earlier.map(\.number).max() ?? 0) + 1
        var arrayJob: String?
        if !pending.isEmpty {
            let list = "\(folder)/submission-\(number).runs"
            for run in pending {
                // a new attempt starts a new log
                unlink(logPath(plan, run))
                try FileManager.default.createDirectory(atPath: (logPath(plan, run) as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
            }
            try AtomicFile.write(Array(pending.map { "\($0.directory) \(logPath(plan, $0))\n" }.joined().utf8), to: list)
            arrayJob = try sbatch(["--array=0-\(pending.count - 1)", "--job-name=gridgrpo-\(plan.sweep.name)",
                                   "--output=\(folder)/submission-\(number)-%a.out"] + arguments + [folder + "/task.sh", list])
        }
        let dependencies = (arrayJob.map { [$0] } ?? []) + activeArrays
        let aggregateJob = try sbatch((dependencies.isEmpty ? [] : ["--dependency=afterany:" + dependencies.joined(separator: ":")])
                                      + ["--job-name=gridgrpo-\(plan.sweep.name)-aggregate", "--output=\(folder)/aggregate-\(number).out"]
                                      + arguments + [folder + "/aggregate.sh"])
        let record = Submission(number: number, arrayJob: arrayJob, aggregateJob: aggregateJob, runs: pending.map(\.relativePath))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = String(decoding: try encoder.encode(record), as: UTF8.self) + "\n"
        let previous = FileManager.default.contents(atPath: recordPath(plan)) ?? Data()
        try AtomicFile.write(Array(previous) + Array(line.utf8), to: recordPath(plan))

        var lines: [String] = []
        if let arrayJob {
            lines.append("submitted \(pending.count) of \(plan.runs.count) runs of sweep '\(plan.sweep.name)' as Slurm job array \(arrayJob) (tasks 0-\(pending.count - 1)); "
                         + "\(finished) already finished, \(queued.count) already queued")
        } else {
            lines.append("no run to submit (\(finished) finished, \(queued.count) queued)")
        }
        lines.append("aggregation: Slurm job \(aggregateJob)" + (dependencies.isEmpty ? "" : " after \(dependencies.joined(separator: ", ")) (afterany)")
                     + " → \(aggregate), \(SweepAggregateFiles.figure), \(SweepAggregateFiles.table)")
        lines.append("array_job=\(arrayJob ?? "none") aggregate_job=\(aggregateJob)")
        return SubmitResult(submitted: pending.map(\.relativePath), arrayJob: arrayJob, aggregateJob: aggregateJob,
                            finished: finished, alreadyQueued: queued.count, message: lines.joined(separator: "\n"))
    }

    /// The aggregate exists and is newer than the sweep file and every run's outputs.
    static func isAggregateCurrent(_ plan: SweepPlan, sweepPath: String, path: String) -> Bool {
        guard let time = RunStatus.modificationTime(path) else { return false }
        let inputs = [sweepPath] + plan.runs.map { $0.directory + "/" + (plan.finalOutputs(of: $0).last ?? "best.h5") }
        return inputs.allSatisfy { (RunStatus.modificationTime($0) ?? .infinity) <= time }
    }

    /// `sbatch --parsable …`: the job id it prints.
    static func sbatch(_ arguments: [String]) throws -> String {
        let result = try run("sbatch", ["--parsable"] + arguments)
        guard result.status == 0 else {
            let reason = result.error.split(separator: "\n").last.map(String.init) ?? "exit status \(result.status)"
            throw GridGRPOError("sbatch \(arguments.joined(separator: " ")): \(reason)")
        }
        guard let id = result.output.split(separator: "\n").last?.split(separator: ";").first, !id.isEmpty else {
            throw GridGRPOError("sbatch printed no job id (\(result.output))")
        }
        return String(id).trimmingCharacters(in: .whitespaces)
    }

    /// One array task: line SLURM_ARRAY_TASK_ID + 1 of the run list ($1) is
    /// "RUN LOG"; the task runs that run's make with a clean environment (no
    /// MAKEFLAGS or variables of the make that submitted it) and never
    /// builds; without `figures` its goal is the run's final best.h5.
    public static func taskScript(repository: String, bin: String, figures: Bool) -> String {
        """
        #!/bin/bash
        # Generated by `sweep submit`. One task of a sweep's job array: the run on
        # line SLURM_ARRAY_TASK_ID + 1 of the run list $1 ("RUN_DIRECTORY LOG_FILE"),
        # made as an ordinary run (make ARTIFACTS=RUN\(figures ? "" : " RUN/best.h5")) with the binaries already built.
        set -u
        cd '\(repository)' || exit 1
        line=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" "$1")
        run=${line%% *}
        log=${line#* }
        mkdir -p "$(dirname "$log")"
        echo "gridgrpo-task: job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} on $(hostname): make ARTIFACTS=$run" > "$log"
        env -i PATH="$PATH" HOME="${HOME:-/}" LANG=C.UTF-8 \\
          make --no-print-directory ARTIFACTS="$run" CONFIG="$run/config.yaml" BIN='\(bin)' BUILD_STAMP= JOBS="${SLURM_CPUS_PER_TASK:-1}"\(figures ? "" : " \"$run/best.h5\"") >> "$log" 2>&1
        status=$?
        echo "\(exitMarker)$status" >> "$log"
        exit $status

        """
    }

    /// The aggregation job: the sweep's statistics over the runs that finished.
    public static func aggregateScript(repository: String, bin: String, sweepPath: String, directory: String) -> String {
        """
        #!/bin/bash
        # Generated by `sweep submit`: the sweep's aggregation, after its job array.
        set -u
        cd '\(repository)' || exit 1
        exec env -i PATH="$PATH" HOME="${HOME:-/}" LANG=C.UTF-8 '\(bin)/sweep' aggregate --sweep '\(sweepPath)' --directory '\(directory)' --allow-unfinished

        """
    }
}
