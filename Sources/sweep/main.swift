import ArgumentParser
import Foundation
import GridGRPO
import GridGRPOPlot

struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Many runs from one sweep file (sweeps/NAME.yaml): plan them, submit them to Slurm, follow them, aggregate them.",
        discussion: """
        Usually called through make, from the repository root:

          make sweep SWEEP=sweeps/NAME.yaml
            plan, run every run on this machine (-jN), aggregate
          make sweep SWEEP=sweeps/NAME.yaml SCHEDULER=slurm SLURM_ARGS='…'
            submit the unfinished runs as one job array; again to resubmit
          make sweep-status SWEEP=sweeps/NAME.yaml
            each run's state

        A sweep file has the keys name, description, base, seeds, axes, \
        settings (label, config, set), figures and bootstrap (replicates, seed, \
        confidence); README "Sweeps" explains them, the run directories and the \
        statistics.
        """,
        subcommands: [Plan.self, Aggregate.self, Submit.self, Status.self])
}

/// The sweep file and the directory its runs go to.
struct SweepOptions: ParsableArguments {
    @Option(help: "The sweep file (YAML).") var sweep: String
    @Option(help: "The sweep directory: one run directory per (setting, seed) below it.") var directory: String

    func plan() throws -> SweepPlan {
        try SweepPlan.expand(try SweepFile.load(path: sweep), directory: directory)
    }
}

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate the sweep file and write each run's config.yaml; with --output, also the local sweep's make rules.",
        discussion: """
        Writes DIRECTORY/SETTING/seed-N/config.yaml for every run, each only if its bytes \
        changed. With --output FILE (DIRECTORY/sweep.mk) also each run's parameter stamps and \
        rules (rules.mk) and FILE, which includes them all, for `make sweep` to run every run \
        in one make. --list prints the run directories instead.
        """)
    @OptionGroup var options: SweepOptions
    @Option(help: "Write the local sweep's make rules here (the Makefile's SWEEP_DIR/sweep.mk).") var output: String?
    @Flag(help: "Only print the run directories, one per line.") var list = false

    func run() throws {
        let plan = try options.plan()
        if list {
            print(plan.runs.map(\.directory).joined(separator: "\n"))
            return
        }
        let changed: Int
        if let output {
            guard output == plan.directory + "/" + SweepPlan.makefileName else {
                throw ValidationError("--output must be \(plan.directory)/\(SweepPlan.makefileName), the file the Makefile includes")
            }
            changed = try plan.writeLocal(sweepPath: options.sweep)
        } else {
            changed = try plan.writeConfigs().count
        }
        let seeds = plan.sweep.seeds.count
        print("sweep      \(plan.sweep.name): \(plan.runs.count) runs (\(plan.settings.count) setting\(plan.settings.count == 1 ? "" : "s") × \(seeds) seed\(seeds == 1 ? "" : "s")) in \(plan.directory)/"
              + (changed > 0 ? ", \(changed) config\(changed == 1 ? "" : "s") written" : ""))
    }
}

struct Aggregate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The sweep's statistics: DIRECTORY/sweep.h5, sweep.png and sweep.md.",
        discussion: """
        Reads every run's eval.h5 and rollout.h5 of each iteration and its stages.jsonl; per \
        setting over seeds, median, IQM and mean with stratified bootstrap intervals, the \
        probability of improvement between settings, performance profiles and sample-efficiency \
        curves (formulas: Sources/GridGRPO/Statistics/). Appends its timing record to \
        DIRECTORY/stages.jsonl.
        """)
    @OptionGroup var options: SweepOptions
    @Flag(help: "Aggregate the runs that finished and list the others (the Slurm aggregation job) instead of refusing.")
    var allowUnfinished = false
    @Option(help: "Worker threads for the bootstrap (0 = every core); the numbers do not depend on it.") var threads = 0

    func run() throws {
        let plan = try options.plan()
        let directory = plan.directory
        try runStage("sweep aggregate", record: directory + "/" + SweepAggregateFiles.records) {
            let (outcomes, unfinished) = try RunOutcome.load(plan, allowUnfinished: allowUnfinished)
            let summary = SweepSummary.compute(plan: plan, outcomes: outcomes, unfinished: unfinished, threads: threads)
            let table = SweepTable.markdown(summary)
            try SweepFigure.write(summary, plan: plan, to: directory + "/" + SweepAggregateFiles.figure)
            try AtomicFile.write(Array(table.utf8), to: directory + "/" + SweepAggregateFiles.table)
            // sweep.h5 last: make's target, newest when everything is written
            try SweepData.write(summary, plan: plan, to: directory + "/" + SweepAggregateFiles.data)
            return "aggregate  \(plan.sweep.name): \(outcomes.count) runs, \(plan.settings.count) settings"
                + (unfinished.isEmpty ? "" : ", \(unfinished.count) unfinished left out")
                + " → \(directory)/\(SweepAggregateFiles.table), \(SweepAggregateFiles.figure), \(SweepAggregateFiles.data)"
        }
    }
}

struct Submit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Submit the sweep's unfinished runs to Slurm as one job array, and its aggregation after it.",
        discussion: """
        Runs that are finished, or already queued or running in an earlier submission, are left \
        alone. Each task runs `make ARTIFACTS=RUN` in the current directory (the repository, on \
        a file system the compute nodes share) with the binaries in --bin. sbatch options come \
        from the SLURM_ARGS environment variable (split at white space), e.g. \
        SLURM_ARGS='--partition=short --time=00:20:00 --cpus-per-task=2'.
        """)
    @OptionGroup var options: SweepOptions
    @Option(help: "The directory of the built binaries, as the compute nodes see it (absolute).") var bin: String

    func run() throws {
        let plan = try options.plan()
        let repository = FileManager.default.currentDirectoryPath
        for (name, value) in [("--bin", bin), ("the current directory", repository), ("--sweep", options.sweep)]
            where value.contains("'") || value.contains("\n") {
            throw ValidationError("\(name) '\(value)' holds a quote or a line break, which the batch scripts cannot carry")
        }
        guard bin.hasPrefix("/") else { throw ValidationError("--bin must be an absolute path (the compute nodes run it)") }
        let arguments = (ProcessInfo.processInfo.environment["SLURM_ARGS"] ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
        let result = try Slurm.submit(plan, sweepPath: options.sweep, bin: bin, repository: repository, arguments: arguments)
        print(result.message)
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Each run of the sweep: not started, queued, running (iteration k of n), done (optimal at iteration k) or failed (its last error line).",
        discussion: "From the runs' own files, the make locks they hold, and, for a sweep submitted to Slurm, squeue and each task's log.")
    @OptionGroup var options: SweepOptions

    func run() throws {
        print(try SweepStatus.report(try options.plan()))
    }
}

Sweep.main()
