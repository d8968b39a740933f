import Foundation
import Testing
@testable import GridGRPO

/// docs/artifacts.md documents every name the layout declarations list.
@Suite("docs/artifacts.md matches the layouts")
struct ArtifactDocsTests {
    /// The backticked names of each `## ` section, keyed by its heading.
    static func sections(_ markdown: String) -> [(heading: String, names: [String])] {
        var result: [(heading: String, names: [String])] = []
        var inCode = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inCode.toggle(); continue }
            if inCode { continue }
            if line.hasPrefix("## ") {
                result.append((String(line.dropFirst(3)), []))
                continue
            }
            guard !result.isEmpty else { continue }
            let parts = line.split(separator: "`", omittingEmptySubsequences: false)
            for index in stride(from: 1, to: parts.count, by: 2) where index + 1 < parts.count {
                result[result.count - 1].names.append(String(parts[index]))
            }
        }
        return result
    }

    static func components(_ path: String) -> [Substring] {
        path.split(separator: "/")
    }

    /// True when `name`'s path components stand together in `token`'s
    /// (`exp_avg` in `/adam/policy/exp_avg/KEY`).
    static func mentions(_ token: String, _ name: String) -> Bool {
        let inner = components(name), outer = components(token)
        guard !inner.isEmpty, inner.count <= outer.count else { return false }
        return (0...(outer.count - inner.count)).contains { Array(outer[$0..<($0 + inner.count)]) == inner }
    }

    /// What the documentation lacks, as `file: name` lines.
    static func missing(markdown: String, layouts: [ArtifactLayout]) -> [String] {
        let sections = sections(markdown)
        var missing: [String] = []
        for layout in layouts {
            guard let section = sections.first(where: { $0.heading.contains("`\(layout.file)`") || $0.heading.contains(layout.file) }) else {
                missing.append("\(layout.file): no section")
                continue
            }
            for dataset in layout.datasets where !section.names.contains(dataset) {
                missing.append("\(layout.file): dataset \(dataset)")
            }
            for group in layout.groups where !section.names.contains(where: { mentions($0, group) }) {
                missing.append("\(layout.file): group /\(group)")
            }
            for attribute in layout.attributes where !section.names.contains(attribute) {
                missing.append("\(layout.file): attribute \(attribute)")
            }
        }
        return missing
    }

    @Test func everyDeclaredDatasetGroupAndAttributeIsDocumented() throws {
        let markdown = try String(contentsOfFile: repositoryRoot + "/docs/artifacts.md", encoding: .utf8)
        #expect(Self.missing(markdown: markdown, layouts: ArtifactSchema.layouts) == [])
    }

    @Test func theCheckNoticesAMissingName() throws {
        let markdown = try String(contentsOfFile: repositoryRoot + "/docs/artifacts.md", encoding: .utf8)
        let withoutMeanAdvantage = markdown.replacingOccurrences(of: "`mean_advantage`", with: "mean advantage")
        #expect(Self.missing(markdown: withoutMeanAdvantage, layouts: ArtifactSchema.layouts) == ["weights.h5: attribute mean_advantage"])
        let withoutOffsets = markdown.replacingOccurrences(of: "`/episodes/offsets`", with: "offsets")
        #expect(Self.missing(markdown: withoutOffsets, layouts: ArtifactSchema.layouts) == ["rollout.h5: dataset /episodes/offsets"])
    }

    /// Every layout's names are what the writers write: a run's files hold
    /// exactly the declared datasets and attributes (network tensors and
    /// per-input provenance aside).
    @Test(arguments: [PipelineConfig.Algorithm.preference, .grpo])
    func theLayoutsListWhatTheFilesHold(algorithm: PipelineConfig.Algorithm) throws {
        let run = try SmallRun(algorithm: algorithm)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let iteration = run.directory + "/" + StageGraph.iterationDirectory(1)
        let files: [(String, ArtifactLayout)] = [
            (iteration + "/rollout.h5", RolloutLayout.layout),
            algorithm == .grpo ? (iteration + "/groups.h5", GroupsLayout.layout) : (iteration + "/pairs.h5", PairsLayout.layout),
            (iteration + "/weights.h5", WeightsLayout.layout), (iteration + "/eval.h5", EvaluationLayout.layout),
            (iteration + "/best.h5", BestLayout.layout),
        ]
        for (path, layout) in files {
            let report = try Inspector.describe(path: path)
            let datasets = Set(report.datasets.map(\.path).filter { !$0.contains("/network.") })
            #expect(datasets.isSubset(of: Set(layout.datasets)), "\(path): \(datasets.subtracting(layout.datasets))")
            let attributes = Set(report.attributes.keys.map { String($0.split(separator: "@").last ?? "") })
            #expect(attributes.isSubset(of: Set(layout.attributes)), "\(path): \(attributes.subtracting(layout.attributes))")
        }
    }
}
