import Foundation
import Testing
@testable import GridGRPO

/// How a stage executable or inspect ended on a hostile input: its exit
/// status, whether a signal or the deadline ended it, what it printed, and
/// its peak resident memory (GNU time's %M, in KB).
struct HostileOutcome {
    let status: Int32
    let signaled: Bool
    let output: String
    let peakKB: Int

    /// One line, non-zero status, no signal, no hang, memory far below any
    /// claimed size, and no output file left behind.
    func expectRefusal(_ label: String, mentioning needle: String, output file: String?) {
        #expect(!signaled, "\(label): died by a signal or hung: \(output)")
        #expect(status != 0, "\(label): exited 0: \(output)")
        let lines = output.split(separator: "\n")
        #expect(lines.count == 1, "\(label): not one line: \(output)")
        #expect(output.contains(needle), "\(label): does not name \(needle): \(output)")
        #expect(peakKB < 400_000, "\(label): peak memory \(peakKB) KB")
        if let file { #expect(!FileManager.default.fileExists(atPath: file), "\(label): left \(file)") }
    }
}

/// Runs a binary under /usr/bin/time with a deadline: output to a file (so a
/// hang is caught by the deadline, not a blocked pipe), peak RSS measured.
func launchHostile(_ executable: String, _ arguments: [String], deadline seconds: Double = 30) throws -> HostileOutcome {
    let directory = temporaryDirectory("hostile-launch")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let log = directory + "/output.txt", rss = directory + "/rss.txt"
    FileManager.default.createFile(atPath: log, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
    process.arguments = ["-q", "-f", "%M", "-o", rss, EndToEndTests.binaries + "/" + executable] + arguments
    process.standardOutput = handle
    process.standardError = handle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
    let hung = process.isRunning
    if hung {
        // GNU time's child is the stage: end it (time then exits too).
        _ = try? runProcess("/usr/bin/pkill", ["-KILL", "-P", String(process.processIdentifier)])
        kill(process.processIdentifier, SIGKILL)
    }
    process.waitUntilExit()
    try handle.close()
    let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    let timing = (try? String(contentsOfFile: rss, encoding: .utf8)) ?? ""
    let peak = timing.split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.last ?? 0
    let signaled = hung || process.terminationReason == .uncaughtSignal || timing.contains("signal") || process.terminationStatus >= 128
    return HostileOutcome(status: process.terminationStatus, signaled: signaled, output: hung ? "hung: " + output : output, peakKB: peak)
}

/// Runs python3 with h5py on a script, failing the test on error.
func h5py(_ script: String) throws {
    let result = try runProcess("/usr/bin/env", ["python3", "-c", "import h5py, numpy as np\n" + script])
    #expect(result.status == 0, "h5py script failed: \(result.output)")
}
