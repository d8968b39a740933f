import Foundation

/// Tick positions at "nice" steps (1, 2, 2.5 or 5 × 10^k) covering a data
/// range with about `target` ticks, as plotting libraries choose them.
/// Bounded for any finite input: at most `maximumTicks(target)` ticks, and
/// none once a step no longer moves the value (a range far below the
/// values' precision, such as 1e17 ± 1).
public func niceTicks(_ lower: Double, _ upper: Double, target: Int = 6) -> [Double] {
    guard upper > lower, lower.isFinite, upper.isFinite, (upper - lower).isFinite else { return [lower] }
    let rough = (upper - lower) / Double(max(target - 1, 1))
    let magnitude = pow(10, floor(log10(rough)))
    let step = [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
    guard step.isFinite, step > 0 else { return [lower] }
    let first = ceil(lower / step - 1e-9) * step
    var ticks: [Double] = []
    var value = first
    let limit = maximumTicks(target)
    while value <= upper + step * 1e-9, ticks.count < limit {
        if let last = ticks.last, !(value > last) { break }
        ticks.append(abs(value) < step * 1e-9 ? 0 : value)
        value += step
    }
    return ticks
}

/// Nice steps give at most `target` + 2 ticks; the bound leaves room.
func maximumTicks(_ target: Int) -> Int { 2 * max(target, 1) + 4 }

/// A tick label with just enough decimals for the tick step.
public func tickLabel(_ value: Double, step: Double) -> String {
    let decimals = max(0, min(6, Int(ceil(-log10(step) - 1e-9))))
    let adjusted = step * pow(10, Double(decimals))
    let extra = abs(adjusted - adjusted.rounded()) > 1e-6 ? 1 : 0
    return String(format: "%.\(decimals + extra)f", value)
}

/// A data range expanded to nice tick boundaries.
public func niceRange(_ lower: Double, _ upper: Double, target: Int = 6) -> ClosedRange<Double> {
    var lower = lower, upper = upper
    guard lower.isFinite, upper.isFinite else { return 0...1 }
    // A flat series gets ±0.5 around it (±a millionth of it for values so
    // large that 0.5 would not move them: the range must never be empty).
    if upper - lower < 1e-12 {
        let half = max(0.5, abs(lower) * 1e-6)
        lower -= half
        upper += half
    }
    // a little headroom so curves never run along the frame
    let pad = (upper - lower) * 0.03
    lower -= pad
    upper += pad
    let ticks = niceTicks(lower, upper, target: target)
    guard ticks.count >= 2 else { return lower...upper }
    let step = ticks[1] - ticks[0]
    return min(lower, ticks[0] - (ticks[0] > lower ? step : 0))...max(upper, ticks[ticks.count - 1] + (ticks[ticks.count - 1] < upper ? step : 0))
}

/// One panel of a chart: a frame in pixels, data ranges, and the drawing
/// calls every curve figure shares (grid, ticks, labels, series, legend).
public struct Axes {
    public let frame: Rect
    public let x: ClosedRange<Double>
    public let y: ClosedRange<Double>
    public var fontSize: Double = 20

    public init(frame: Rect, x: ClosedRange<Double>, y: ClosedRange<Double>) {
        self.frame = frame
        self.x = x
        self.y = y
    }

    public func map(_ px: Double, _ py: Double) -> Point {
        Point(frame.minX + (px - x.lowerBound) / (x.upperBound - x.lowerBound) * frame.width,
              frame.maxY - (py - y.lowerBound) / (y.upperBound - y.lowerBound) * frame.height)
    }

    /// Background, grid lines, ticks with labels, axis labels and title.
    public func drawFrame(on canvas: Canvas, title: String, xLabel: String, yLabel: String,
                          yFormat: ((Double) -> String)? = nil, integerX: Bool = false) {
        canvas.rectangle(frame, fill: Palette.panel)
        let xTicks = niceTicks(x.lowerBound, x.upperBound, target: 8).filter { !integerX || $0 == $0.rounded() }
        let yTicks = niceTicks(y.lowerBound, y.upperBound, target: 6)
        let xStep = xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1
        let yStep = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1
        for tick in xTicks {
            let p = map(tick, y.lowerBound)
            canvas.line(Point(p.x, frame.minY), Point(p.x, frame.maxY), color: Palette.grid, width: 1.5)
            canvas.line(Point(p.x, frame.maxY), Point(p.x, frame.maxY + 7), color: Palette.axis, width: 1.5)
            canvas.text(tickLabel(tick, step: xStep), at: Point(p.x, frame.maxY + 12), size: fontSize * 0.85,
                        color: Palette.mutedText, horizontal: .center, vertical: .top)
        }
        for tick in yTicks {
            let p = map(x.lowerBound, tick)
            canvas.line(Point(frame.minX, p.y), Point(frame.maxX, p.y), color: Palette.grid, width: 1.5)
            canvas.line(Point(frame.minX - 7, p.y), Point(frame.minX, p.y), color: Palette.axis, width: 1.5)
            canvas.text(yFormat?(tick) ?? tickLabel(tick, step: yStep), at: Point(frame.minX - 12, p.y), size: fontSize * 0.85,
                        color: Palette.mutedText, horizontal: .right, vertical: .middle)
        }
        canvas.rectangle(frame, stroke: Palette.axis, width: 1.5)
        canvas.text(title, at: Point(frame.minX, frame.minY - 14), size: fontSize * 1.1, bold: true, vertical: .bottom)
        canvas.text(xLabel, at: Point(frame.center.x, frame.maxY + 22 + fontSize), size: fontSize, horizontal: .center, vertical: .top)
        canvas.text(yLabel, at: Point(frame.minX - 24 - 4 * fontSize, frame.center.y), size: fontSize,
                    horizontal: .center, vertical: .bottom, angle: -Double.pi / 2)
    }

    /// A line through the points (NaN values break the line), clipped to the frame.
    public func plot(_ xs: [Double], _ ys: [Double], on canvas: Canvas, color: Color, width: Double = 3,
                     dash: [Double] = [], markers: Bool = false) {
        canvas.withClip(frame.inset(-2)) {
            var run: [Point] = []
            for (px, py) in zip(xs, ys) {
                if py.isFinite { run.append(map(px, py)) } else {
                    canvas.polyline(run, color: color, width: width, dash: dash)
                    run = []
                }
            }
            canvas.polyline(run, color: color, width: width, dash: dash)
            if markers {
                for (px, py) in zip(xs, ys) where py.isFinite {
                    canvas.circle(map(px, py), radius: width + 1.5, fill: color, stroke: .white, width: 1.5)
                }
            }
        }
    }

    public func horizontalLine(at value: Double, on canvas: Canvas, color: Color, width: Double = 2, dash: [Double] = [10, 6]) {
        canvas.line(map(x.lowerBound, value), map(x.upperBound, value), color: color, width: width, dash: dash)
    }

    /// A vertical marker line with a label at its top.
    public func verticalMarker(at value: Double, label: String, on canvas: Canvas, color: Color) {
        let top = map(value, y.upperBound), bottom = map(value, y.lowerBound)
        canvas.line(top, bottom, color: color, width: 2, dash: [4, 5])
        let anchorRight = top.x > frame.center.x
        canvas.text(label, at: Point(top.x + (anchorRight ? -8 : 8), top.y + 8), size: fontSize * 0.8, color: color,
                    horizontal: anchorRight ? .right : .left, vertical: .top)
    }

    public enum Corner { case topLeft, topRight, bottomLeft, bottomRight }

    public struct LegendEntry {
        public var label: String
        public var color: Color
        public var dash: [Double]
        public init(_ label: String, _ color: Color, dash: [Double] = []) {
            self.label = label
            self.color = color
            self.dash = dash
        }
    }

    public func legend(_ entries: [LegendEntry], on canvas: Canvas, corner: Corner = .bottomRight) {
        let size = fontSize * 0.85
        let lineHeight = size * 1.6
        let swatch = 40.0
        let textWidth = entries.map { canvas.textWidth($0.label, size: size) }.max() ?? 0
        let boxWidth = swatch + 24 + textWidth + 12
        let boxHeight = lineHeight * Double(entries.count) + 12
        let margin = 14.0
        let left = (corner == .topLeft || corner == .bottomLeft) ? frame.minX + margin : frame.maxX - margin - boxWidth
        let top = (corner == .topLeft || corner == .topRight) ? frame.minY + margin : frame.maxY - margin - boxHeight
        canvas.rectangle(Rect(left, top, boxWidth, boxHeight), fill: Color.white.with(alpha: 0.92), stroke: Palette.grid, width: 1.5, radius: 6)
        for (index, entry) in entries.enumerated() {
            let y = top + 6 + lineHeight * (Double(index) + 0.5)
            canvas.line(Point(left + 10, y), Point(left + 10 + swatch, y), color: entry.color, width: 3.5, dash: entry.dash)
            canvas.text(entry.label, at: Point(left + swatch + 22, y), size: size, vertical: .middle)
        }
    }
}
