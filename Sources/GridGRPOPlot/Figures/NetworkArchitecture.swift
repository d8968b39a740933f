import Foundation
import GridGRPO

/// `network_architecture.png`: the trained policy and value networks of
/// `best.h5`, layer by layer, with every drawn connection shaded by its
/// weight (blue positive, red negative, opacity ∝ |w| within the layer).
public enum NetworkArchitectureFigure {
    public static let caption = "The best checkpoint's networks (policy, and value for the blog's method), connections shaded by the trained weights"

    /// Units drawn for a layer of `count`: all of them when few, else the first
    /// nine and the last three around an ellipsis.
    static func shownUnits(_ count: Int) -> (units: [Int], elided: Bool) {
        count <= 14 ? (Array(0..<count), false) : (Array(0..<9) + Array((count - 3)..<count), true)
    }

    public static func render(best: ArtifactSchema.Best, config: PipelineConfig) throws -> Canvas {
        let canvas = try Canvas(width: 2000, height: best.value == nil ? 820 : 1500)
        let world = config.world
        canvas.text("The trained networks (best checkpoint, iteration \(best.iteration))", at: Point(40, 30), size: 30, bold: true, vertical: .top)
        canvas.text("blue: positive weight · red: negative · opacity ∝ |weight| / largest |weight| of the layer · hidden layers drawn compactly",
                    at: Point(40, 74), size: 20, color: Palette.mutedText, vertical: .top)
        drawNetwork(best.policy, name: "Policy network π(a|s)", outputs: GridWorld.actionNames, outputActivation: "softmax",
                    world: world, band: Rect(40, 130, 1920, 660), on: canvas)
        if let value = best.value {
            drawNetwork(value, name: "Value network V(s)", outputs: ["V(s)"], outputActivation: nil,
                        world: world, band: Rect(40, 820, 1920, 660), on: canvas)
        }
        return canvas
    }

    static func weight(_ network: MLP, layer: Int, out: Int, into: Int) -> Float {
        let tensor = network.tensors[2 * layer]
        return network.parameters[tensor.offset + out * tensor.shape[1] + into]
    }

    static func drawNetwork(_ network: MLP, name: String, outputs: [String], outputActivation: String?,
                            world: GridWorld, band: Rect, on canvas: Canvas) {
        canvas.rectangle(band, fill: Palette.panel, radius: 12)
        canvas.text(name, at: Point(band.minX + 24, band.minY + 20), size: 26, bold: true, vertical: .top)
        let n = world.size, cells = world.cellCount, h = network.hiddenSize
        let top = band.minY + 150, bottom = band.maxY - 40
        let columns = [band.minX + 250, band.minX + 820, band.minX + 1300, band.minX + 1700]

        // Input: the two one-hot planes as N×N grids of nodes.
        let planeSide = min(210.0, (bottom - top - 40) / 2)
        let cell = planeSide / Double(n)
        var inputNodes: [Point] = []
        for plane in 0..<2 {
            let origin = Point(columns[0] - planeSide / 2, top + Double(plane) * (planeSide + 40))
            canvas.text(plane == 0 ? "agent plane" : "goal plane", at: Point(origin.x - 16, origin.y + planeSide / 2),
                        size: 18, color: plane == 0 ? Palette.agent : Palette.goal, horizontal: .right, vertical: .middle)
            for index in 0..<cells {
                let center = Point(origin.x + (Double(index % n) + 0.5) * cell, origin.y + (Double(index / n) + 0.5) * cell)
                inputNodes.append(center)
            }
        }
        func columnNodes(_ x: Double, _ count: Int) -> (points: [Int: Point], elided: Bool) {
            let (units, elided) = shownUnits(count)
            let slots = Double(units.count + (elided ? 1 : 0))
            let spacing = min(42, (bottom - top) / max(slots, 1))
            let start = (top + bottom) / 2 - spacing * (slots - 1) / 2
            var points: [Int: Point] = [:]
            for (slot, unit) in units.enumerated() {
                let position = Double(slot + (elided && slot >= 9 ? 1 : 0))
                points[unit] = Point(x, start + position * spacing)
            }
            if elided { canvas.text("⋮", at: Point(x, start + 9 * spacing), size: 28, color: Palette.mutedText, horizontal: .center, vertical: .middle) }
            return (points, elided)
        }
        let hidden1 = columnNodes(columns[1], h)
        let hidden2 = columnNodes(columns[2], h)
        let output = columnNodes(columns[3], outputs.count)

        // Connections, drawn before the nodes so the nodes sit on top.
        func connect(layer: Int, from sources: [Int: Point], to targets: [Int: Point]) {
            let tensor = network.tensors[2 * layer]
            let largest = network.parameters[tensor.range].map { abs($0) }.max() ?? 1
            for (target, end) in targets.sorted(by: { $0.key < $1.key }) {
                for (source, start) in sources.sorted(by: { $0.key < $1.key }) {
                    let w = weight(network, layer: layer, out: target, into: source)
                    let strength = Double(abs(w) / max(largest, 1e-12))
                    guard strength > 0.04 else { continue }
                    canvas.line(start, end, color: (w >= 0 ? Palette.positive : Palette.negative).with(alpha: 0.08 + 0.7 * strength),
                                width: 0.6 + 2.2 * strength)
                }
            }
        }
        connect(layer: 0, from: Dictionary(uniqueKeysWithValues: inputNodes.enumerated().map { ($0.offset, $0.element) }), to: hidden1.points)
        connect(layer: 1, from: hidden1.points, to: hidden2.points)
        connect(layer: 2, from: hidden2.points, to: output.points)

        for (index, point) in inputNodes.enumerated() {
            let plane = index / cells
            canvas.rectangle(Rect(point.x - cell / 2 + 1.5, point.y - cell / 2 + 1.5, cell - 3, cell - 3),
                             fill: .white, stroke: plane == 0 ? Palette.agent : Palette.goal, width: 1.5)
        }
        for nodes in [hidden1.points, hidden2.points] {
            for point in nodes.values { canvas.circle(point, radius: 11, fill: .white, stroke: Palette.axis, width: 2) }
        }
        for (unit, point) in output.points {
            canvas.circle(point, radius: 14, fill: .white, stroke: Palette.text, width: 2.5)
            canvas.text(outputs[unit], at: Point(point.x + 26, point.y), size: 20, vertical: .middle)
        }

        let inputs = world.observationSize
        let headers = [
            ("input", "2 × \(n)×\(n) one-hot = \(inputs)"),
            ("network.0  Linear + ReLU", "\(inputs) → \(h)" + (hidden1.elided ? "  (12 of \(h) shown)" : "")),
            ("network.2  Linear + ReLU", "\(h) → \(h)" + (hidden2.elided ? "  (12 of \(h) shown)" : "")),
            ("network.4  Linear" + (outputActivation.map { " + \($0)" } ?? ""), "\(h) → \(outputs.count)"),
        ]
        for (column, header) in zip(columns, headers) {
            canvas.text(header.0, at: Point(column, band.minY + 78), size: 20, bold: true, horizontal: .center, vertical: .top)
            canvas.text(header.1, at: Point(column, band.minY + 106), size: 18, color: Palette.mutedText, horizontal: .center, vertical: .top)
        }
    }
}
