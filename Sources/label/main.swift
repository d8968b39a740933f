import GridGRPO

// Flags, --help and the stage body all come from the stage registry
// (Sources/GridGRPO/Pipeline/Stage.swift).
StageCommand.main(executable: "label")
