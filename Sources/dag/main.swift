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

    func run() throws {
        let pipeline = try PipelineConfig.load(path: config)
        if let stamps { try StageGraph.writeParameterStamps(config: pipeline, directory: stamps) }
        print(StageGraph.makefile(config: pipeline, artifacts: artifacts, prefix: prefix), terminator: "")
    }
}

DAG.main()
