import Foundation

/// What `inspect` shows: any artifact's schema, provenance and datasets with
/// summary statistics; a rollout episode replayed as the blog's text frames;
/// the evaluation rows furthest from optimal; and a whole run's provenance
/// checked against the files on disk (`Inspector+Replay.swift`,
/// `Inspector+Worst.swift`, `Inspector+Verify.swift`).
public enum Inspector {
    public struct InputInfo: Codable, Equatable {
        public var role: String
        public var name: String
        public var sha256: String
    }

    public struct DatasetInfo: Codable, Equatable {
        public var path: String
        public var type: String
        public var shape: [Int]
        public var min: Double?
        public var max: Double?
        public var mean: Double?
        /// Euclidean norm, for floating-point datasets (weights: the layer's norm).
        public var norm: Double?
    }

    public struct FileReport: Codable, Equatable {
        public var file: String
        public var schema: String
        public var schemaVersion: Int
        public var stage: String
        public var iteration: Int
        public var seed: Int64
        public var configDigest: String
        public var inputs: [InputInfo]
        /// The file's other root attributes (metrics, summaries), as text.
        public var attributes: [String: String]
        public var datasets: [DatasetInfo]
    }

    static let provenanceAttributes = Set(ProvenanceLayout.fixed)

    /// Reads any GridGRPO artifact without knowing its kind in advance.
    public static func describe(path: String) throws -> FileReport {
        try withHDF5 {
            let reader = try HDF5Reader(path: path)
            let root = reader.root
            guard root.hasAttribute(ProvenanceLayout.schema.name) else {
                throw GridGRPOError("\(path): not a GridGRPO artifact (no '\(ProvenanceLayout.schema.name)' attribute)")
            }
            let schema = try root.attribute(ProvenanceLayout.schema)
            guard let kind = ArtifactKind.allCases.first(where: { $0.schemaName == schema }) else {
                throw GridGRPOError("\(path): unknown schema '\(schema)'")
            }
            let provenance = try Provenance.read(from: root, path: path, expecting: kind)
            var attributes: [String: String] = [:]
            for name in root.attributeNames() where !provenanceAttributes.contains(name) && !name.hasPrefix(ProvenanceLayout.inputPrefix) {
                attributes[name] = try root.attributeText(name)
            }
            // Every dataset is bounded by what the file's own recorded config
            // allows for its kind, checked before it is read.
            let limit = try ArtifactBounds(config: try config(from: provenance, path: path), path: path).largestDataset(of: kind)
            var datasets: [DatasetInfo] = []
            // Only hard links are followed (`member`), and each group once:
            // a second link to a group already seen (a cycle) is refused.
            var visited: Set<UInt64> = [try root.objectAddress]
            func walk(_ group: HDF5Group, prefix: String) throws {
                for name in group.memberNames() {
                    let path = prefix + "/" + name
                    switch try group.member(name) {
                    case .group(let child):
                        guard visited.insert(try child.objectAddress).inserted else {
                            throw GridGRPOError("\(reader.path):\(path): a second link to a group already seen (a link cycle?); GridGRPO artifacts are trees")
                        }
                        for attribute in child.attributeNames() {
                            attributes[String(path.dropFirst()) + "@" + attribute] = try child.attributeText(attribute)
                        }
                        try walk(child, prefix: path)
                    case .dataset:
                        let (type, shape) = try group.describeDataset(name)
                        var info = DatasetInfo(path: path, type: type, shape: shape)
                        let values = try group.readAsDouble(name, atMost: limit)
                        if !values.isEmpty {
                            info.min = values.min()
                            info.max = values.max()
                            info.mean = values.reduce(0, +) / Double(values.count)
                            if type.hasPrefix("float") { info.norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot() }
                        }
                        datasets.append(info)
                    }
                }
            }
            try walk(root, prefix: "")
            return FileReport(file: path, schema: schema, schemaVersion: ArtifactKind.version, stage: provenance.stage,
                              iteration: provenance.iteration, seed: Int64(bitPattern: provenance.seed),
                              configDigest: provenance.configDigest,
                              inputs: provenance.inputs.map { InputInfo(role: $0.role, name: $0.name, sha256: $0.sha256) },
                              attributes: attributes, datasets: datasets)
        }
    }

    static func format(_ value: Double?) -> String {
        guard let value else { return "–" }
        if value == value.rounded() && abs(value) < 1e9 { return String(Int64(value)) }
        return String(cFormat: "%.4g", value)
    }

    public static func text(_ report: FileReport) -> String {
        var lines = [
            "\(report.file)",
            "  schema      \(report.schema) v\(report.schemaVersion)",
            "  made by     \(report.stage), iteration \(report.iteration), seed \(report.seed)",
            "  config      sha256:\(report.configDigest.prefix(16))…",
        ]
        for input in report.inputs {
            lines.append("  input       \(input.role.padded(to: 10)) \(input.name)  sha256:\(input.sha256.prefix(12))…")
        }
        if !report.attributes.isEmpty {
            lines.append("  attributes")
            for (name, value) in report.attributes.sorted(by: { $0.key < $1.key }) {
                lines.append("    \(name) = \(value.count > 90 ? String(value.prefix(90)) + "…" : value)")
            }
        }
        lines.append("  datasets")
        let width = max(20, report.datasets.map(\.path.count).max() ?? 0)
        lines.append("    " + "path".padded(to: width) + "  type     shape          min        max        mean       norm")
        for d in report.datasets {
            let shape = "[" + d.shape.map(String.init).joined(separator: ", ") + "]"
            lines.append("    " + d.path.padded(to: width) + "  "
                         + d.type.padded(to: 8) + " "
                         + shape.padded(to: 14)
                         + [d.min, d.max, d.mean, d.norm].map { format($0).padded(to: 10) }.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }
}
