import Foundation

/// Runs a stage body, printing its summary line with the wall time it took.
/// Errors propagate to the executable's argument parser, which prints them on
/// one line to standard error and exits non-zero.
public func runStage(_ body: () throws -> String) throws {
    let start = DispatchTime.now().uptimeNanoseconds
    let summary = try body()
    let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    print(summary + String(format: "  (%.0f ms)", milliseconds))
}
