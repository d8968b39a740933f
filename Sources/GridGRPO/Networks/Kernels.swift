/// The few vector kernels the networks are built from, on raw pointers into
/// contiguous Float32 buffers, eight lanes at a time with a scalar tail.
///
/// Each output element is computed by the same sequence of operations a plain
/// scalar loop would do (no reassociation, no fused multiply-add), so the
/// kernels give exactly the scalar result; the tests hold them to a plain
/// reference implementation.
enum Kernels {
    typealias Vector = SIMD8<Float>
    static let lanes = Vector.scalarCount

    /// y[i] += a · x[i] for i in 0..<n.
    @inline(__always)
    static func axpy(_ n: Int, _ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        var i = 0
        let splat = Vector(repeating: a)
        while i + lanes <= n {
            let xv = UnsafeRawPointer(x + i).loadUnaligned(as: Vector.self)
            let yv = UnsafeRawPointer(y + i).loadUnaligned(as: Vector.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: yv + splat * xv, as: Vector.self)
            i += lanes
        }
        while i < n {
            y[i] += a * x[i]
            i += 1
        }
    }

    /// Σ x[i]·y[i] summed in index order, as a scalar loop would.
    @inline(__always)
    static func dot(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, initial: Float) -> Float {
        var sum = initial
        for i in 0..<n { sum += x[i] * y[i] }
        return sum
    }

    /// out (cols × rows) = transpose of `matrix` (rows × cols).
    static func transpose(_ matrix: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            for c in 0..<cols { out[c * rows + r] = matrix[r * cols + c] }
        }
    }
}

extension Kernels {
    /// out[c] = initial[c] + Σ_r coefficient[r] · rows[r·stride + c] for c in
    /// 0..<columns, the terms added in row order and zero coefficients
    /// skipped, exactly as the scalar loop. Columns go 32 at a time with the
    /// partial sums held in registers, so each output is stored once.
    ///
    /// - Parameters:
    ///   - coefficients: `coefficient[r] = coefficients[r · coefficientStride]`.
    static func weightedRowSum(rows rowCount: Int, columns: Int, rows: UnsafePointer<Float>, rowStride: Int,
                               coefficients: UnsafePointer<Float>, coefficientStride: Int,
                               initial: UnsafePointer<Float>?, into out: UnsafeMutablePointer<Float>) {
        var c = 0
        while c + 4 * lanes <= columns {
            var a0 = Vector(), a1 = Vector(), a2 = Vector(), a3 = Vector()
            if let initial {
                a0 = UnsafeRawPointer(initial + c).loadUnaligned(as: Vector.self)
                a1 = UnsafeRawPointer(initial + c + lanes).loadUnaligned(as: Vector.self)
                a2 = UnsafeRawPointer(initial + c + 2 * lanes).loadUnaligned(as: Vector.self)
                a3 = UnsafeRawPointer(initial + c + 3 * lanes).loadUnaligned(as: Vector.self)
            }
            for r in 0..<rowCount {
                let coefficient = coefficients[r * coefficientStride]
                if coefficient == 0 { continue }
                let s = Vector(repeating: coefficient)
                let row = UnsafeRawPointer(rows + r * rowStride + c)
                a0 = a0 + s * row.loadUnaligned(as: Vector.self)
                a1 = a1 + s * row.loadUnaligned(fromByteOffset: 4 * lanes, as: Vector.self)
                a2 = a2 + s * row.loadUnaligned(fromByteOffset: 8 * lanes, as: Vector.self)
                a3 = a3 + s * row.loadUnaligned(fromByteOffset: 12 * lanes, as: Vector.self)
            }
            let target = UnsafeMutableRawPointer(out + c)
            target.storeBytes(of: a0, as: Vector.self)
            target.storeBytes(of: a1, toByteOffset: 4 * lanes, as: Vector.self)
            target.storeBytes(of: a2, toByteOffset: 8 * lanes, as: Vector.self)
            target.storeBytes(of: a3, toByteOffset: 12 * lanes, as: Vector.self)
            c += 4 * lanes
        }
        while c < columns {
            var sum: Float = initial?[c] ?? 0
            for r in 0..<rowCount {
                let coefficient = coefficients[r * coefficientStride]
                if coefficient == 0 { continue }
                sum = sum + coefficient * rows[r * rowStride + c]
            }
            out[c] = sum
            c += 1
        }
    }
}
