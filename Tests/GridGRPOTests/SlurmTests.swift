import Foundation
import Testing
@testable import GridGRPO

/// A real Slurm, not a mock: Debian's slurm-wlm and munge on a one-node
/// cluster on this machine (scripts/slurm-one-node.sh writes its slurm.conf
/// into a temporary directory and starts munged, slurmctld and slurmd). A
/// small sweep submitted with `make sweep SCHEDULER=slurm` must give every
/// run the same bytes as the same sweep made locally, and the same
/// aggregate but for the measured seconds. As root with the packages
/// (.ci/run and make deps install them); skipped otherwise.
@Suite("Sweeps on a real one-node Slurm", .serialized)
struct SlurmTests {
    static let available: Bool = {
        guard getuid() == 0 else { return false }
        return ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "scancel"].allSatisfy { program in
            (try? runProcess("/usr/bin/env", ["sh", "-c", "command -v \(program)"]).status) == 0
        }
    }()

    /// The one-node cluster: started in `directory`, stopped by the pids it recorded.
    final class Cluster {
        let directory: String
        let environment: [String: String]

        init(directory: String) throws {
            self.directory = directory
            environment = ["SLURM_CONF": directory + "/slurm.conf"]
            let start = try runProcess("/usr/bin/env", ["bash", repositoryRoot + "/scripts/slurm-one-node.sh", "start", directory])
            guard start.status == 0 else { throw GridGRPOError("one-node Slurm did not start: \(start.output)") }
        }

        /// Stops the daemons this test started, by the pids they recorded.
        func stop() {
            for daemon in ["slurmd", "slurmctld", "munged"] {
                guard let text = try? String(contentsOfFile: "\(directory)/\(daemon).pid", encoding: .utf8),
                      let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1 else { continue }
                kill(pid, SIGTERM)
                for _ in 0..<100 where kill(pid, 0) == 0 { Thread.sleep(forTimeInterval: 0.05) }
                if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
            }
        }

        func squeue(_ jobs: [String]) throws -> [String] {
            let result = try runProcess("/usr/bin/env", ["squeue", "-h", "-r", "-o", "%i %T", "-j", jobs.joined(separator: ",")], environment: environment)
            return result.output.split(separator: "\n").map(String.init).filter { !$0.contains("Invalid job id") }
        }

        /// Waits until none of `jobs` is in the queue.
        func wait(for jobs: [String], seconds: Double) throws -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if try squeue(jobs).isEmpty { return true }
                Thread.sleep(forTimeInterval: 0.5)
            }
            return false
        }
    }

    /// The job ids `make sweep SCHEDULER=slurm` printed.
    static func jobs(_ output: String) -> [String] {
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("array_job=") }) else { return [] }
        return line.split(separator: " ").compactMap { $0.split(separator: "=").last.map(String.init) }.filter { $0 != "none" }
    }

    @Test(.enabled(if: SlurmTests.available, "needs root and Debian's slurm-wlm and munge (apt-get install slurm-wlm munge; .ci/run installs them)"))
    func aSweepOnSlurmEqualsTheSameSweepMadeLocally() throws {
        let fixture = SweepFixture("sweep-slurm")
        defer { try? FileManager.default.removeItem(atPath: fixture.root) }
        let cluster = try Cluster(directory: fixture.root + "/cluster")
        defer { cluster.stop() }

        let local = try fixture.make(["sweep"], directory: fixture.root + "/local")
        #expect(local.status == 0, "\(local.output)")

        let remote = fixture.root + "/slurm"
        let submit = try fixture.make(["sweep", "SCHEDULER=slurm", "SLURM_ARGS=--time=00:10:00 --job-name=gridgrpo-test"],
                                      directory: remote, environment: cluster.environment)
        #expect(submit.status == 0, "\(submit.output)")
        #expect(submit.output.contains("submitted 4 of 4 runs of sweep 'tiny' as Slurm job array"), "\(submit.output)")
        let jobs = Self.jobs(submit.output)
        #expect(jobs.count == 2, "\(submit.output)")
        let finished = try cluster.wait(for: jobs, seconds: 240)
        #expect(finished, "the jobs did not finish: \((try? cluster.squeue(jobs)) ?? [])")

        let plan = try fixture.plan(remote)
        let localPlan = try fixture.plan(fixture.root + "/local")
        for (run, localRun) in zip(plan.runs, localPlan.runs) {
            let log = (try? String(contentsOfFile: Slurm.logPath(plan, run), encoding: .utf8)) ?? "no log"
            #expect(log.hasSuffix(Slurm.exitMarker + "0\n"), "\(run.relativePath): \(log)")
            let mine = fixture.artifacts(of: run.directory), theirs = fixture.artifacts(of: localRun.directory)
            #expect(!mine.isEmpty && fixture.e2e.differences(mine, theirs).isEmpty,
                    "\(run.relativePath) differs: \(fixture.e2e.differences(mine, theirs))")
        }
        #expect(try fixture.aggregateWithoutSeconds(remote) == (try fixture.aggregateWithoutSeconds(fixture.root + "/local")))
        #expect(FileManager.default.contents(atPath: remote + "/sweep.png") == FileManager.default.contents(atPath: fixture.root + "/local/sweep.png"))
        let status = try fixture.make(["sweep-status"], directory: remote, environment: cluster.environment)
        #expect(status.output.contains("4 runs in \(remote)/: 4 done"), "\(status.output)")

        // Resubmitting a finished sweep submits nothing and touches nothing.
        let files = plan.runs.map { $0.directory + "/best.h5" }
        let times = files.map { RunStatus.modificationTime($0) }
        let again = try fixture.make(["sweep", "SCHEDULER=slurm"], directory: remote, environment: cluster.environment)
        #expect(again.status == 0 && again.output.contains("nothing to submit"), "\(again.output)")
        #expect(files.map { RunStatus.modificationTime($0) } == times)

        // A run that fails: only it is resubmitted, and status shows its error line.
        let broken = plan.runs[1].directory
        try FileManager.default.removeItem(atPath: broken + "/best.h5")
        try FileManager.default.removeItem(atPath: broken + "/iter-0004/best.h5")
        _ = FileManager.default.createFile(atPath: broken + "/iter-0004/eval.h5", contents: Data("not HDF5".utf8))
        let retry = try fixture.make(["sweep", "SCHEDULER=slurm"], directory: remote, environment: cluster.environment)
        #expect(retry.output.contains("submitted 1 of 4 runs"), "\(retry.output)")
        #expect(try cluster.wait(for: Self.jobs(retry.output), seconds: 120))
        let failed = try fixture.make(["sweep-status"], directory: remote, environment: cluster.environment)
        #expect(failed.output.contains("blog/seed-2  failed: ") && failed.output.contains("iter-0004/eval.h5: not an HDF5 file"), "\(failed.output)")
        #expect(failed.output.contains("3 done, 1 failed"), "\(failed.output)")
        #expect(files.enumerated().allSatisfy { $0.offset == 1 || RunStatus.modificationTime($0.element) == times[$0.offset] })
        let table = try String(contentsOfFile: remote + "/" + SweepAggregateFiles.table, encoding: .utf8)
        #expect(table.contains("1 unfinished, not included**: blog/seed-2"), "\(table)")
    }

    /// Scale: hundreds of runs go to Slurm as ONE job array (and one
    /// aggregation job), not hundreds of jobs. Submitted, counted, cancelled.
    @Test(.enabled(if: SlurmTests.available, "needs root and Debian's slurm-wlm and munge (apt-get install slurm-wlm munge; .ci/run installs them)"))
    func threeHundredRunsAreOneJobArray() throws {
        let fixture = SweepFixture("sweep-slurm-300", seeds: "{from: 0, to: 149}")
        defer { try? FileManager.default.removeItem(atPath: fixture.root) }
        let cluster = try Cluster(directory: fixture.root + "/cluster")
        defer { cluster.stop() }
        let directory = fixture.root + "/s"
        let started = Date()
        let submit = try fixture.make(["sweep", "SCHEDULER=slurm", "SLURM_ARGS=--hold"], directory: directory, environment: cluster.environment)
        let seconds = Date().timeIntervalSince(started)
        #expect(submit.status == 0 && submit.output.contains("submitted 300 of 300 runs"), "\(submit.output)")
        let jobs = Self.jobs(submit.output)
        #expect(jobs.count == 2)
        let queued = try cluster.squeue(jobs)
        #expect(queued.count == 301, "\(queued.count) queue entries")  // 300 array tasks + the aggregation
        #expect(Set(queued.compactMap { $0.split(separator: "_").first.map(String.init) }).count == 2)
        let status = try fixture.make(["sweep-status"], directory: directory, environment: cluster.environment)
        #expect(status.output.contains("300 queued"), "\(status.output.prefix(300))")
        print("submitted 300 runs as one Slurm array in \(String(format: "%.2f", seconds)) s (make sweep SCHEDULER=slurm, plan and configs included)")
        _ = try runProcess("/usr/bin/env", ["scancel"] + jobs, environment: cluster.environment)
        #expect(try cluster.wait(for: jobs, seconds: 60))
    }
}
