import Foundation

/// The command line of a stage executable, read from the registry: its flags
/// are the registry's inputs (`--weights`, …) plus `--config`, `--iteration`,
/// `--threads`, `--record` and `--output`, so no flag is declared twice, and
/// `--help` is generated from the same facts. A stage's `main.swift` is one
/// call: `StageCommand.main(executable: "rollout")`.
public enum StageCommand {
    /// A usage error: exit status 64 (EX_USAGE), like ArgumentParser's.
    struct UsageError: Error {
        let message: String
    }

    /// A flag a stage accepts: its name, whether it must be given, and its
    /// help, written only when read (`--help`, a missing flag's error): a
    /// stage parsing its arguments builds none of the texts (about 0.5 ms of
    /// a 3×3 evaluate's start, mostly generic code run once).
    public struct Flag {
        public let flag: String
        public let required: Bool
        private let text: () -> String
        public var help: String { text() }

        init(_ flag: String, required: Bool = false, help: @escaping () -> String) {
            self.flag = flag
            self.required = required
            text = help
        }
    }

    /// The flags `stage` accepts (any config: `PipelineConfig.variants`), in `--help` order, with their help.
    public static func flags(of stage: Stage) -> [Flag] {
        var flags = [Flag("--config", required: true) { "The run's pipeline config (YAML)." }]
        var roles: [InputRole] = []
        for variant in PipelineConfig.variants where stage.isPart(of: variant) {
            for input in stage.inputs(for: variant) where !roles.contains(input.role) { roles.append(input.role) }
        }
        flags += roles.map { role in Flag(role.flag) { role.help + "." } }
        if stage.takesIteration { flags.append(Flag("--iteration", required: true) { "The iteration N this stage runs at." }) }
        if stage.takesThreads {
            flags.append(Flag("--threads") {
                "Worker threads (default: the config's `threads`; 0 = every core). The output is the same bytes whatever the count."
            })
        }
        flags += stage.switches.map { option in Flag(option.flag) { option.help } }
        flags.append(Flag("--record") { "Append the stage's timing record (a JSON line) to this file, e.g. the run's \(StageRecord.fileName)." })
        flags.append(Flag("--output", required: true) {
            "Where to write \(Set(PipelineConfig.Algorithm.allCases.map(stage.output(for:))).sorted().joined(separator: " or "))."
        })
        return flags
    }

    /// Parses `arguments` (without the program name) for the stages that
    /// `executable` runs; nil for `--help`.
    public static func parse(executable: String, _ arguments: [String]) throws -> StageInvocation? {
        if arguments.contains("--help") || arguments.contains("-h") { return nil }
        let candidates = Stage.allCases.filter { $0.executable == executable }
        let selected = candidates.first { $0.selector.map(arguments.contains) ?? false }
        guard let stage = selected ?? candidates.first(where: { $0.selector == nil }) else {
            throw UsageError(message: "\(executable) is not a stage executable")
        }
        let allowed = flags(of: stage)
        var values: [String: String] = [:]
        var inputs: [StageInvocation.Input] = []
        var index = 0
        while index < arguments.count {
            var flag = arguments[index]
            index += 1
            if flag == stage.selector { continue }
            var value: String?
            if let equals = flag.firstIndex(of: "="), flag.hasPrefix("--") {
                value = String(flag[flag.index(after: equals)...])
                flag = String(flag[..<equals])
            }
            guard allowed.contains(where: { $0.flag == flag }) else {
                let usage = allowed.map(\.flag).joined(separator: ", ")
                throw UsageError(message: flag.hasPrefix("-") ? "unknown option '\(flag)' (\(name(stage)) takes \(usage))"
                                                            : "unexpected argument '\(flag)' (\(name(stage)) takes \(usage))")
            }
            if stage.switches.contains(where: { $0.flag == flag }) {
                guard value == nil else { throw UsageError(message: "'\(flag)' takes no value") }
                guard values[flag] == nil else { throw UsageError(message: "'\(flag)' given twice") }
                values[flag] = ""
                continue
            }
            if value == nil {
                guard index < arguments.count else { throw UsageError(message: "missing value for '\(flag)'") }
                value = arguments[index]
                index += 1
            }
            guard values[flag] == nil, let value else { throw UsageError(message: "'\(flag)' given twice") }
            values[flag] = value
            if let role = InputRole.allCases.first(where: { $0.flag == flag }) { inputs.append(.init(role, value)) }
        }
        for required in allowed where required.required && values[required.flag] == nil {
            throw UsageError(message: "missing '\(required.flag)' (\(required.help.dropLast()))")
        }
        func integer(_ flag: String) throws -> Int? {
            guard let text = values[flag] else { return nil }
            guard let number = Int(text) else { throw UsageError(message: "\(flag) must be a whole number, not '\(text)'") }
            return number
        }
        var invocation = StageInvocation(stage: stage, configPath: values["--config"] ?? "", iteration: try integer("--iteration") ?? 0,
                                         inputs: inputs, output: values["--output"] ?? "", threads: try integer("--threads"),
                                         record: values["--record"])
        invocation.interactive = values["--interactive"] != nil
        return invocation
    }

    /// The `--help` text of `executable`: every stage it runs.
    public static func help(executable: String) -> String {
        var text = ""
        for stage in Stage.allCases where stage.executable == executable {
            let flags = flags(of: stage)
            let switches = Set(stage.switches.map(\.flag))
            let usage = flags.map { flag -> String in
                if switches.contains(flag.flag) { return "[\(flag.flag)]" }
                return flag.required ? "\(flag.flag) <\(flag.flag.dropFirst(2))>" : "[\(flag.flag) <\(flag.flag.dropFirst(2))>]"
            }
            text += "USAGE: \(name(stage)) \(usage.joined(separator: " "))\n\n"
            let purposes = Set(PipelineConfig.Algorithm.allCases.map(stage.purpose(for:)))
            if purposes.count == 1, let purpose = purposes.first {
                text += "  \(purpose).\n"
            } else {
                for algorithm in PipelineConfig.Algorithm.allCases { text += "  \(algorithm.rawValue): \(stage.purpose(for: algorithm)).\n" }
            }
            text += "\n" + wrap(stage.details, indent: "  ") + "\n\n"
            for variant in PipelineConfig.variants where stage.isPart(of: variant) {
                let reads = ["config"] + stage.inputs(for: variant).map { "\($0.file(for: variant.algorithm)) (\($0.role.flag))" }
                text += "  \(variant.variantName): reads \(reads.joined(separator: ", ")); writes \(stage.output(for: variant.algorithm)).\n"
            }
            text += "\nOPTIONS:\n"
            for flag in flags {
                text += "  " + flag.flag.padded(to: 14) + wrap(flag.help, indent: String(repeating: " ", count: 16)).dropFirst(16) + "\n"
            }
            text += "  -h, --help    Show this help.\n\n"
        }
        let paths = Kernels.Path.allCases.map(\.rawValue).joined(separator: "|")
        text += "ENVIRONMENT:\n  \(Kernels.environmentVariable)=\(paths)\n"
            + wrap("The instruction set of the network kernels; unset, the widest this CPU has "
                   + "(\(Kernels.availablePaths.map(\.rawValue).joined(separator: ", ")) here; in use now: \(Kernels.activePath.rawValue)). "
                   + "Every path writes the same bytes.", indent: "    ") + "\n"
        return text
    }

    /// Parses the process's arguments, runs the stage with its summary line
    /// and timing record, and exits: 0, 1 with a one-line error, or 64 for a
    /// usage error.
    public static func main(executable: String, arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        do {
            guard let invocation = try parse(executable: executable, arguments) else {
                print(help(executable: executable), terminator: "")
                exit(0)
            }
            try Kernels.applyEnvironment()
            try runStage(invocation.stage.rawValue, iteration: invocation.iteration, record: invocation.record) { try invocation.run() }
            // Every file is written, synced and closed by now; libhdf5's exit
            // handler would only free its caches (0.1 ms of every stage).
            fflush(nil)
            _exit(0)
        } catch let error as UsageError {
            fail("Error: \(error.message); see \(executable) --help", status: 64)
        } catch {
            fail("Error: \(error)", status: 1)
        }
    }

    /// Prints `message` on standard error and exits without running the
    /// libraries' exit handlers: after a failed write (a full disk) libhdf5's
    /// handler would try to flush a file that cannot be flushed, and crash.
    static func fail(_ message: String, status: Int32) -> Never {
        fflush(nil)
        FileHandle.standardError.write(Data((message + "\n").utf8))
        _exit(status)
    }

    static func name(_ stage: Stage) -> String {
        stage.executable + (stage.selector.map { " " + $0 } ?? "")
    }

    /// `text` wrapped at 80 columns, every line indented.
    static func wrap(_ text: String, indent: String) -> String {
        var lines: [String] = [], line = indent
        for word in text.split(separator: " ") {
            if line.count + word.count + 1 > 80, line != indent {
                lines.append(line)
                line = indent
            }
            line += (line == indent ? "" : " ") + word
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }
}
