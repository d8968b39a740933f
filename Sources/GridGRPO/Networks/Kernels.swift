import CKernels
import Glibc

/// The few vector kernels the networks are built from, on raw pointers into
/// contiguous Float32 buffers: `axpy`, `dot`, `weightedRowSum`,
/// `reluBackward`, `transpose`, Adam's step and a sample's forward tail
/// (the table in `gg_kernels.h`).
///
/// Their bodies are C (`Sources/CKernels`), written once and compiled once per
/// instruction set, because Swift cannot compile a function for AVX2 inside a
/// binary that must still run on baseline x86-64. The widest path the CPU has
/// is used unless `GRIDGRPO_KERNELS` names another (`Path`). Every path does
/// the same operations in the same order, with every product-sum fused
/// (`fma`, correctly rounded on each path), so the bytes of every artifact are
/// the same whichever path ran; the exactness tests hold each path to plain
/// Swift loops written from the rules in `gg_kernels.h` and run the stages
/// under each path.
public enum Kernels {
    /// An instruction-set path of the kernels.
    public enum Path: String, CaseIterable, Sendable {
        /// Any CPU: the vector operations lowered lane by lane, `fmaf` per product-sum.
        case scalar
        /// AVX2 with FMA: eight lanes per instruction.
        case avx2

        var number: Int32 {
            switch self {
            case .scalar: Int32(GG_KERNELS_SCALAR.rawValue)
            case .avx2: Int32(GG_KERNELS_AVX2.rawValue)
            }
        }

        /// Whether this CPU (and its OS) can run the path.
        public var isAvailable: Bool { gg_kernels_available(number) != 0 }

        /// This path's kernels; nil when the CPU lacks it.
        var table: UnsafePointer<gg_kernel_table>? { gg_kernels_table(number) }
    }

    /// The environment variable that chooses a path (`scalar`, `avx2`); unset:
    /// the widest this CPU has. Declared in `gg_kernels.h`, whose first use
    /// reads it too, so in-process code (tests, plot) follows it as well.
    public static let environmentVariable = GG_KERNELS_ENVIRONMENT

    /// The paths this CPU can run.
    public static var availablePaths: [Path] { Path.allCases.filter(\.isAvailable) }

    /// The path the kernels use now.
    public static var activePath: Path {
        let number = gg_kernels_active_path()
        return Path.allCases.first { $0.number == number } ?? .scalar
    }

    /// Applies `GRIDGRPO_KERNELS` (read by `lookup`, the process's own
    /// environment by default, one variable by `getenv` rather than the whole
    /// environment decoded into a dictionary): nothing when unset or empty,
    /// else that path, refused in one line when unknown or missing on this CPU.
    public static func applyEnvironment(_ lookup: (String) -> String? = { getenv($0).map { String(cString: $0) } }) throws {
        guard let name = lookup(environmentVariable), !name.isEmpty else { return }
        let available = availablePaths.map(\.rawValue).joined(separator: ", ")
        guard let path = Path(rawValue: name) else {
            throw GridGRPOError("\(environmentVariable)=\(name): unknown kernel path (this CPU has: \(available))")
        }
        guard gg_kernels_use(path.number) == 0 else {
            throw GridGRPOError("\(environmentVariable)=\(name): this CPU lacks it (it has: \(available))")
        }
    }

    /// The active path's kernels.
    @inline(__always)
    static var active: UnsafePointer<gg_kernel_table> { gg_kernels_active() }

    /// y[i] = fma(a, x[i], y[i]) for i in 0..<n.
    @inline(__always)
    static func axpy(_ n: Int, _ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                     kernels: UnsafePointer<gg_kernel_table> = active) {
        kernels.pointee.axpy(n, a, x, y)
    }

    /// Σ x[i]·y[i] + initial: eight partial sums, folded pairwise, then the
    /// tail fused in index order (`gg_kernels.h` states the order).
    @inline(__always)
    static func dot(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, initial: Float,
                    kernels: UnsafePointer<gg_kernel_table> = active) -> Float {
        kernels.pointee.dot(n, x, y, initial)
    }

    /// out[c] = initial[c] + Σ_r coefficient[r] · rows[r·stride + c] for c in
    /// 0..<columns, each term fused in row order, zero coefficients skipped;
    /// `initial` may be `out`.
    ///
    /// - Parameters:
    ///   - coefficients: `coefficient[r] = coefficients[r · coefficientStride]`.
    @inline(__always)
    static func weightedRowSum(rows rowCount: Int, columns: Int, rows: UnsafePointer<Float>, rowStride: Int,
                               coefficients: UnsafePointer<Float>, coefficientStride: Int,
                               initial: UnsafePointer<Float>?, into out: UnsafeMutablePointer<Float>,
                               kernels: UnsafePointer<gg_kernel_table> = active) {
        kernels.pointee.weighted_row_sum(rowCount, columns, rows, rowStride, coefficients, coefficientStride, initial, out)
    }

    /// ReLU's backward pass and the bias gradient: `gradient[i]` kept where
    /// `activations[i] > 0`, +0 elsewhere, then added to `biasGradient[i]`.
    @inline(__always)
    static func reluBackward(_ n: Int, activations: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>,
                             biasGradient: UnsafeMutablePointer<Float>, kernels: UnsafePointer<gg_kernel_table>) {
        kernels.pointee.relu_backward(n, activations, gradient, biasGradient)
    }

    /// out (cols × rows) = transpose of `matrix` (rows × cols), not overlapping.
    static func transpose(_ matrix: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>,
                          kernels: UnsafePointer<gg_kernel_table> = active) {
        kernels.pointee.transpose(rows, cols, matrix, out)
    }
}
