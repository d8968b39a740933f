/// The value checks every reader applies to what it read, each failing with
/// one line naming the file, the dataset (or attribute) and what was expected.
struct DomainCheck {
    let path: String

    func fail(_ name: String, _ message: String) -> GridGRPOError {
        GridGRPOError("\(path):\(name.hasPrefix("/") ? name : name.contains("@") ? "/" + name : "/@" + name): \(message)")
    }

    /// Every value finite and within `range`.
    func values(_ values: [Float], in range: ClosedRange<Float>, _ name: String, _ what: String) throws {
        if let index = values.firstIndex(where: { !$0.isFinite || !range.contains($0) }) {
            throw fail(name, "holds \(values[index]) at index \(index), expected \(what) (finite, in \(range.lowerBound)...\(range.upperBound))")
        }
    }

    /// Every value an integer in `range` (cells, actions, episode indices).
    func values<T: BinaryInteger>(_ values: [T], in range: Range<Int>, _ name: String, _ what: String) throws {
        if let index = values.firstIndex(where: { !range.contains(Int($0)) }) {
            throw fail(name, "holds \(values[index]) at index \(index), expected \(what) in \(range.lowerBound)..<\(range.upperBound)")
        }
    }

    /// Every value a floor cell of `world` (where an agent or a goal can stand).
    func floorCells(_ values: [Int], world: GridWorld, _ name: String) throws {
        if let index = values.firstIndex(where: { !(0..<world.cellCount).contains($0) || !world.isFloor($0) }) {
            let value = values[index]
            let what = (0..<world.cellCount).contains(value) ? "a \(world.kinds[value]) cell" : "outside 0..<\(world.cellCount)"
            throw fail(name, "holds \(value) at index \(index), \(what); expected floor cells of the \(world.size)×\(world.size) \(world.layout.rawValue) grid")
        }
    }

    /// A 0/1 flag per row.
    func flags(_ values: [UInt8], _ name: String) throws -> [Bool] {
        if let index = values.firstIndex(where: { $0 > 1 }) {
            throw fail(name, "holds \(values[index]) at index \(index), expected a flag (0 or 1)")
        }
        return values.map { $0 == 1 }
    }

    /// One attribute or derived number finite and within `range`.
    func value(_ value: Double, in range: ClosedRange<Double>, _ name: String) throws {
        guard value.isFinite, range.contains(value) else {
            throw fail(name, "is \(value), expected a finite value in \(range.lowerBound)...\(range.upperBound)")
        }
    }

    /// An integer attribute within `range`, converted without trapping.
    func count(_ value: Int64, in range: ClosedRange<Int>, _ name: String) throws -> Int {
        guard let int = Int(exactly: value), range.contains(int) else {
            throw fail(name, "is \(value), expected \(range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound)...\(range.upperBound)")")
        }
        return int
    }

    /// `condition`, or a failure naming `name`. Both strings are built only
    /// on failure: readers call this per row and per step.
    func require(_ condition: Bool, _ name: @autoclosure () -> String, _ message: @autoclosure () -> String) throws {
        guard condition else { throw fail(name(), message()) }
    }
}
