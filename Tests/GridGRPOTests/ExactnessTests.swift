import CKernels
import Foundation
import Testing
@testable import GridGRPO

/// The fast paths against plain implementations, and the promise that no
/// result depends on the thread count or on how the work is chunked.
///
/// These claims are about the binaries users run, which are release builds:
/// `make test` runs this suite a second time, compiled with optimisation
/// (`swift test -c release --filter ExactnessTests`).
@Suite("Exactness: kernels equal the scalar loops; same bytes for any thread count or chunking")
struct ExactnessTests {
    /// The floating-point rules of `Sources/CKernels/include/gg_kernels.h`,
    /// written as the plainest scalar Swift loops: every product-sum fused
    /// (`addingProduct`, IEEE fusedMultiplyAdd), weighted row sums in row order
    /// skipping zero coefficients, dot products in eight partial sums.
    enum Rules {
        static func dot(_ x: [Float], _ y: [Float], initial: Float) -> Float {
            let body = x.count / 8 * 8
            var partial = [Float](repeating: 0, count: 8)
            for i in 0..<body { partial[i % 8] = partial[i % 8].addingProduct(x[i], y[i]) }
            let folded = ((partial[0] + partial[1]) + (partial[2] + partial[3])) + ((partial[4] + partial[5]) + (partial[6] + partial[7]))
            var total = initial + folded
            for i in body..<x.count { total = total.addingProduct(x[i], y[i]) }
            return total
        }

        /// out[c] = initial[c] + Σ_r coefficients[r] · rows[r][c], zero coefficients skipped.
        static func weightedRowSum(_ rows: [[Float]], coefficients: [Float], initial: [Float]) -> [Float] {
            var out = initial
            for (r, coefficient) in coefficients.enumerated() where coefficient != 0 {
                for c in out.indices { out[c] = out[c].addingProduct(coefficient, rows[r][c]) }
            }
            return out
        }
    }

    /// The forward and backward passes written as the plainest scalar loops
    /// under those rules.
    struct PlainMLP {
        let network: MLP
        func forward(agent: Int, goal: Int, cells: Int) -> (h1: [Float], h2: [Float], out: [Float]) {
            let h = network.hiddenSize, n = network.inputSize, o = network.outputSize, p = network.parameters
            let b0 = h * n, w1 = b0 + h, b1 = w1 + h * h, w2 = b1 + h, b2 = w2 + o * h
            var h1 = [Float](repeating: 0, count: h), h2 = h1, out = [Float](repeating: 0, count: o)
            for j in 0..<h { h1[j] = max(p[b0 + j] + p[j * n + agent] + p[j * n + cells + goal], 0) }
            for k in 0..<h {
                var z = p[b1 + k]
                for j in 0..<h where h1[j] != 0 { z = z.addingProduct(h1[j], p[w1 + k * h + j]) }
                h2[k] = max(z, 0)
            }
            for m in 0..<o {
                out[m] = Rules.dot(Array(p[(w2 + m * h)..<(w2 + m * h + h)]), h2, initial: p[b2 + m])
            }
            return (h1, h2, out)
        }

        func gradient(agents: [Int], goals: [Int], cells: Int, outputGradient: [Float]) -> [Float] {
            let h = network.hiddenSize, n = network.inputSize, o = network.outputSize, p = network.parameters
            let b0 = h * n, w1 = b0 + h, b1 = w1 + h * h, w2 = b1 + h, b2 = w2 + o * h
            var grad = [Float](repeating: 0, count: p.count)
            for s in 0..<agents.count {
                let (h1, h2, _) = forward(agent: agents[s], goal: goals[s], cells: cells)
                var d2 = [Float](repeating: 0, count: h), d1 = d2
                for m in 0..<o {
                    let d = outputGradient[s * o + m]
                    if d == 0 { continue }
                    grad[b2 + m] += d
                    for k in 0..<h {
                        grad[w2 + m * h + k] = grad[w2 + m * h + k].addingProduct(d, h2[k])
                        d2[k] = d2[k].addingProduct(d, p[w2 + m * h + k])
                    }
                }
                for k in 0..<h where h2[k] <= 0 { d2[k] = 0 }
                for k in 0..<h {
                    grad[b1 + k] += d2[k]
                    if d2[k] == 0 { continue }
                    for j in 0..<h {
                        grad[w1 + k * h + j] = grad[w1 + k * h + j].addingProduct(d2[k], h1[j])
                        d1[j] = d1[j].addingProduct(d2[k], p[w1 + k * h + j])
                    }
                }
                for j in 0..<h where h1[j] > 0 {
                    grad[b0 + j] += d1[j]
                    grad[j * n + agents[s]] += d1[j]
                    grad[j * n + cells + goals[s]] += d1[j]
                }
            }
            return grad
        }
    }

    /// Hidden sizes that exercise the 32-wide register blocks, their scalar
    /// tail, and both together.
    @Test(arguments: [5, 32, 40, 64])
    func vectorKernelsEqualPlainLoopsExactly(hidden: Int) {
        let world = GridWorld(size: 4, maxSteps: 20)
        var random = RandomStream(seed: 3, stage: .initialize, iteration: 0, index: hidden)
        let network = MLP.initialized(inputSize: world.observationSize, hiddenSize: hidden, outputSize: 4, random: &random)
        let plain = PlainMLP(network: network)
        let count = 150
        let agents = (0..<count).map { $0 % world.cellCount }
        let goals = (0..<count).map { ($0 * 7 + 3) % world.cellCount }
        let activations = network.forward(agents: agents, goals: goals, cellCount: world.cellCount)
        // The policy table's layout (the first layer transposed) and the
        // minibatch's (as stored) give the plain loop's bits for one state too.
        let byColumns = ForwardWeights(network, inputColumns: true), asStored = ForwardWeights(network)
        #expect(byColumns.inputColumns.count == world.observationSize * hidden && asStored.inputColumns.isEmpty)
        for s in 0..<count {
            let expected = plain.forward(agent: agents[s], goal: goals[s], cells: world.cellCount)
            #expect(Array(activations.output[(s * 4)..<(s * 4 + 4)]) == expected.out)
            #expect(Array(activations.hidden2[(s * hidden)..<((s + 1) * hidden)]) == expected.h2)
            for weights in [byColumns, asStored] {
                var single = [Float](repeating: .nan, count: 4)
                single.withUnsafeMutableBufferPointer { weights.output(agent: agents[s], goal: goals[s], cellCount: world.cellCount, into: $0.baseAddress!) }
                #expect(single == expected.out, "sample \(s), input columns \(!weights.inputColumns.isEmpty)")
            }
        }
        // some exact zeros, as a clipped PPO loss gives
        let outputGradient: [Float] = (0..<(count * 4)).map { (i: Int) -> Float in
            i % 5 == 0 ? 0 : Float(i % 13) / 13 - 0.5
        }
        var gradient = [Float](repeating: 0, count: network.parameters.count)
        network.backward(agents: agents, goals: goals, cellCount: world.cellCount, activations: activations,
                         outputGradient: outputGradient, into: &gradient)
        #expect(gradient == plain.gradient(agents: agents, goals: goals, cells: world.cellCount, outputGradient: outputGradient))
    }

    /// Each kernel of `path` against `Rules`, on lengths that reach every
    /// column block (64, 32, 8 wide), the scalar tails, row counts past a pass
    /// of 256 rows, strided coefficients, exact zeros of both signs, and
    /// `initial` both absent and equal to the output; ReLU's backward pass on
    /// zeros of both signs and a NaN activation.
    static func checkKernels(_ path: Kernels.Path) throws {
        let kernels = try #require(path.table, "\(path.rawValue) is available but has no kernels")
        var random = RandomStream(seed: 11, stage: .initialize, iteration: 0, index: 7)
        func values(_ count: Int) -> [Float] {
            (0..<count).map { _ in
                let u = random.nextUnitFloat()
                if u < 0.15 { return u < 0.07 ? 0 : -0.0 }
                return (2 * random.nextUnitFloat() - 1) * (u < 0.5 ? 1 : 1e-3)
            }
        }
        var unfusedWouldDiffer = false
        for n in [0, 1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 100, 131] {
            let x = values(n), y = values(n)
            let expected = Rules.dot(x, y, initial: 0.25)
            let got = x.withUnsafeBufferPointer { xb in y.withUnsafeBufferPointer { yb in
                Kernels.dot(n, xb.baseAddress ?? UnsafePointer(bitPattern: 16)!, yb.baseAddress ?? UnsafePointer(bitPattern: 16)!,
                            initial: 0.25, kernels: kernels)
            } }
            #expect(got.bitPattern == expected.bitPattern, "\(path.rawValue) dot of length \(n)")

            var axpyOut = y
            let a: Float = 0.3711
            x.withUnsafeBufferPointer { xb in axpyOut.withUnsafeMutableBufferPointer { yb in
                if let xp = xb.baseAddress, let yp = yb.baseAddress { Kernels.axpy(n, a, xp, yp, kernels: kernels) }
            } }
            let axpyExpected = (0..<n).map { y[$0].addingProduct(a, x[$0]) }
            #expect(axpyOut.map(\.bitPattern) == axpyExpected.map(\.bitPattern), "\(path.rawValue) axpy of length \(n)")
            if (0..<n).contains(where: { y[$0] + a * x[$0] != axpyExpected[$0] }) { unfusedWouldDiffer = true }

            // ReLU's backward pass: activations with exact zeros of both signs and a NaN.
            var activations = values(n)
            if n > 3 { activations[3] = .nan }
            var gradient = x, bias = y
            activations.withUnsafeBufferPointer { ab in gradient.withUnsafeMutableBufferPointer { gb in bias.withUnsafeMutableBufferPointer { bb in
                if let ap = ab.baseAddress, let gp = gb.baseAddress, let bp = bb.baseAddress {
                    Kernels.reluBackward(n, activations: ap, gradient: gp, biasGradient: bp, kernels: kernels)
                }
            } } }
            let passed = (0..<n).map { activations[$0] > 0 ? x[$0] : Float(0) }
            #expect(gradient.map(\.bitPattern) == passed.map(\.bitPattern), "\(path.rawValue) ReLU backward of length \(n)")
            #expect(bias.map(\.bitPattern) == (0..<n).map { (y[$0] + passed[$0]).bitPattern }, "\(path.rawValue) bias gradient of length \(n)")

            // One Adam step, every operation rounded on its own, in the stated order.
            let constants = gg_adam_constants(beta1: 0.9, one_minus_beta1: 1 - Float(0.9), beta2: 0.999, one_minus_beta2: 1 - Float(0.999),
                                              step_size: 0.0031, root2: 0.0447, epsilon: 1e-8)
            let (m0, v0, p0) = (values(n), values(n).map { $0 * $0 }, values(n))
            // In place, and from the old arrays into new ones: the same bits.
            var m = m0, v = v0, parameters = p0
            m.withUnsafeMutableBufferPointer { mb in v.withUnsafeMutableBufferPointer { vb in
                parameters.withUnsafeMutableBufferPointer { pb in x.withUnsafeBufferPointer { gb in
                    if let mp = mb.baseAddress, let vp = vb.baseAddress, let pp = pb.baseAddress, let gp = gb.baseAddress {
                        kernels.pointee.adam_step(n, constants, mp, vp, pp, gp, mp, vp, pp)
                    }
                } }
            } }
            var fresh = [Float](repeating: 7, count: 3 * n)
            m0.withUnsafeBufferPointer { mb in v0.withUnsafeBufferPointer { vb in p0.withUnsafeBufferPointer { pb in
                x.withUnsafeBufferPointer { gb in fresh.withUnsafeMutableBufferPointer { out in
                    if let mp = mb.baseAddress, let vp = vb.baseAddress, let pp = pb.baseAddress, let gp = gb.baseAddress,
                       let o = out.baseAddress {
                        kernels.pointee.adam_step(n, constants, mp, vp, pp, gp, o, o + n, o + 2 * n)
                    }
                } }
            } } }
            #expect(fresh.map(\.bitPattern) == (m + v + parameters).map(\.bitPattern), "\(path.rawValue) Adam step into new arrays, \(n)")
            for i in 0..<n {
                let mi = constants.beta1 * m0[i] + constants.one_minus_beta1 * x[i]
                let vi = constants.beta2 * v0[i] + constants.one_minus_beta2 * x[i] * x[i]
                let pi = p0[i] - constants.step_size * mi / (vi.squareRoot() / constants.root2 + constants.epsilon)
                #expect(m[i].bitPattern == mi.bitPattern && v[i].bitPattern == vi.bitPattern && parameters[i].bitPattern == pi.bitPattern,
                        "\(path.rawValue) Adam step, element \(i) of \(n)")
            }
        }
        // Coefficients at stride 1 (the AVX2 path gathers them eight at a time)
        // and 2 (one at a time), a NaN among them (not zero: its row is added).
        for (rowCount, columns, stride) in [(1, 1, 1), (5, 8, 2), (70, 64, 1), (70, 64, 2), (64, 96, 1), (300, 72, 2),
                                            (300, 72, 1), (513, 41, 1), (3, 131, 2), (17, 16, 1)] {
            let rows = (0..<rowCount).map { _ in values(columns) }
            var coefficients = values(rowCount * stride)
            if rowCount == 17 { coefficients[9] = .nan }
            let used = (0..<rowCount).map { coefficients[$0 * stride] }
            let initial = values(columns)
            let flat = rows.flatMap { $0 }
            for (withInitial, inPlace) in [(false, false), (true, false), (true, true)] {
                var out = inPlace ? initial : [Float](repeating: 9, count: columns)
                flat.withUnsafeBufferPointer { rowsBuffer in coefficients.withUnsafeBufferPointer { coefficientBuffer in
                    initial.withUnsafeBufferPointer { initialBuffer in out.withUnsafeMutableBufferPointer { outBuffer in
                        guard let r = rowsBuffer.baseAddress, let k = coefficientBuffer.baseAddress, let i = initialBuffer.baseAddress,
                              let o = outBuffer.baseAddress else { return }
                        Kernels.weightedRowSum(rows: rowCount, columns: columns, rows: r, rowStride: columns, coefficients: k,
                                               coefficientStride: stride, initial: inPlace ? UnsafePointer(o) : (withInitial ? i : nil),
                                               into: o, kernels: kernels)
                    } }
                } }
                let expected = Rules.weightedRowSum(rows, coefficients: used,
                                                    initial: withInitial ? initial : [Float](repeating: 0, count: columns))
                #expect(zip(out, expected).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) },
                        "\(path.rawValue) weighted row sum \(rowCount)×\(columns) at stride \(stride), initial \(withInitial), in place \(inPlace)")
            }
        }
        for (rowCount, columns) in [(0, 5), (1, 1), (8, 8), (64, 64), (9, 17), (70, 64), (64, 50), (3, 131)] {
            let matrix = values(rowCount * columns)
            var out = [Float](repeating: 9, count: rowCount * columns)
            matrix.withUnsafeBufferPointer { m in out.withUnsafeMutableBufferPointer { o in
                if let mp = m.baseAddress, let op = o.baseAddress { Kernels.transpose(mp, rows: rowCount, cols: columns, into: op, kernels: kernels) }
            } }
            let expected = (0..<(rowCount * columns)).map { i in matrix[(i % rowCount) * columns + i / rowCount] }
            #expect(out.map(\.bitPattern) == expected.map(\.bitPattern), "\(path.rawValue) transpose \(rowCount)×\(columns)")
        }
        try checkBackwardSamples(kernels, path: path, values: values)
        // `add_rows`: plain additions in pair order, a target row recurring.
        for (count, columns) in [(0, 8), (1, 1), (5, 7), (9, 64), (12, 67)] {
            let rowCount = 4, targetCount = 3
            let rows = values(rowCount * columns), initial = values(targetCount * columns)
            let sourceRows = (0..<count).map { Int32(($0 * 3) % rowCount) }, targetRows = (0..<count).map { Int32(($0 * 2) % targetCount) }
            var targets = initial
            rows.withUnsafeBufferPointer { r in targets.withUnsafeMutableBufferPointer { t in
                if let rp = r.baseAddress, let tp = t.baseAddress {
                    kernels.pointee.add_rows(count, columns, rp, sourceRows, tp, targetRows)
                }
            } }
            var expected = initial
            for i in 0..<count {
                for c in 0..<columns {
                    expected[Int(targetRows[i]) * columns + c] += rows[Int(sourceRows[i]) * columns + c]
                }
            }
            #expect(targets.map(\.bitPattern) == expected.map(\.bitPattern), "\(path.rawValue) add_rows, \(count) pairs of \(columns)")
        }
        // The rules are not vacuous: unfused arithmetic gives other bits on these inputs.
        #expect(unfusedWouldDiffer)
    }

    /// `backward_samples` against the rules written out sample by sample
    /// (`Rules.weightedRowSum`, ReLU's pass-or-+0, bias sums in sample
    /// order), with exact zeros of both signs and a NaN among the output
    /// gradients (its bias entry is added, its row of W2 is not skipped).
    static func checkBackwardSamples(_ kernels: UnsafePointer<gg_kernel_table>, path: Kernels.Path,
                                     values: (Int) -> [Float]) throws {
        for (n, h, o) in [(1, 8, 4), (5, 64, 4), (9, 40, 1), (3, 5, 3)] {
            let upper = values(h * h + h + o * h + o)
            let hidden1 = values(n * h).map { max($0, 0) }, hidden2 = values(n * h).map { max($0, 0) }
            var outputGradient = values(n * o)
            if n == 5 { outputGradient[6] = .nan }
            let biases = values(2 * h + o)
            var dh2 = [Float](repeating: 9, count: n * h), dh1 = dh2, b0 = Array(biases[0..<h]), b1 = Array(biases[h..<(2 * h)])
            var b2 = Array(biases[(2 * h)...])
            upper.withUnsafeBufferPointer { u in hidden1.withUnsafeBufferPointer { x1 in hidden2.withUnsafeBufferPointer { x2 in
                outputGradient.withUnsafeBufferPointer { g in dh2.withUnsafeMutableBufferPointer { d2 in dh1.withUnsafeMutableBufferPointer { d1 in
                    b0.withUnsafeMutableBufferPointer { c0 in b1.withUnsafeMutableBufferPointer { c1 in b2.withUnsafeMutableBufferPointer { c2 in
                        guard let up = u.baseAddress, let x1p = x1.baseAddress, let x2p = x2.baseAddress, let gp = g.baseAddress,
                              let d2p = d2.baseAddress, let d1p = d1.baseAddress, let c0p = c0.baseAddress, let c1p = c1.baseAddress,
                              let c2p = c2.baseAddress else { return }
                        kernels.pointee.backward_samples(n, h, o, up, x1p, x2p, gp, d2p, d1p, c0p, c1p, c2p)
                    } } }
                } } }
            } } }
            let w1 = (0..<h).map { Array(upper[($0 * h)..<($0 * h + h)]) }
            let w2 = (0..<o).map { Array(upper[(h * h + h + $0 * h)..<(h * h + h + $0 * h + h)]) }
            var e0 = Array(biases[0..<h]), e1 = Array(biases[h..<(2 * h)]), e2 = Array(biases[(2 * h)...])
            var e2Expected: [Float] = [], e1Expected: [Float] = []
            let zeros = [Float](repeating: 0, count: h)
            for s in 0..<n {
                let dOut = Array(outputGradient[(s * o)..<(s * o + o)])
                for m in 0..<o where dOut[m] != 0 { e2[m] += dOut[m] }
                var d2 = Rules.weightedRowSum(w2, coefficients: dOut, initial: zeros)
                for k in 0..<h {
                    if !(hidden2[s * h + k] > 0) { d2[k] = 0 }
                    e1[k] += d2[k]
                }
                var d1 = Rules.weightedRowSum(w1, coefficients: d2, initial: zeros)
                for j in 0..<h {
                    if !(hidden1[s * h + j] > 0) { d1[j] = 0 }
                    e0[j] += d1[j]
                }
                e2Expected += d2
                e1Expected += d1
            }
            let same = { (a: [Float], b: [Float]) in zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) } }
            #expect(same(dh2, e2Expected) && same(dh1, e1Expected), "\(path.rawValue) backward_samples ∂h, n \(n), h \(h), o \(o)")
            #expect(same(b0, e0) && same(b1, e1) && same(b2, e2), "\(path.rawValue) backward_samples biases, n \(n), h \(h), o \(o)")
        }
    }

    @Test func scalarKernelsFollowTheRules() throws {
        try Self.checkKernels(.scalar)
    }

    @Test(.enabled(if: Kernels.Path.avx2.isAvailable, "this CPU lacks AVX2 with FMA, so the AVX2 path cannot run here"))
    func avx2KernelsFollowTheRules() throws {
        try Self.checkKernels(.avx2)
    }

    /// The promise users rely on: the stages write the same bytes whichever
    /// path ran. Two small runs (the blog's method, and GRPO on a learned
    /// reward: the reward model's forward and backward) through the real
    /// Makefile and executables, once per path forced by GRIDGRPO_KERNELS.
    @Test(.enabled(if: Kernels.Path.avx2.isAvailable, "this CPU lacks AVX2 with FMA: only the scalar path exists here"))
    func stagesWriteTheSameBytesOnEveryKernelPath() throws {
        let root = temporaryDirectory("kernel-paths")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let configs = [
            "plain": EndToEndTests.tinyConfig,
            "learned": "seed: 2\niterations: 3\nalgorithm: grpo\nenvironment: {grid_size: 3, max_steps: 12}\nnetwork: {hidden_size: 40}\n"
                + "grpo: {group_size: 4, groups_per_iteration: 8, minibatch_groups: 4}\n" + SmallRun.learnedPreference + "\n",
        ]
        let e2e = EndToEndTests()
        for (name, text) in configs {
            let config = root + "/\(name).yaml"
            #expect(FileManager.default.createFile(atPath: config, contents: Data(text.utf8)))
            var runs: [[String: Data]] = []
            for path in Kernels.Path.allCases {
                let artifacts = root + "/\(name)-\(path.rawValue)"
                let result = try runProcess("/usr/bin/env", ["make", "--no-print-directory", "-C", repositoryRoot, "CONFIG=\(config)",
                                                             "ARTIFACTS=\(artifacts)", "BIN=\(EndToEndTests.binaries)", "BUILD_STAMP="],
                                            environment: [Kernels.environmentVariable: path.rawValue])
                #expect(result.status == 0, "\(name) on \(path.rawValue): \(result.output)")
                runs.append(e2e.deterministicFiles(in: artifacts))
            }
            #expect(runs[0].count > 10)
            #expect(e2e.differences(runs[0], runs[1]) == [], "\(name): files that differ between the scalar and AVX2 paths")
        }
    }

    /// The Swift names of the paths are the C layer's, which reads the
    /// environment variable on its own for in-process code.
    @Test func kernelPathNamesAgreeWithTheCLayer() {
        #expect(Kernels.Path.allCases.count == Int(GG_KERNELS_PATH_COUNT.rawValue))
        for path in Kernels.Path.allCases {
            #expect(gg_kernels_path_name(path.number).map { String(cString: $0) } == path.rawValue)
        }
        #expect(gg_kernels_path_name(Int32(GG_KERNELS_PATH_COUNT.rawValue)) == nil)
    }

    @Test func anUnknownKernelPathIsRefusedInOneLine() throws {
        let result = try runProcess(EndToEndTests.binaries + "/evaluate", ["--config", "/nonexistent.yaml", "--iteration", "1",
                                                                              "--output", "/nonexistent/eval.h5"],
                                    environment: [Kernels.environmentVariable: "avx9"])
        #expect(result.status == 1)
        #expect(result.output.hasPrefix("Error: GRIDGRPO_KERNELS=avx9: unknown kernel path (this CPU has: scalar"))
        #expect(result.output.split(separator: "\n").count == 1)
    }

    /// The evaluation's greedy outcomes, found once per state, against the
    /// episode loop run from every start: random policies (many loop forever)
    /// and trained-looking ones, on every layout, with max_steps short enough
    /// to cut paths and long enough to end them.
    @Test(arguments: [GridLayout.open, .fourRooms, .maze, .lavaGap, .map])
    func greedyOutcomesEqualTheEpisodeLoop(layout: GridLayout) throws {
        for (size, maxSteps, seed) in [(5, 3, UInt64(0)), (7, 12, 1), (9, 100, 2), (6, 1, 3), (5, 0, 4)] {
            let world = layout == .map
                ? try WorldTests.world(WorldTests.maps[Int(seed) % WorldTests.maps.count], maxSteps: maxSteps, penalty: -0.7)
                : GridWorld(size: size, maxSteps: maxSteps, layout: layout,
                            kinds: LayoutGenerator.cells(layout, size: size, seed: seed, map: GridMap()))
            for hidden in [3, 16] {
                var random = RandomStream(seed: seed, stage: .initialize, iteration: 0, index: hidden)
                let policy = MLP.initialized(inputSize: world.observationSize, hiddenSize: hidden, outputSize: 4, random: &random)
                let table = PolicyTable.complete(policy: policy, world: world, threads: 1)
                let starts = world.allConfigurations()
                let loop = runEpisodeOutcomes(policy: policy, table: table, world: world, starts: starts, streams: [], selection: .greedy)
                let memo = greedyOutcomes(table: table, world: world, starts: starts)
                #expect(memo.lengths == loop.lengths, "\(layout) \(world.size)×\(world.size), max_steps \(maxSteps)")
                #expect(memo.successes == loop.successes)
                #expect(memo.returns.map(\.bitPattern) == loop.returns.map(\.bitPattern))
            }
        }
    }

    /// The production gradient keeps each chunk's first-layer gradient as
    /// the columns it touched; it must equal dense per-chunk buffers summed in
    /// chunk order, bit for bit, with and without the action plane.
    @Test(arguments: [false, true])
    func sparseFirstLayerChunksEqualDenseChunksSummedInOrder(withActions: Bool) {
        let world = GridWorld(size: 6, maxSteps: 20)
        let inputSize = world.observationSize + (withActions ? 4 : 0)
        var random = RandomStream(seed: 5, stage: .initialize, iteration: 0, index: 1)
        let network = MLP.initialized(inputSize: inputSize, hiddenSize: 24, outputSize: withActions ? 1 : 4, random: &random)
        let count = 3 * MLP.samplesPerChunk + 17
        let agents = (0..<count).map { ($0 * 5) % world.cellCount }
        let goals = (0..<count).map { ($0 * 11 + 7) % world.cellCount }
        let actions = withActions ? (0..<count).map { $0 % 4 } : nil
        let activations = network.forward(agents: agents, goals: goals, cellCount: world.cellCount, actions: actions)
        let outputGradient = (0..<activations.output.count).map { i -> Float in i % 7 == 0 ? 0 : Float(i % 9) / 9 - 0.4 }
        var dense: [Float]?
        for chunk in 0..<((count + MLP.samplesPerChunk - 1) / MLP.samplesPerChunk) {
            var part = [Float](repeating: 0, count: network.parameters.count)
            network.backward(agents: agents, goals: goals, cellCount: world.cellCount, actions: actions, activations: activations,
                             outputGradient: outputGradient,
                             samples: (chunk * MLP.samplesPerChunk)..<min(count, (chunk + 1) * MLP.samplesPerChunk), into: &part)
            dense = dense.map { total in zip(total, part).map { $0 + $1 } } ?? part
        }
        for threads in [1, 3] {
            let sparse = network.gradient(agents: agents, goals: goals, cellCount: world.cellCount, actions: actions,
                                          activations: activations, outputGradient: outputGradient, threads: threads)
            #expect(sparse.map(\.bitPattern) == dense?.map(\.bitPattern), "\(threads) threads")
        }
    }

    @Test func rolloutsAndEvaluationsAreTheSameForAnyThreadsAndChunks() {
        var config = PipelineConfig()
        config.rollout.pairs = 300
        let agent = Agent.initial(world: config.world, hiddenSize: 16, seed: 2)
        let single = sampleRollout(policy: agent.policy, config: config, iteration: 3, threads: 1)
        #expect(single.count == 600)
        for threads in [2, 3] {
            #expect(sampleRollout(policy: agent.policy, config: config, iteration: 3, threads: threads) == single)
        }
        let world = config.world
        var streams: [RandomStream] = [], starts: [(agent: Int, goal: Int)] = []
        for e in 0..<600 {
            var stream = RandomStream(seed: config.seed, stage: .rollout, iteration: 3, index: e)
            starts.append(world.sampleStart(&stream))
            streams.append(stream)
        }
        for chunk in [1, 7, 1000] {
            for table in [nil, PolicyTable.complete(policy: agent.policy, world: world, threads: 2)] {
                let episodes = runEpisodes(policy: agent.policy, table: table, world: world, starts: starts, streams: streams,
                                           selection: .sample, gamma: Float(config.rollout.gamma), threads: 2, episodesPerChunk: chunk)
                #expect(episodes == single, "chunks of \(chunk), table \(table == nil ? "filled lazily" : "complete")")
            }
        }
        let evaluation = Evaluation.run(policy: agent.policy, world: world, sampledEpisodes: 100, seed: 1, iteration: 2, threads: 1)
        for threads in [2, 3] {
            #expect(Evaluation.run(policy: agent.policy, world: world, sampledEpisodes: 100, seed: 1, iteration: 2, threads: threads) == evaluation)
        }
    }

    @Test func updatesAreTheSameForAnyThreads() throws {
        var config = PipelineConfig()
        config.rollout.pairs = 64
        config.update.minibatchEpisodes = 32
        let agent = Agent.initial(world: config.world, hiddenSize: 24, seed: 4)
        let episodes = sampleRollout(policy: agent.policy, config: config, iteration: 1, threads: 1)
        let pairs = try PreferencePairs(episodes: episodes)
        var results: [Agent] = []
        for threads in [1, 2, 3] {
            var trained = agent
            _ = try preferenceUpdate(agent: &trained, episodes: episodes, pairs: pairs, config: config.update,
                                     world: config.world, seed: 0, iteration: 1, threads: threads)
            results.append(trained)
        }
        #expect(results[0].policy != agent.policy)
        #expect(results[1] == results[0] && results[2] == results[0])

        config.algorithm = .grpo
        let grpoAgent = Agent.initial(world: config.world, hiddenSize: 24, seed: 4, withValue: false)
        let grpoEpisodes = sampleRollout(policy: grpoAgent.policy, config: config, iteration: 1, threads: 2)
        let groups = try GroupAdvantages(returns: grpoEpisodes.returns, groupSize: config.grpo.groupSize, scale: config.grpo.scale,
                                         epsilon: config.grpo.advantageEpsilon, dropUniform: config.grpo.dropUniformGroups)
        var grpoResults: [MLP] = []
        for threads in [1, 2, 3] {
            var trained = grpoAgent
            _ = grpoUpdate(agent: &trained, reference: grpoAgent.policy, episodes: grpoEpisodes, groups: groups, config: config.grpo,
                           adam: config.update.policyAdam(learningRate: config.grpo.learningRate), world: config.world,
                           seed: 0, iteration: 1, threads: threads)
            grpoResults.append(trained.policy)
        }
        #expect(grpoResults[0] != grpoAgent.policy)
        #expect(grpoResults[1] == grpoResults[0] && grpoResults[2] == grpoResults[0])
    }

    @Test func stageFilesAreTheSameBytesForAnyThreads() throws {
        let run = try SmallRun(algorithm: .preference)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let dir = { (i: Int) in "\(run.directory)/\(StageGraph.iterationDirectory(i))" }
        for threads in [1, 3] {
            let rollout = run.directory + "/rollout-\(threads).h5", weights = run.directory + "/weights-\(threads).h5"
            let evaluation = run.directory + "/eval-\(threads).h5"
            _ = try Stages.rollout(configPath: run.config, weightsPath: dir(1) + "/weights.h5", iteration: 2, output: rollout, threads: threads)
            _ = try Stages.update(configPath: run.config, weightsPath: dir(1) + "/weights.h5", rolloutPath: dir(2) + "/rollout.h5",
                                  pairsPath: dir(2) + "/pairs.h5", groupsPath: nil, referencePath: nil, iteration: 2, output: weights,
                                  threads: threads)
            _ = try Stages.evaluate(configPath: run.config, weightsPath: dir(2) + "/weights.h5", iteration: 2, output: evaluation, threads: threads)
            #expect(FileManager.default.contents(atPath: rollout) == FileManager.default.contents(atPath: dir(2) + "/rollout.h5"))
            #expect(FileManager.default.contents(atPath: weights) == FileManager.default.contents(atPath: dir(2) + "/weights.h5"))
            #expect(FileManager.default.contents(atPath: evaluation) == FileManager.default.contents(atPath: dir(2) + "/eval.h5"))
        }
        #expect(throws: GridGRPOError("--threads -1 is outside 0...256 (0 = every core)")) {
            try Stages.evaluate(configPath: run.config, weightsPath: dir(2) + "/weights.h5", iteration: 2,
                                output: run.directory + "/x.h5", threads: -1)
        }
    }

    /// The rollout stage appends its episodes to rollout.h5 block by block;
    /// read back, the file holds exactly the episodes sampled all at once.
    @Test(arguments: PipelineConfig.Algorithm.allCases)
    func rolloutStageStreamsBlocksThatReadBackWhole(algorithm: PipelineConfig.Algorithm) throws {
        let directory = temporaryDirectory("stream")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let yaml = """
        algorithm: \(algorithm.rawValue)
        environment: {grid_size: 3, max_steps: 12}
        network: {hidden_size: 8}
        rollout: {pairs: 9000}
        grpo: {group_size: 5, groups_per_iteration: 3700}

        """
        let configPath = directory + "/config.yaml"
        #expect(FileManager.default.createFile(atPath: configPath, contents: Data(yaml.utf8)))
        let config = try PipelineConfig.load(path: configPath)
        #expect(config.rolloutEpisodes > 2 * rolloutBlock)
        _ = try Stages.initialize(configPath: configPath, output: directory + "/w.h5")
        _ = try Stages.rollout(configPath: configPath, weightsPath: directory + "/w.h5", iteration: 1, output: directory + "/r.h5")
        let policy = try ArtifactSchema.readWeights(path: directory + "/w.h5", config: config).agent.policy
        let expected = sampleRollout(policy: policy, config: config, iteration: 1, threads: 2)
        let stored = try ArtifactSchema.readRollout(path: directory + "/r.h5", config: config).episodes
        #expect(stored == expected)
        #expect(stored.count == config.rolloutEpisodes)
    }
}
