import Foundation
import GridGRPO

/// The measurements of `make bench`, in order, as one report.
public enum BenchmarkSuite {
    public static func run(binaries: String, scratch: String, includePipeline: Bool,
                           progress: (String) -> Void) throws -> Benchmark.Report {
        let cores = Parallel.workerCount(0)
        let clock = Benchmark.clockGHz()
        let path = Kernels.activePath
        let limit = Benchmark.flopsPerCycle(path)
        let peakFlops = clock * 1e9 * limit.flops
        var rows: [Benchmark.Row] = []
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]

        progress("rollout, 1 thread …")
        let one = Benchmark.rollout(threads: 1)
        rows.append(.init(name: "rollout env steps/s, 1 thread", value: one.stepsPerSecond, unit: "steps/s", target: 2_000_000,
                          higherIsBetter: true, peakFraction: nil,
                          note: "\(one.steps) steps of 16384 random-walk episodes (5×5, h = 64), policy table included"))
        progress("rollout, \(cores) threads …")
        let many = Benchmark.rollout(threads: cores)
        rows.append(.init(name: "rollout env steps/s, \(cores) threads", value: many.stepsPerSecond, unit: "steps/s",
                          target: 1.8 * one.stepsPerSecond, higherIsBetter: true, peakFraction: nil,
                          note: String(format: "%.2f× one thread (target 1.8×)", many.stepsPerSecond / one.stepsPerSecond)))

        progress("update …")
        let update = Benchmark.update(threads: 1)
        rows.append(.init(name: "update samples/s, 1 thread", value: update.samplesPerSecond, unit: "samples/s", target: 1_000_000,
                          higherIsBetter: true, peakFraction: update.flopsPerSecond / peakFlops,
                          note: String(format: "policy + value forward, backward and Adam; %.2f GFLOP/s", update.flopsPerSecond / 1e9)))
        let updateMany = Benchmark.update(threads: cores)
        rows.append(.init(name: "update samples/s, \(cores) threads", value: updateMany.samplesPerSecond, unit: "samples/s",
                          target: 1.8 * update.samplesPerSecond, higherIsBetter: true,
                          peakFraction: updateMany.flopsPerSecond / (peakFlops * Double(cores)),
                          note: String(format: "%.2f× one thread (target 1.8×); %.2f GFLOP/s",
                                       updateMany.samplesPerSecond / update.samplesPerSecond, updateMany.flopsPerSecond / 1e9)))

        progress("evaluation …")
        let evaluation = Benchmark.evaluation(threads: 1)
        let policy = Agent.initial(world: PipelineConfig().world, hiddenSize: 64, seed: 0).policy
        let tableFlops = Double(25 * 25) * Benchmark.forwardFlops(policy)
        rows.append(.init(name: "exhaustive evaluation, initial policy", value: evaluation * 1000, unit: "ms", target: 2,
                          higherIsBetter: false, peakFraction: tableFlops / evaluation / peakFlops,
                          note: "greedy from all 600 plus the blog's 100 sampled episodes, 1 thread; most greedy episodes loop until max_steps"))

        progress("worlds: 32×32 maze rollout, 19×19 four_rooms evaluation …")
        let maze = Benchmark.worldRollout(.maze, size: 32, threads: 1)
        rows.append(.init(name: "rollout env steps/s, 32×32 maze, 1 thread", value: maze.stepsPerSecond, unit: "steps/s",
                          target: one.stepsPerSecond / 2, higherIsBetter: true, peakFraction: nil,
                          note: String(format: "%d steps of 16384 random-walk episodes, policy table (%d states) included; %.2f× the open 5×5 grid's per step (target ≥ 0.5×)",
                                       maze.steps, maze.tableStates, maze.stepsPerSecond / one.stepsPerSecond)))
        let rooms = Benchmark.worldConfig(.fourRooms, size: 19)
        let roomsPolicy = Benchmark.initialPolicy(rooms)
        let roomsSeconds = Benchmark.evaluation(config: rooms, threads: 1, repetitions: 5)
        let roomsStates = Double(PolicyTable(world: rooms.world).stateCount)
        rows.append(.init(name: "exhaustive evaluation, 19×19 four_rooms", value: roomsSeconds * 1000, unit: "ms", target: 50,
                          higherIsBetter: false, peakFraction: roomsStates * Benchmark.forwardFlops(roomsPolicy) / roomsSeconds / peakFlops,
                          note: "initial policy (most greedy episodes loop until max_steps 100), \(rooms.world.configurationCount) configurations, \(Int(roomsStates)) table states, 1 thread"))

        progress("stage start-up …")
        let directory = scratch + "/stage"
        try? FileManager.default.removeItem(atPath: scratch)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let config = directory + "/tiny.yaml"
        guard FileManager.default.createFile(atPath: config, contents: Data("environment: {grid_size: 3}\nnetwork: {hidden_size: 8}\n".utf8)) else {
            throw GridGRPOError("\(config): cannot write")
        }
        let tiny = try PipelineConfig.load(path: config)
        let initial = StageInvocation(stage: .initialize, iteration: 0, config: tiny, directory: directory, configPath: config,
                                      output: directory + "/weights.h5")
        _ = try initial.run()
        let help = try Benchmark.processSeconds(binaries + "/evaluate", ["--help"], repetitions: Benchmark.startUpRepetitions)
        rows.append(.init(name: "process start-up (evaluate --help)", value: help * 1000, unit: "ms", target: 3,
                          higherIsBetter: false, peakFraction: nil, note: "fastest of \(Benchmark.startUpRepetitions): exec through the stage link to gridgrpo (statically linked, glibc included where its archives are installed), argument parsing, exit"))
        let evaluate = StageInvocation(stage: .evaluate, configPath: config, iteration: 0, inputs: [.init(.weights, initial.output)],
                                       output: directory + "/eval.h5")
        let stage = try Benchmark.processSeconds(binaries + "/" + evaluate.stage.executable, evaluate.arguments,
                                                 repetitions: Benchmark.startUpRepetitions)
        rows.append(.init(name: "stage process, small input (evaluate 3×3)", value: stage * 1000, unit: "ms", target: 5,
                          higherIsBetter: false, peakFraction: nil, note: "fastest of \(Benchmark.startUpRepetitions): exec to exit: config, HDF5 read, evaluation, HDF5 write"))

        if includePipeline {
            progress("default run (pipeline.yaml) to best.h5 …")
            let run = scratch + "/run"
            let total = try timeMake(target: "all", artifacts: run, binaries: binaries)
            let best = try ArtifactSchema.readBest(path: run + "/best.h5", config: try PipelineConfig.load(path: "pipeline.yaml"))
            let first = best.best.firstAllOptimalIteration
            rows.append(.init(name: "default run, all \(PipelineConfig().iterations) iterations", value: total, unit: "s", target: 2,
                              higherIsBetter: false, peakFraction: nil,
                              note: "make from empty artifacts, binaries built: every stage, the figures and the report"))
            // The stages of iteration 1 of the default run, rerun on its own files.
            let runConfig = run + "/config.yaml", out = scratch + "/stage/out.h5"
            let defaults = try PipelineConfig.load(path: runConfig)
            var peak = (stage: "", megabytes: 0.0)
            var latencies: [String] = []
            for stage in Stage.stages(of: defaults) where stage.runs(at: 1) {
                let invocation = StageInvocation(stage: stage, iteration: 1, config: defaults, directory: run, output: out)
                let name = stage.rawValue, executable = binaries + "/" + stage.executable
                let seconds = try Benchmark.processSeconds(executable, invocation.arguments, repetitions: 7)
                let megabytes = try Benchmark.peakMemory(executable, invocation.arguments)
                latencies.append(String(format: "%@ %.0f ms %.0f MB", name, seconds * 1000, megabytes))
                if megabytes > peak.megabytes { peak = (name, megabytes) }
            }
            rows.append(.init(name: "peak memory of a stage, default config", value: peak.megabytes, unit: "MB", target: 50,
                              higherIsBetter: false, peakFraction: nil,
                              note: "largest, \(peak.stage); the stages of iteration 1 (long random-walk episodes): " + latencies.joined(separator: ", ")))
            // A rollout of a million episodes from the last iteration's policy,
            // which the stage appends to rollout.h5 in blocks. max_steps 50
            // keeps it within the config's memory rule (episodes × max_steps
            // ≤ 50M); the trained policy's episodes are 1–8 moves anyway.
            let million = scratch + "/stage/million.yaml"
            let last = PipelineConfig().iterations
            guard FileManager.default.createFile(atPath: million, contents: Data("iterations: \(last + 1)\nenvironment: {max_steps: 50}\nrollout: {pairs: 500000}\n".utf8)) else {
                throw GridGRPOError("\(million): cannot write")
            }
            let millionArguments = StageInvocation(stage: .rollout, iteration: last + 1, config: try PipelineConfig.load(path: million),
                                                   directory: run, configPath: million, output: scratch + "/stage/million.h5").arguments
            let millionSeconds = try Benchmark.processSeconds(binaries + "/rollout", millionArguments, repetitions: 1)
            let millionMB = try Benchmark.peakMemory(binaries + "/rollout", millionArguments)
            let millionSteps = try ArtifactSchema.readRolloutSummary(path: scratch + "/stage/million.h5")
            rows.append(.init(name: "rollout of 1,000,000 episodes, peak memory", value: millionMB, unit: "MB", target: 50,
                              higherIsBetter: false, peakFraction: nil,
                              note: String(format: "trained policy, %d steps, written in blocks of %d episodes; %.2f s including HDF5 compression",
                                           millionSteps, rolloutBlock, millionSeconds)))
            let trained = try ArtifactSchema.readBest(path: run + "/best.h5", config: try PipelineConfig.load(path: runConfig)).best.policy
            let trainedEvaluation = Benchmark.fastest(repetitions: 21) {
                _ = Evaluation.run(policy: trained, world: PipelineConfig().world, sampledEpisodes: 100, seed: 0, iteration: 0, threads: 1)
            }
            rows.append(.init(name: "exhaustive evaluation, trained policy", value: trainedEvaluation * 1000, unit: "ms", target: 2,
                              higherIsBetter: false, peakFraction: tableFlops / trainedEvaluation / peakFlops,
                              note: "the default run's best.h5: optimal episodes are 1 to 8 moves"))
            if let first {
                progress("default run to its first all-optimal iteration (\(first)) …")
                var seconds = Double.infinity
                for attempt in 0..<3 {
                    let again = scratch + "/run-to-optimum-\(attempt)"
                    seconds = min(seconds, try timeMake(target: "\(again)/\(StageGraph.iterationDirectory(first))/best.h5",
                                                        artifacts: again, binaries: binaries))
                }
                rows.append(.init(name: "default run, time to optimum", value: seconds, unit: "s", target: 0.5, higherIsBetter: false,
                                  peakFraction: nil, note: "fastest of 3 × make iter-\(first)/best.h5 from empty artifacts: optimal from all 600 configurations at iteration \(first)"))
            }
        }
        progress("how cost grows: grids 5, 8, 16, 32 and hidden sizes 32, 64, 128 …")
        let scaling = Benchmark.scalingPoints.map { grid, hidden in
            Benchmark.scaling(grid: grid, hidden: hidden, repetitions: grid >= 16 ? 2 : 5)
        }
        return Benchmark.Report(date: formatter.string(from: Date()), machine: Benchmark.machineName(), cores: cores, clockGHz: clock,
                                peakFlopsPerCore: peakFlops,
                                peakNote: String(format: "%.2f GHz × %.0f FLOP/cycle (%@) = %.1f GFLOP/s per core",
                                                 clock, limit.flops, limit.how, peakFlops / 1e9),
                                kernels: path.rawValue, rows: rows, scaling: scaling)
    }

    /// Wall seconds of `make TARGET` for a fresh run directory.
    static func timeMake(target: String, artifacts: String, binaries: String) throws -> Double {
        // A fresh make, as a user would start it: not a sub-make of `make bench`
        // (whose job server it could not use).
        let environment = ProcessInfo.processInfo.environment
            .filter { !["MAKEFLAGS", "MFLAGS", "MAKELEVEL", "GRIDGRPO_LOCKED"].contains($0.key) }
            .map { "\($0.key)=\($0.value)" }
        let run = try Benchmark.spawnAndWait("/usr/bin/env", ["make", "--no-print-directory", "ARTIFACTS=\(artifacts)", "BIN=\(binaries)",
                                                              "CONFIG=pipeline.yaml", target], environment: environment)
        guard run.status == 0 else { throw GridGRPOError("make \(target) failed (status \(run.status))") }
        return run.seconds
    }
}
