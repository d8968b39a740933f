import ArgumentParser
import GridGRPO

struct DAG: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dag",
        abstract: "Print the Makefile rules of a run's stage DAG.",
        discussion: """
        Reads the config (for the number of iterations) and prints one make rule per stage and \
        iteration, generated from the stage list in Sources/GridGRPO/Pipeline/StageGraph.swift. \
        The Makefile includes the result as $(ARTIFACTS)/dag.mk.
        """)

    @Option(help: "The run's pipeline config (YAML).") var config: String
    @Option(help: "The run directory to write into the rules (default: the make variable $(ARTIFACTS)).")
    var artifacts = "$(ARTIFACTS)"
    @Option(help: "Prefix for the variables the rules define, so several runs' rules can be included together.")
    var prefix = ""

    func run() throws {
        let pipeline = try PipelineConfig.load(path: config)
        print(StageGraph.makefile(config: pipeline, artifacts: artifacts, prefix: prefix), terminator: "")
    }
}

DAG.main()
