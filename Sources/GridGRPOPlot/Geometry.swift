/// A point in canvas pixels, origin top-left.
public struct Point: Equatable, Sendable {
    public var x, y: Double
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// A rectangle in canvas pixels: its top-left corner and size.
public struct Rect: Equatable, Sendable {
    public var x, y, width, height: Double
    public init(_ x: Double, _ y: Double, _ width: Double, _ height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
    public var minX: Double { x }
    public var maxX: Double { x + width }
    public var minY: Double { y }
    public var maxY: Double { y + height }
    public var center: Point { Point(x + width / 2, y + height / 2) }
    public func inset(_ d: Double) -> Rect { Rect(x + d, y + d, width - 2 * d, height - 2 * d) }
}
