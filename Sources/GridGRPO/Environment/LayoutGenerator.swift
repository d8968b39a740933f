/// The cells of the seed-drawn layouts, row-major (`cell = row·N + column`).
/// Each draws from one random stream, (seed, layout, 0, 0), in a fixed order,
/// so a layout depends on the run seed and the grid size only. Every function
/// is total: any size ≥ 2 gives a grid (the config's rules keep the sizes
/// where the layout makes sense, `GridLayout.sizeRequirement`).
public enum LayoutGenerator {
    /// The stream every seed-drawn layout draws from.
    public static func stream(seed: UInt64) -> RandomStream {
        RandomStream(seed: seed, stage: .layout, iteration: 0, index: 0)
    }

    /// The cells of `layout` on an N×N grid for the run `seed`; `map` is
    /// used by `.map` only (its rows, each already checked by `GridMap`).
    public static func cells(_ layout: GridLayout, size: Int, seed: UInt64, map: GridMap) -> [CellKind] {
        var random = stream(seed: seed)
        switch layout {
        case .open: return [CellKind](repeating: .floor, count: size * size)
        case .fourRooms: return fourRooms(size: size, random: &random)
        case .maze: return maze(size: size, random: &random)
        case .lavaGap: return lavaGap(size: size, random: &random)
        case .map: return map.cells
        }
    }

    /// Four rooms in the spirit of MiniGrid's FourRooms, the grid's edge as
    /// the outer wall: a wall column at N/2 and a wall row at N/2 split the
    /// grid into four rooms, and each of the four wall segments between two
    /// rooms has one gap, drawn uniformly along it in the order top, bottom,
    /// left, right.
    public static func fourRooms(size n: Int, random: inout RandomStream) -> [CellKind] {
        var cells = [CellKind](repeating: .floor, count: n * n)
        let middle = n / 2
        for i in 0..<n {
            cells[i * n + middle] = .wall
            cells[middle * n + i] = .wall
        }
        func gap(_ range: Range<Int>) -> Int? {
            range.isEmpty ? nil : range.lowerBound + random.nextInt(below: range.count)
        }
        if let row = gap(0..<middle) { cells[row * n + middle] = .floor }
        if let row = gap((middle + 1)..<n) { cells[row * n + middle] = .floor }
        if let column = gap(0..<middle) { cells[middle * n + column] = .floor }
        if let column = gap((middle + 1)..<n) { cells[middle * n + column] = .floor }
        return cells
    }

    /// A perfect maze by recursive backtracking (iterative, with a stack):
    /// maze nodes stand on the even rows and columns, every other cell is
    /// wall until a passage is carved through it. From node (0, 0), the walk
    /// moves to an unvisited neighbour node (up, right, down, left order,
    /// one drawn uniformly among those unvisited), carving the cell between,
    /// and backs up when none is left. Every node is reached exactly once, so
    /// the floor is a tree: one path between any two cells. On an even N the
    /// last row and column hold no node and stay wall.
    public static func maze(size n: Int, random: inout RandomStream) -> [CellKind] {
        var cells = [CellKind](repeating: .wall, count: n * n)
        let nodes = (n + 1) / 2
        var visited = [Bool](repeating: false, count: nodes * nodes)
        var stack = [(row: 0, column: 0)]
        visited[0] = true
        cells[0] = .floor
        while let top = stack.last {
            let neighbours = [(-1, 0), (0, 1), (1, 0), (0, -1)].compactMap { step -> (row: Int, column: Int)? in
                let row = top.row + step.0, column = top.column + step.1
                guard (0..<nodes).contains(row), (0..<nodes).contains(column), !visited[row * nodes + column] else { return nil }
                return (row, column)
            }
            guard !neighbours.isEmpty else {
                stack.removeLast()
                continue
            }
            let next = neighbours[random.nextInt(below: neighbours.count)]
            visited[next.row * nodes + next.column] = true
            cells[(top.row + next.row) * n + (top.column + next.column)] = .floor
            cells[2 * next.row * n + 2 * next.column] = .floor
            stack.append(next)
        }
        return cells
    }

    /// MiniGrid's LavaGap: a column of lava at N/2 between the left and the
    /// right of the grid, with one gap at a row drawn uniformly.
    public static func lavaGap(size n: Int, random: inout RandomStream) -> [CellKind] {
        var cells = [CellKind](repeating: .floor, count: n * n)
        let column = n / 2
        let gap = random.nextInt(below: n)
        for row in 0..<n where row != gap { cells[row * n + column] = .lava }
        return cells
    }
}
