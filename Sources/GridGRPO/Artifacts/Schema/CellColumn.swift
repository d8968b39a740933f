/// A dataset of cell numbers: uint8 while the grid has at most 256 cells
/// (up to 16×16, the type these files always had), uint16 on larger grids
/// (up to 32×32). The name is declared once; the element type follows from
/// the grid the config gives.
public struct CellDataset: Sendable {
    public let narrow: Dataset<UInt8>
    public let wide: Dataset<UInt16>

    public init(_ name: String, in group: String = "") {
        narrow = Dataset(name, in: group)
        wide = Dataset(name, in: group)
    }

    public var path: String { narrow.path }

    /// Whether cells of a grid of `cellCount` cells are stored as uint16.
    public static func isWide(cellCount: Int) -> Bool { cellCount > Int(UInt8.max) + 1 }
}

/// An appendable cell dataset of either width.
enum CellColumn {
    case narrow(HDF5Appendable<UInt8>)
    case wide(HDF5Appendable<UInt16>)

    init(_ dataset: CellDataset, in group: HDF5Group, cellCount: Int) throws {
        self = CellDataset.isWide(cellCount: cellCount)
            ? .wide(try group.createAppendable(dataset.wide)) : .narrow(try group.createAppendable(dataset.narrow))
    }

    func append(_ cells: [Int]) throws {
        switch self {
        case .narrow(let column): try column.append(cells.map { UInt8(truncatingIfNeeded: $0) })
        case .wide(let column): try column.append(cells.map { UInt16(truncatingIfNeeded: $0) })
        }
    }

    var count: Int {
        switch self {
        case .narrow(let column): return column.count
        case .wide(let column): return column.count
        }
    }

    func close() {
        switch self {
        case .narrow(let column): column.close()
        case .wide(let column): column.close()
        }
    }
}

extension HDF5Group {
    /// Writes cells of `world` with the width its size implies.
    func writeCells(_ dataset: CellDataset, _ cells: [Int], world: GridWorld, compress: Bool = false) throws {
        if CellDataset.isWide(cellCount: world.cellCount) {
            try write(dataset.wide, cells.map { UInt16(truncatingIfNeeded: $0) }, compress: compress)
        } else {
            try write(dataset.narrow, cells.map { UInt8(truncatingIfNeeded: $0) }, compress: compress)
        }
    }

    /// Reads cells of `world` with the width its size implies, each checked
    /// to be a floor cell of the world (`DomainCheck.floorCells`).
    func readCells(_ dataset: CellDataset, shape: [Int], world: GridWorld, check: DomainCheck) throws -> [Int] {
        let cells = CellDataset.isWide(cellCount: world.cellCount)
            ? try read(dataset.wide, shape: shape).map(Int.init) : try read(dataset.narrow, shape: shape).map(Int.init)
        try check.floorCells(cells, world: world, dataset.path)
        return cells
    }
}
