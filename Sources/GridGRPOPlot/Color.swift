/// An RGB colour with alpha, components in 0...1.
public struct Color: Equatable, Sendable {
    public var red, green, blue, alpha: Double

    public init(_ red: Double, _ green: Double, _ blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// From a hex triplet such as 0x1f77b4.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(Double((hex >> 16) & 0xff) / 255, Double((hex >> 8) & 0xff) / 255, Double(hex & 0xff) / 255, alpha: alpha)
    }

    public func with(alpha: Double) -> Color { Color(red, green, blue, alpha: alpha) }

    /// Linear blend towards `other` by `t` in 0...1.
    public func mixed(with other: Color, _ t: Double) -> Color {
        Color(red + (other.red - red) * t, green + (other.green - green) * t, blue + (other.blue - blue) * t,
              alpha: alpha + (other.alpha - alpha) * t)
    }

    public static let white = Color(1, 1, 1)
    public static let black = Color(0, 0, 0)
}

/// The figures' shared colours: a qualitative palette for series and a
/// diverging pair for signed quantities (weights).
public enum Palette {
    public static let series: [Color] = [0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f]
        .map { Color(hex: $0) }
    public static let text = Color(hex: 0x222222)
    public static let mutedText = Color(hex: 0x555555)
    public static let grid = Color(hex: 0xe3e3e3)
    public static let axis = Color(hex: 0x444444)
    public static let positive = Color(hex: 0x2166ac)
    public static let negative = Color(hex: 0xb2182b)
    public static let panel = Color(hex: 0xf7f7f7)
    public static let agent = Color(hex: 0x1f77b4)
    public static let goal = Color(hex: 0x2ca02c)
    /// Cells of a layout: wall and lava.
    public static let wall = Color(hex: 0x3b3b3b)
    public static let lava = Color(hex: 0xe4572e)
}
