import CCairo
import Foundation
import GridGRPO

/// A raster canvas drawn with Cairo: antialiased paths and real text in the
/// DejaVu fonts. Coordinates are pixels, origin top-left.
public final class Canvas {
    public enum HorizontalAnchor { case left, center, right }
    public enum VerticalAnchor { case top, middle, baseline, bottom }

    public let width: Int
    public let height: Int
    private let surface: OpaquePointer
    private let context: OpaquePointer

    public init(width: Int, height: Int, background: Color = .white) throws {
        guard width > 0, height > 0, width <= 16_384, height <= 16_384 else {
            throw GridGRPOError("canvas size \(width)×\(height) is outside 1...16384")
        }
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height)),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS,
              let context = cairo_create(surface) else {
            throw GridGRPOError("cannot create a \(width)×\(height) Cairo surface")
        }
        self.width = width
        self.height = height
        self.surface = surface
        self.context = context
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(context, CAIRO_LINE_CAP_ROUND)
        setColor(background)
        cairo_paint(context)
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    private func setColor(_ color: Color) {
        cairo_set_source_rgba(context, color.red, color.green, color.blue, color.alpha)
    }

    private func stroke(_ color: Color, width: Double, dash: [Double]) {
        setColor(color)
        cairo_set_line_width(context, width)
        cairo_set_dash(context, dash, Int32(dash.count), 0)
        cairo_stroke(context)
        cairo_set_dash(context, nil, 0, 0)
    }

    // MARK: Shapes

    public func line(_ from: Point, _ to: Point, color: Color, width: Double = 1, dash: [Double] = []) {
        cairo_move_to(context, from.x, from.y)
        cairo_line_to(context, to.x, to.y)
        stroke(color, width: width, dash: dash)
    }

    public func polyline(_ points: [Point], color: Color, width: Double = 2, dash: [Double] = []) {
        guard let first = points.first else { return }
        cairo_move_to(context, first.x, first.y)
        for point in points.dropFirst() { cairo_line_to(context, point.x, point.y) }
        stroke(color, width: width, dash: dash)
    }

    /// A closed polygon, filled and/or stroked.
    public func polygon(_ points: [Point], fill: Color? = nil, stroke strokeColor: Color? = nil, width: Double = 1) {
        guard let first = points.first else { return }
        func path() {
            cairo_move_to(context, first.x, first.y)
            for point in points.dropFirst() { cairo_line_to(context, point.x, point.y) }
            cairo_close_path(context)
        }
        if let fill { path(); setColor(fill); cairo_fill(context) }
        if let strokeColor { path(); stroke(strokeColor, width: width, dash: []) }
    }

    public func rectangle(_ rect: Rect, fill: Color? = nil, stroke strokeColor: Color? = nil, width: Double = 1, radius: Double = 0) {
        func path() {
            if radius > 0 {
                let r = min(radius, rect.width / 2, rect.height / 2)
                cairo_new_sub_path(context)
                cairo_arc(context, rect.maxX - r, rect.minY + r, r, -Double.pi / 2, 0)
                cairo_arc(context, rect.maxX - r, rect.maxY - r, r, 0, Double.pi / 2)
                cairo_arc(context, rect.minX + r, rect.maxY - r, r, Double.pi / 2, Double.pi)
                cairo_arc(context, rect.minX + r, rect.minY + r, r, Double.pi, 3 * Double.pi / 2)
                cairo_close_path(context)
            } else {
                cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
            }
        }
        if let fill { path(); setColor(fill); cairo_fill(context) }
        if let strokeColor { path(); stroke(strokeColor, width: width, dash: []) }
    }

    public func circle(_ center: Point, radius: Double, fill: Color? = nil, stroke strokeColor: Color? = nil, width: Double = 1) {
        if let fill {
            cairo_new_sub_path(context)
            cairo_arc(context, center.x, center.y, radius, 0, 2 * Double.pi)
            setColor(fill)
            cairo_fill(context)
        }
        if let strokeColor {
            cairo_new_sub_path(context)
            cairo_arc(context, center.x, center.y, radius, 0, 2 * Double.pi)
            stroke(strokeColor, width: width, dash: [])
        }
    }

    /// A cubic Bézier curve, optionally ending in an arrow head.
    public func curve(_ from: Point, _ control1: Point, _ control2: Point, _ to: Point, color: Color, width: Double = 2,
                      dash: [Double] = [], arrowHead: Double = 0) {
        cairo_move_to(context, from.x, from.y)
        cairo_curve_to(context, control1.x, control1.y, control2.x, control2.y, to.x, to.y)
        stroke(color, width: width, dash: dash)
        if arrowHead > 0 { self.arrowHead(at: to, from: control2, size: arrowHead, color: color) }
    }

    /// A straight arrow from `from` to `to`.
    public func arrow(_ from: Point, _ to: Point, color: Color, width: Double = 2, head: Double = 10, dash: [Double] = []) {
        let angle = atan2(to.y - from.y, to.x - from.x)
        let shaft = Point(to.x - cos(angle) * head * 0.8, to.y - sin(angle) * head * 0.8)
        line(from, shaft, color: color, width: width, dash: dash)
        arrowHead(at: to, from: from, size: head, color: color)
    }

    public func arrowHead(at tip: Point, from: Point, size: Double, color: Color) {
        let angle = atan2(tip.y - from.y, tip.x - from.x)
        let spread = 0.45
        polygon([tip,
                 Point(tip.x - size * cos(angle - spread), tip.y - size * sin(angle - spread)),
                 Point(tip.x - size * cos(angle + spread), tip.y - size * sin(angle + spread))], fill: color)
    }

    // MARK: Text

    private func selectFont(size: Double, bold: Bool, monospace: Bool) {
        cairo_select_font_face(context, monospace ? "DejaVu Sans Mono" : "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, size)
    }

    /// The advance width of `text` in pixels.
    public func textWidth(_ text: String, size: Double, bold: Bool = false, monospace: Bool = false) -> Double {
        selectFont(size: size, bold: bold, monospace: monospace)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        return extents.x_advance
    }

    /// Draws one line of text anchored at `point`; `angle` in radians rotates it
    /// about the anchor (−π/2 for a vertical axis label).
    public func text(_ text: String, at point: Point, size: Double, color: Color = Palette.text, bold: Bool = false,
                     monospace: Bool = false, horizontal: HorizontalAnchor = .left, vertical: VerticalAnchor = .baseline,
                     angle: Double = 0) {
        selectFont(size: size, bold: bold, monospace: monospace)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        var fontExtents = cairo_font_extents_t()
        cairo_font_extents(context, &fontExtents)
        let dx: Double
        switch horizontal {
        case .left: dx = 0
        case .center: dx = -extents.x_advance / 2
        case .right: dx = -extents.x_advance
        }
        let dy: Double
        switch vertical {
        case .top: dy = fontExtents.ascent
        case .middle: dy = (fontExtents.ascent - fontExtents.descent) / 2
        case .baseline: dy = 0
        case .bottom: dy = -fontExtents.descent
        }
        cairo_save(context)
        cairo_translate(context, point.x, point.y)
        cairo_rotate(context, angle)
        cairo_move_to(context, dx, dy)
        setColor(color)
        cairo_show_text(context, text)
        cairo_restore(context)
    }

    // MARK: Clipping

    public func withClip(_ rect: Rect, _ body: () -> Void) {
        cairo_save(context)
        cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
        cairo_clip(context)
        body()
        cairo_restore(context)
    }

    // MARK: Output

    /// The image as 8-bit RGB rows, composited onto white.
    public func rgbPixels() -> [UInt8] {
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard let data = cairo_image_surface_get_data(surface) else { return [] }
        var rgb = [UInt8](repeating: 255, count: width * height * 3)
        for y in 0..<height {
            let row = data + y * stride
            for x in 0..<width {
                // ARGB32 is a native-endian 32-bit word with premultiplied colour
                let pixel = UnsafeRawPointer(row + 4 * x).loadUnaligned(as: UInt32.self)
                let alpha = Int(pixel >> 24)
                let white = 255 - alpha
                rgb[(y * width + x) * 3] = UInt8(min(255, Int((pixel >> 16) & 0xff) + white))
                rgb[(y * width + x) * 3 + 1] = UInt8(min(255, Int((pixel >> 8) & 0xff) + white))
                rgb[(y * width + x) * 3 + 2] = UInt8(min(255, Int(pixel & 0xff) + white))
            }
        }
        return rgb
    }
}
