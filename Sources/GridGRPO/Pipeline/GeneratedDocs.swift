/// Tables in the docs that are facts of the code: written between markers
///
///     <!-- BEGIN GENERATED: NAME (make docs) -->
///     …
///     <!-- END GENERATED: NAME -->
///
/// (or a whole generated file, docs/config.md) and rewritten by `make docs`
/// (`dag docs`); a test fails when a file's blocks differ from what the code
/// gives, so the docs cannot drift.
public enum GeneratedDocs {
    public struct Block: Sendable {
        public let file: String
        /// The marker name; nil when the whole file is generated.
        public let name: String?
        public let content: @Sendable () -> String
    }

    /// Every generated block, by the file (relative to the repository) it lives in.
    public static let blocks: [Block] = [
        Block(file: "README.md", name: "stages", content: stageTable),
        Block(file: "README.md", name: "stamps", content: stampTable),
        Block(file: "docs/config.md", name: nil, content: { ConfigReference.document(readBy: ConfigReference.readers()) }),
    ]

    /// The files that hold generated blocks.
    public static var files: [String] {
        blocks.reduce(into: [String]()) { if !$0.contains($1.file) { $0.append($1.file) } }
    }

    static func begin(_ name: String) -> String { "<!-- BEGIN GENERATED: \(name) (make docs) -->" }
    static func end(_ name: String) -> String { "<!-- END GENERATED: \(name) -->" }

    /// `text` (the content of `file`) with each of its blocks regenerated.
    public static func render(_ text: String, file: String) throws -> String {
        var result = text
        for block in blocks where block.file == file {
            guard let name = block.name else {
                result = block.content()
                continue
            }
            guard let start = result.range(of: begin(name)),
                  let stop = result.range(of: end(name), range: start.upperBound..<result.endIndex) else {
                throw GridGRPOError("\(file): no '\(begin(name))' … '\(end(name))' markers")
            }
            result.replaceSubrange(start.upperBound..<stop.lowerBound, with: "\n" + block.content() + "\n")
        }
        return result
    }

    /// A value over the configs that have `stage` (`PipelineConfig.variants`):
    /// the first variant's, then, in parentheses, each other variant's that differs.
    static func perVariant(_ stage: Stage, _ value: (PipelineConfig) -> String) -> String {
        let variants = PipelineConfig.variants.filter { stage.isPart(of: $0) }
        guard let first = variants.first else { return "" }
        let base = value(first)
        var others: [(names: [String], text: String)] = []
        for variant in variants.dropFirst() {
            let text = value(variant)
            if text == base { continue }
            if let index = others.firstIndex(where: { $0.text == text }) {
                others[index].names.append(variant.variantName)
            } else {
                others.append(([variant.variantName], text))
            }
        }
        return others.isEmpty ? base : "\(base) (\(others.map { "\(variantGroupName($0.names, of: variants)): \($0.text)" }.joined(separator: "; ")))"
    }

    /// A set of variants by the shortest name that covers exactly them:
    /// `grpo` for both of GRPO's, `learned reward` for every learned one.
    static func variantGroupName(_ names: [String], of variants: [PipelineConfig]) -> String {
        let chosen = Set(names)
        for algorithm in PipelineConfig.Algorithm.allCases
        where chosen == Set(variants.filter { $0.algorithm == algorithm }.map(\.variantName)) {
            return algorithm.rawValue
        }
        if chosen == Set(variants.filter { $0.preference.learnsReward }.map(\.variantName)) { return "learned reward" }
        return names.joined(separator: " and ")
    }

    static func stageTable() -> String {
        var lines = ["| stage | executable | reads | writes |", "|---|---|---|---|"]
        for stage in Stage.allCases {
            let executable = "`" + stage.executable + (stage.selector.map { " " + $0 } ?? "") + "`"
            let reads = perVariant(stage) { config in
                (["config"] + stage.inputs(for: config).map { input in
                    if input.role == .hand { return "`\(StageInput.handDirectory)/labels-n.h5`" }
                    let offset = input.role == .reference ? "ref" : input.iterationOffset == 0 ? "n" : "(n−1)"
                    return "`iter-\(offset)/\(input.file(for: config.algorithm))`"
                }).joined(separator: ", ")
            }
            let iteration = stage.runs(at: 1) ? "n" : "0000"
            let writes = perVariant(stage) { "`iter-\(iteration)/\(stage.output(for: $0.algorithm))`" }
            let name = stage.isPart(of: PipelineConfig()) ? stage.rawValue : "\(stage.rawValue) (learned reward only)"
            lines.append("| \(name) | \(executable) | \(reads) | \(writes) |")
        }
        lines.append("| plot | `plot SUBCOMMAND` | config, `best.h5`, every `eval.h5`, every update's `weights.h5` | "
                     + StageGraph.plots.map { "`\($0.output)`" }.joined(separator: ", ")
                     + " (learned reward: also " + StageGraph.preferencePlots.map { "`\($0.output)`" }.joined(separator: ", ") + ", and every `reward.h5`) |")
        return lines.joined(separator: "\n")
    }

    static func stampTable() -> String {
        var lines = ["| stage | sections in its stamp |", "|---|---|"]
        for stage in Stage.allCases {
            lines.append("| \(stage.rawValue) | \(perVariant(stage) { stage.sections(for: $0).map(\.rawValue).joined(separator: ", ") }) |")
        }
        lines.append("| plot | the whole config.yaml but `threads` (the report prints it) |")
        return lines.joined(separator: "\n")
    }
}
