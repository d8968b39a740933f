/// `/world`: the grid a file was made for, in every artifact that depends
/// on the world (`rollout.h5`, `weights.h5`, `eval.h5`, `best.h5`), so that a
/// reader can rebuild the world from the file alone and a file from another
/// world is refused. Written for every layout but `open`: a file without
/// `/world` was made for the open grid (which keeps the bytes its files always
/// had). `pairs.h5` and `groups.h5` hold episode indices and returns only, and
/// name the rollout they were made from by its digest.
public enum WorldLayout {
    public static let group = "world"
    /// N×N, row-major, row 0 at the top: 0 floor, 1 wall, 2 lava (`CellKind`).
    public static let cellType = Dataset<UInt8>("cell_type", in: group)
    /// On `/world`: the config's `environment.layout`.
    public static let layout = Attribute<String>("layout")
    /// On `/world`: the reward of a move onto lava (`environment.lava_penalty`).
    public static let lavaPenalty = Attribute<Float>("lava_penalty")

    /// The names a world-dependent layout adds to its own.
    public static let groups = [group]
    public static let datasets = [cellType.path]
    public static let attributes = [layout.name, lavaPenalty.name]
}

extension ArtifactSchema {
    /// Records `world` in `/world` (nothing for the open layout).
    static func writeWorld(_ world: GridWorld, to root: HDF5Group) throws {
        typealias Layout = WorldLayout
        guard world.layout != .open else { return }
        let group = try root.createGroup(Layout.group)
        try group.setAttribute(Layout.layout, world.layout.rawValue)
        try group.setAttribute(Layout.lavaPenalty, world.lavaPenalty)
        try group.write(Layout.cellType, world.kinds.map(\.rawValue), shape: [world.size, world.size])
    }

    /// The file's `/world` must be the config's world: absent for the open
    /// grid; otherwise the same layout, grid size, cells and (when there is
    /// lava) lava penalty. A mismatch names both worlds in one line.
    static func checkWorld(_ root: HDF5Group, path: String, world: GridWorld) throws {
        typealias Layout = WorldLayout
        let check = DomainCheck(path: path)
        let expected = "the config's \(world.layout.rawValue) \(world.size)×\(world.size) grid"
        guard root.contains(Layout.group) else {
            guard world.layout == .open else {
                throw GridGRPOError("\(path): made for the open grid (no /\(Layout.group)), but the config's layout is \(world.layout.rawValue) (\(expected))")
            }
            return
        }
        let group = try root.openGroup(Layout.group)
        let layout = try group.attribute(Layout.layout)
        guard layout == world.layout.rawValue else {
            throw GridGRPOError("\(path): made for layout \(layout.count > 40 ? String(layout.prefix(40)) + "…" : layout), but the config's layout is \(world.layout.rawValue)")
        }
        let shape = try group.shape(of: Layout.cellType.name)
        guard shape == [world.size, world.size] else {
            throw check.fail(Layout.cellType.path, "has shape \(shape): a \(layout) grid of another size, but \(expected) needs [\(world.size), \(world.size)]")
        }
        let cells = try group.read(Layout.cellType, shape: [world.size, world.size])
        try check.values(cells, in: 0..<CellKind.allCases.count, Layout.cellType.path, "cell types (0 floor, 1 wall, 2 lava)")
        if let cell = (0..<world.cellCount).first(where: { cells[$0] != world.kinds[$0].rawValue }) {
            let found = CellKind(rawValue: cells[cell]).map { "\($0)" } ?? "\(cells[cell])"
            throw check.fail(Layout.cellType.path, "another \(layout) layout than \(expected) (another seed or map?): cell (\(cell / world.size), \(cell % world.size)) is \(found) here, \(world.kinds[cell]) in the config's")
        }
        let penalty = try group.attribute(Layout.lavaPenalty)
        if world.hasLava {
            try check.require(penalty == world.lavaPenalty, "/\(Layout.group)@\(Layout.lavaPenalty.name)",
                              "is \(penalty): a \(layout) world with another lava penalty than \(expected), whose environment.lava_penalty is \(world.lavaPenalty)")
        }
    }
}
