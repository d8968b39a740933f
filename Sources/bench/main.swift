import ArgumentParser
import Foundation
import GridGRPO
import GridGRPOBench

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the kernels and the pipeline against the speed targets (`make bench`).",
        discussion: """
        Rollout steps per second (1 and 2 threads), update samples per second, exhaustive \
        evaluation time, a stage process's start-to-exit time, and the wall time of the default \
        run up to best.h5. Each kernel is run several times and the fastest run is reported (on a \
        shared machine other tenants only slow runs down), with the \
        fraction of the machine's FLOP-bound limit for the arithmetic kernels. Prints a table and \
        writes it as JSON.
        """)

    @Option(help: "Directory of the release stage executables.") var bin = ".build/release"
    @Option(help: "Where to write the JSON report.") var output = "artifacts/bench.json"
    @Option(help: "Scratch directory for the stage and pipeline timings (removed afterwards).")
    var scratch = "artifacts/.bench"
    @Flag(help: "Skip the full default run (the slowest measurement).") var skipPipeline = false

    func run() throws {
        try Kernels.applyEnvironment()
        // The allocator settings every stage process runs with, so the
        // in-process kernels measure as they run in the stages.
        StageBinary.keepFreedMemory()
        let report = try BenchmarkSuite.run(binaries: bin, scratch: scratch, includePipeline: !skipPipeline) { print($0) }
        print("")
        print(Benchmark.format(report))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(report), to: output)
        print("\nwritten: \(output)")
    }
}

Bench.main()
