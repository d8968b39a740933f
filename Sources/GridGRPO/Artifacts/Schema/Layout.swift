/// The HDF5 layout of each artifact kind: how the domain values are written
/// and read back, with the checks a reader needs (schema, shapes, ranges,
/// finite weights). One file per kind (`RolloutFile.swift`, …) declares that
/// kind's dataset and attribute names once, in its layout enum
/// (`RolloutLayout`, …), which its reader, its writer, `inspect` and the
/// documentation test use. `docs/artifacts.md` documents the same layout for
/// h5py users.
public enum ArtifactSchema {
    /// Every kind's declared names, for the check that `docs/artifacts.md`
    /// documents each of them.
    public static let layouts: [ArtifactLayout] = [
        ProvenanceLayout.layout, RolloutLayout.layout, PairsLayout.layout, GroupsLayout.layout,
        WeightsLayout.layout, EvaluationLayout.layout, BestLayout.layout, LabelsLayout.layout, RewardLayout.layout,
        EvaluationLabelsLayout.layout,
    ]
}

/// One dataset of an artifact: the group that holds it (its path from the
/// root, "" for the root group), its name there and, as the type parameter,
/// its element type. Declared once in its kind's layout.
public struct Dataset<Element: HDF5Scalar>: Sendable {
    public let group: String
    public let name: String

    public init(_ name: String, in group: String = "") {
        self.name = name
        self.group = group
    }

    /// The path `h5ls` and h5py show, e.g. `/episodes/offsets`.
    public var path: String { group.isEmpty ? "/" + name : "/\(group)/\(name)" }
}

/// One attribute of an artifact's root group (or of the group a layout says):
/// its name and, as the type parameter, its type (`String` or an `HDF5Scalar`).
public struct Attribute<Value>: Sendable {
    public let name: String
    public init(_ name: String) { self.name = name }
}

/// The names one artifact kind declares: its groups, its datasets (paths from
/// the root) and its attributes.
public struct ArtifactLayout: Sendable {
    /// The file name, or `every file` for the provenance attributes.
    public let file: String
    public let groups: [String]
    public let datasets: [String]
    public let attributes: [String]
}

/// Reading and writing through the layout declarations. Each checks, in debug
/// builds, that the group it is called on is the one the declaration names.
extension HDF5Group {
    func isDeclaredGroup(_ group: String) -> Bool {
        location.hasSuffix(":/" + group)
    }

    public func write<T: HDF5Scalar>(_ dataset: Dataset<T>, _ values: [T], shape: [Int]? = nil, compress: Bool = false) throws {
        assert(isDeclaredGroup(dataset.group), "\(dataset.path) written in \(location)")
        try write(dataset.name, values, shape: shape, compress: compress)
    }

    public func createAppendable<T: HDF5Scalar>(_ dataset: Dataset<T>) throws -> HDF5Appendable<T> {
        assert(isDeclaredGroup(dataset.group), "\(dataset.path) created in \(location)")
        return try createAppendable(dataset.name, as: T.self)
    }

    public func read<T: HDF5Scalar>(_ dataset: Dataset<T>, atMost bound: Int) throws -> [T] {
        assert(isDeclaredGroup(dataset.group), "\(dataset.path) read from \(location)")
        return try read(dataset.name, as: T.self, atMost: bound)
    }

    public func read<T: HDF5Scalar>(_ dataset: Dataset<T>, shape: [Int]) throws -> [T] {
        assert(isDeclaredGroup(dataset.group), "\(dataset.path) read from \(location)")
        return try read(dataset.name, as: T.self, shape: shape)
    }

    public func contains<T>(_ dataset: Dataset<T>) -> Bool {
        contains(dataset.name)
    }

    public func setAttribute<T: HDF5Scalar>(_ attribute: Attribute<T>, _ value: T) throws {
        try setAttribute(attribute.name, value)
    }

    public func setAttribute(_ attribute: Attribute<String>, _ value: String) throws {
        try setAttribute(attribute.name, value)
    }

    public func attribute<T: HDF5Scalar>(_ attribute: Attribute<T>) throws -> T {
        try self.attribute(attribute.name, as: T.self)
    }

    public func attribute(_ attribute: Attribute<String>) throws -> String {
        try stringAttribute(attribute.name)
    }
}

extension ArtifactSchema {
    /// Writes one artifact: its provenance, the world it depends on (`/world`,
    /// `WorldLayout`; nil for the files that depend on none), then what `body`
    /// writes into the root group; then moves the file into place.
    static func writeArtifact(to path: String, provenance: Provenance, world: GridWorld?,
                              _ body: (HDF5Group) throws -> Void) throws {
        try withHDF5 {
            let writer = try HDF5Writer(path: path)
            try provenance.write(to: writer.root)
            if let world { try writeWorld(world, to: writer.root) }
            try body(writer.root)
            try writer.commit()
        }
    }

    /// Opens the artifact at `path`, checks that it is of `kind` (schema and
    /// version) and made for `world` (`checkWorld`; nil for the files that
    /// depend on none), and reads it with `body`, given the root group and
    /// the provenance.
    static func readArtifact<T>(_ path: String, _ kind: ArtifactKind, world: GridWorld?,
                                _ body: (HDF5Group, Provenance) throws -> T) throws -> T {
        try withHDF5 {
            let reader = try HDF5Reader(path: path)
            let provenance = try Provenance.read(from: reader.root, path: path, expecting: kind)
            if let world { try checkWorld(reader.root, path: path, world: world) }
            return try withExtendedLifetime(reader) { try body(reader.root, provenance) }
        }
    }
}
