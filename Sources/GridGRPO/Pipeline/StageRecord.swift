import Foundation

/// One run of a stage, as a line of JSON appended to the run's
/// `stages.jsonl`: which stage, which iteration, how long its body took
/// (inside the process, start-up excluded) and the summary line it printed.
/// The report and `make compare` read the stage times from here, through
/// `StageRecord.read`, and nowhere else.
public struct StageRecord: Codable, Equatable, Sendable {
    /// `rollout`, …, or `plot SUBCOMMAND`.
    public var stage: String
    /// The iteration, for the iteration stages.
    public var iteration: Int?
    public var milliseconds: Double
    public var summary: String

    public init(stage: String, iteration: Int?, milliseconds: Double, summary: String) {
        self.stage = stage
        self.iteration = iteration
        self.milliseconds = milliseconds
        self.summary = summary
    }

    /// The record's line (JSON, sorted keys, slashes as they are, no newline
    /// inside; `iteration` left out when nil, as its `Codable` form reads it back).
    public var line: String {
        var members: [String: JSONText] = ["stage": .string(stage), "milliseconds": .double(milliseconds), "summary": .string(summary)]
        if let iteration { members["iteration"] = .integer(iteration) }
        return JSONText.object(members).text(escapingSlashes: false)
    }

    /// Appends the record to `path` with one `write` on a file opened for
    /// appending, so concurrent stages (make -j) never interleave within a line.
    public func append(to path: String) throws {
        let bytes = Array((line + "\n").utf8)
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw GridGRPOError("\(path): cannot open the stage record for appending (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw GridGRPOError("\(path): cannot append the stage record (\(String(cString: strerror(errno))))")
        }
    }

    /// Every record of `path`, in the order they were written. A line that is
    /// not a record is an error naming the line.
    public static func read(path: String) throws -> [StageRecord] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GridGRPOError("\(path): missing (run the pipeline with make, which records the stage times)")
        }
        let decoder = JSONDecoder()
        var records: [StageRecord] = []
        for (index, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() where !line.isEmpty {
            guard let record = try? decoder.decode(StageRecord.self, from: Data(line)),
                  record.milliseconds.isFinite, record.milliseconds >= 0 else {
                throw GridGRPOError("\(path):\(index + 1): not a stage record (expected a JSON object with stage, milliseconds, summary)")
            }
            records.append(record)
        }
        return records
    }

    /// Total milliseconds and number of runs per stage, in order of first appearance.
    public static func totals(_ records: [StageRecord]) -> [(stage: String, runs: Int, milliseconds: Double)] {
        var totals: [String: (runs: Int, milliseconds: Double)] = [:]
        var order: [String] = []
        for record in records {
            if totals[record.stage] == nil { order.append(record.stage) }
            let current = totals[record.stage] ?? (0, 0)
            totals[record.stage] = (current.runs + 1, current.milliseconds + record.milliseconds)
        }
        return order.compactMap { stage in totals[stage].map { (stage, $0.runs, $0.milliseconds) } }
    }

    /// The latest record of each (stage, iteration): a rerun replaces the earlier time.
    public static func latest(_ records: [StageRecord]) -> [String: StageRecord] {
        var result: [String: StageRecord] = [:]
        for record in records { result[key(record.stage, record.iteration)] = record }
        return result
    }

    public static func key(_ stage: String, _ iteration: Int?) -> String {
        iteration.map { "\(stage) \($0)" } ?? stage
    }

    /// The file name of a run's records, in its directory.
    public static let fileName = "stages.jsonl"
}

/// Runs a stage body, printing its summary line with the wall time it took
/// and, given a record path, appending its `StageRecord` there.
public func runStage(_ name: String, iteration: Int? = nil, record: String? = nil, _ body: () throws -> String) throws {
    let start = DispatchTime.now().uptimeNanoseconds
    let summary = try body()
    let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    print(summary + String(cFormat: "  (%.0f ms)", milliseconds))
    if let record {
        try StageRecord(stage: name, iteration: iteration, milliseconds: milliseconds, summary: summary).append(to: record)
    }
}
