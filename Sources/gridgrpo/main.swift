import GridGRPO

// Every stage, started through a link named after it (`rollout`, `update`, …):
// flags, --help and the stage body come from the stage registry
// (Sources/GridGRPO/Pipeline/Stage.swift); the links from StageBinary.
StageBinary.main()
