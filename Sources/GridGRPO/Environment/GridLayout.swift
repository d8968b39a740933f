/// What stands on a cell of the grid.
public enum CellKind: UInt8, Sendable, CaseIterable {
    /// The agent and the goal may stand here.
    case floor = 0
    /// A move into it leaves the agent in place.
    case wall = 1
    /// A move onto it ends the episode with the lava penalty.
    case lava = 2

    /// How a map in the config and the text frames write the cell.
    public var symbol: Character {
        switch self {
        case .floor: return "."
        case .wall: return "#"
        case .lava: return "~"
        }
    }

    public init?(symbol: Character) {
        guard let kind = Self.allCases.first(where: { $0.symbol == symbol }) else { return nil }
        self = kind
    }
}

/// The layouts of the config's `environment.layout`: which cells are floor,
/// wall and lava. `open` is the blog's grid; the seed-drawn ones derive from
/// the run seed through the stream (seed, layout, 0, 0) (`LayoutGenerator`);
/// `map` is written in the config itself.
public enum GridLayout: String, Codable, Sendable, CaseIterable {
    case open
    case fourRooms = "four_rooms"
    case maze
    case lavaGap = "lava_gap"
    case map

    /// Whether the layout's cells come from the run seed.
    public var isSeedDrawn: Bool { [.fourRooms, .maze, .lavaGap].contains(self) }

    /// The grid sizes the layout is defined for (a cross-key rule checks them).
    public var sizeRequirement: (check: @Sendable (Int) -> Bool, text: String) {
        switch self {
        case .open, .map: return ({ _ in true }, "any size")
        case .fourRooms: return ({ $0 >= 5 }, "at least 5 (two walls, rooms of at least 2×2)")
        case .maze: return ({ $0 >= 5 }, "at least 5 (maze cells on even rows and columns; an even size leaves the last row and column wall)")
        case .lavaGap: return ({ $0 >= 3 }, "at least 3 (a lava column with floor on both sides)")
        }
    }
}
