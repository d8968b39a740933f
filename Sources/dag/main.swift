import ArgumentParser
import Foundation
import GridGRPO

struct DAG: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dag",
        abstract: "The run's make rules ($(ARTIFACTS)/dag.mk), parameter stamps and file copies.",
        subcommands: [Rules.self, Install.self, Docs.self],
        defaultSubcommand: Rules.self)
}

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Print (or write) the Makefile rules of a run's stage DAG.",
        discussion: """
        Reads the config (for the algorithm and the number of iterations) and prints one make \
        rule per stage and iteration, generated from the stage registry in \
        Sources/GridGRPO/Pipeline/Stage.swift. The Makefile includes the result as \
        $(ARTIFACTS)/dag.mk.

        With --stamps DIR it also writes each stage's parameter stamp DIR/STAGE.json: the \
        config sections that stage reads, as canonical JSON. A stamp is rewritten only when its \
        content changes, so its timestamp (and every rule that depends on it) moves only when \
        one of those values did: editing `evaluation` reruns evaluate and what follows, not \
        rollouts or updates.
        """)

    @Option(help: "The run's pipeline config (YAML).") var config: String
    @Option(help: "The run directory to write into the rules (default: the make variable $(ARTIFACTS)).")
    var artifacts = "$(ARTIFACTS)"
    @Option(help: "Prefix for the variables the rules define, so several runs' rules can be included together.")
    var prefix = ""
    @Option(help: "Write the stages' parameter stamps (STAGE.json) into this directory, each only if its content changed.")
    var stamps: String?
    @Option(help: "Write the rules to this file (atomically) instead of standard output.")
    var output: String?
    @Option(help: "Remove from this run directory the artifacts the config no longer produces (iterations past `iterations`, files of another algorithm's stages).")
    var prune: String?

    func run() throws {
        let pipeline = try PipelineConfig.loadInput(path: config)
        if let stamps { try StageGraph.writeParameterStamps(config: pipeline, directory: stamps) }
        if let prune {
            let removed = try StageGraph.prune(config: pipeline, directory: prune)
            if let first = removed.first, let last = removed.last {
                print("pruned     \(removed.count) file\(removed.count == 1 ? "" : "s") the config no longer produces (\(first)\(removed.count > 1 ? " … " + last : ""))")
            }
        }
        let rules = StageGraph.makefile(config: pipeline, artifacts: artifacts, prefix: prefix)
        if let output {
            try AtomicFile.write(Array(rules.utf8), to: output)
        } else {
            print(rules, terminator: "")
        }
    }
}

struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Copy a file into the run atomically (config.yaml, the final best.h5).",
        discussion: """
        The copy goes through a temporary file beside the destination, is flushed to disk and \
        renamed into place, so an interrupted copy never leaves a partial file. With \
        --if-changed the destination is left alone (timestamp included) when its bytes already \
        equal the source's, so make sees it change only when a value did.
        """)

    @Option(help: "The file to copy.") var from: String
    @Option(help: "The destination.") var to: String
    @Flag(help: "Leave the destination untouched if it already holds the same bytes.") var ifChanged = false

    func run() throws {
        var status = stat()
        guard stat(from, &status) == 0 else { throw GridGRPOError("\(from): no such file") }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw GridGRPOError("\(from): not a regular file") }
        guard let bytes = FileManager.default.contents(atPath: from) else {
            throw GridGRPOError("\(from): cannot read (permissions?)")
        }
        if ifChanged, FileManager.default.contents(atPath: to) == bytes { return }
        try AtomicFile.write(Array(bytes), to: to)
        if ifChanged { print("config     \(from) -> \(to)") }
    }
}

struct Docs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docs",
        abstract: "Regenerate the docs' tables that are facts of the code (make docs).",
        discussion: """
        Rewrites, in each file that holds them, the blocks between         <!-- BEGIN GENERATED: NAME (make docs) --> and <!-- END GENERATED: NAME --> markers: the         stage table and the stamp table (from the stage registry), the config reference (from         the config key tables). A test fails when they differ from the code.
        """)

    @Option(help: "The repository root.") var root = "."

    func run() throws {
        for file in GeneratedDocs.files {
            let path = root + "/" + file
            guard let data = FileManager.default.contents(atPath: path) else { throw GridGRPOError("\(path): cannot read") }
            let text = String(decoding: data, as: UTF8.self)
            let rendered = try GeneratedDocs.render(text, file: file)
            if rendered != text {
                try AtomicFile.write(Array(rendered.utf8), to: path)
                print("docs       \(file) regenerated")
            }
        }
    }
}

DAG.main()
