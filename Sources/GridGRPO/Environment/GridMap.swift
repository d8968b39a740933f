import Foundation

/// A layout written in the config (`environment.map`, with `layout: map`):
/// N rows of N cells, `.` floor, `#` wall, `~` lava, row 1 at the top. In
/// YAML either one string with a row per line (a block scalar, `map: |`) or a
/// list of strings, one per row (quote them: a bare `#` starts a comment).
/// Spaces around a row are ignored, as are empty lines before and after the
/// rows. A map is validated when read, so a `GridMap` always holds a square
/// grid of known cells.
public struct GridMap: Codable, Equatable, Sendable {
    /// The rows as written, surrounding spaces removed; empty: no map.
    public private(set) var rows: [String] = []

    /// Sizes a map may have (the grid's).
    public static let sizes = 2...32

    /// No map (the default: every layout but `map` takes none).
    public init() {}

    /// Reads a map as the config gives it: one string of lines, or a list of
    /// rows. `key` (the dotted key) names the map in errors, with the 1-based
    /// row and column at fault.
    public init(lines: [String], key: String) throws {
        var rows = lines.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false) }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        while rows.first?.isEmpty == true { rows.removeFirst() }
        while rows.last?.isEmpty == true { rows.removeLast() }
        guard !rows.isEmpty else { throw GridGRPOError("key '\(key)' holds no rows (allowed: N rows of N cells, '.' floor, '#' wall, '~' lava)") }
        guard Self.sizes.contains(rows.count) else {
            throw GridGRPOError("key '\(key)' has \(rows.count) row(s), outside the allowed sizes \(Self.sizes.lowerBound)...\(Self.sizes.upperBound)")
        }
        let width = rows[0].count
        for (index, row) in rows.enumerated() {
            for (column, symbol) in row.enumerated() where CellKind(symbol: symbol) == nil {
                throw GridGRPOError("key '\(key)' row \(index + 1), column \(column + 1) is '\(symbol)' (allowed: '.' floor, '#' wall, '~' lava)")
            }
            guard row.count == width else {
                throw GridGRPOError("key '\(key)' row \(index + 1) has \(row.count) cells, but row 1 has \(width) (a map is N rows of N cells)")
            }
        }
        guard width == rows.count else {
            throw GridGRPOError("key '\(key)' has \(rows.count) rows of \(width) cells (a map is square: N rows of N cells)")
        }
        self.rows = rows
    }

    public var isEmpty: Bool { rows.isEmpty }

    /// How the config reference shows the value: `none`, or the rows joined by `/`.
    public var summary: String { rows.isEmpty ? "none" : rows.joined(separator: "/") }

    /// N: rows (and cells per row).
    public var size: Int { rows.count }

    /// The cells, row-major.
    public var cells: [CellKind] {
        rows.flatMap { row in row.map { CellKind(symbol: $0) ?? .wall } }
    }

    /// The map of a grid's cells, as the config writes it.
    public init(cells: [CellKind], size: Int) {
        rows = (0..<size).map { row in String((0..<size).map { cells[row * size + $0].symbol }) }
    }

    /// A list of rows in the canonical JSON (an absent key when empty).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rows)
    }

    /// Only for a `Codable` conformance; the config reads maps through
    /// `StrictReader.map`, which names the key.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let lines = try (try? container.decode([String].self)) ?? [container.decode(String.self)]
        try self.init(lines: lines, key: decoder.codingPath.map(\.stringValue).joined(separator: "."))
    }
}
