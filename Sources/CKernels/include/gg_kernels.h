// The arithmetic kernels of the networks, one body compiled for each
// instruction set and chosen at run time.
//
// Swift cannot compile one function for AVX2 and another for baseline x86-64
// in the same binary; C can (`__attribute__((target(...)))`). Every kernel is
// written once, as an always-inline body on 8-lane vectors, and instantiated
// per path: on the AVX2 path the vectors are ymm registers and `fma` is one
// vfmadd instruction; on the scalar path the same vector operations are
// lowered lane by lane and `fma` is libm's `fmaf`. The operations and their
// order are the same on every path, and fused multiply-add is correctly
// rounded everywhere, so every path gives the same bits (the tests compare
// them on the release build).
//
// Floating-point rules (what the Swift reference implementations in the tests
// spell out):
//   - a product-sum `acc + a·b` is always one fused multiply-add, fma(a, b, acc);
//   - `weighted_row_sum` adds its rows in row order, each output column on its
//     own, skipping rows whose coefficient is zero (exactly +0 or −0);
//   - `relu_backward` passes a gradient where the activation is > 0 and
//     writes +0 elsewhere (a NaN activation passes none), then adds it to the
//     bias gradient with one plain addition per element;
//   - `adam_step` fuses nothing: every product and sum rounds on its own;
//   - `dot` keeps eight partial sums, lane l taking the terms i ≡ l (mod 8) of
//     the first 8·⌊n/8⌋ in index order, adds them as
//     ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)), adds that to `initial`, then fuses
//     the remaining terms in index order.
#ifndef GRIDGRPO_KERNELS_H
#define GRIDGRPO_KERNELS_H
#include <stddef.h>
#include <stdint.h>

/// The instruction-set paths. Values are stable (tests and the environment
/// variable GRIDGRPO_KERNELS name them).
typedef enum {
    GG_KERNELS_SCALAR = 0, /* baseline x86-64 or any other CPU; fmaf per lane */
    GG_KERNELS_AVX2 = 1,   /* AVX2 + FMA, 8 lanes per instruction */
    GG_KERNELS_PATH_COUNT = 2
} gg_kernels_path;

/// One Adam step's constants, each already a float (Swift forms them).
typedef struct {
    float beta1, one_minus_beta1, beta2, one_minus_beta2, step_size, root2, epsilon;
} gg_adam_constants;

typedef struct {
    /// y[i] = fma(a, x[i], y[i]) for i in 0..<n.
    void (*axpy)(ptrdiff_t n, float a, const float *x, float *y);
    /// Σ x[i]·y[i] + initial in the order stated above.
    float (*dot)(ptrdiff_t n, const float *x, const float *y, float initial);
    /// out[c] = initial[c] (or 0 when `initial` is NULL), then for r in
    /// 0..<row_count with coefficient k = coefficients[r·coefficient_stride] ≠ 0:
    /// out[c] = fma(k, rows[r·row_stride + c], out[c]), for c in 0..<columns.
    /// `initial` may equal `out`.
    void (*weighted_row_sum)(ptrdiff_t row_count, ptrdiff_t columns, const float *rows, ptrdiff_t row_stride,
                             const float *coefficients, ptrdiff_t coefficient_stride, const float *initial,
                             float *out);
    /// For i in 0..<n: gradient[i] = activations[i] > 0 ? gradient[i] : +0,
    /// then bias_gradient[i] += gradient[i] (ReLU's backward pass and its
    /// layer's bias gradient).
    void (*relu_backward)(ptrdiff_t n, const float *activations, float *gradient, float *bias_gradient);
    /// Adam for i in 0..<n, unfused, each operation rounded to float in this
    /// order: m = β₁·m + (1−β₁)·g; v = β₂·v + ((1−β₂)·g)·g;
    /// p = p − (size·m) / (√v / root2 + ε) (√ correctly rounded). Reads the
    /// moments and parameters from `m`, `v`, `p` and writes them to `m_out`,
    /// `v_out`, `p_out`, each of which may be its input (in place) or not
    /// overlap it at all.
    void (*adam_step)(ptrdiff_t n, gg_adam_constants constants, const float *m, const float *v, const float *p,
                      const float *g, float *m_out, float *v_out, float *p_out);
    /// out[c·rows + r] = matrix[r·cols + c]: `out` (cols × rows) is the
    /// transpose of `matrix` (rows × cols); a copy, so the same bits on
    /// every path. The two must not overlap.
    void (*transpose)(ptrdiff_t rows, ptrdiff_t cols, const float *matrix, float *out);
    /// One sample's forward pass after its first layer, in one call: with
    /// `upper` = [W1ᵀ (h × h), b1 (h), W2 (o × h), b2 (o)], hidden2 =
    /// `weighted_row_sum` of W1ᵀ's rows by hidden1 from b1, then ReLU as
    /// Swift's max(x, 0) (0 ≥ x ? +0 : x), then out[m] = `dot`(W2[m],
    /// hidden2) from b2[m]: the same operations as those kernels called in turn.
    void (*forward_tail)(ptrdiff_t h, ptrdiff_t o, const float *upper, const float *hidden1, float *hidden2, float *out);
    /// The per-sample part of the backward pass for `n` consecutive samples,
    /// in one call. With `upper` = [W1 (h × h, not transposed), b1 (h),
    /// W2 (o × h), b2 (o)] and, for sample s, rows h1 = hidden1[s·h…],
    /// h2 = hidden2[s·h…], ∂out = output_gradient[s·o…]: for each m with
    /// ∂out[m] ≠ 0 (NaN counts), b2_gradient[m] += ∂out[m]; ∂h2 =
    /// `weighted_row_sum` of W2's rows by ∂out (into hidden2_gradient[s·h…]);
    /// `relu_backward`(h2, ∂h2, b1_gradient); ∂h1 = `weighted_row_sum` of W1's
    /// rows by ∂h2 (into hidden1_gradient[s·h…]); `relu_backward`(h1, ∂h1,
    /// b0_gradient). Samples in order: the same operations as those kernels
    /// called in turn.
    void (*backward_samples)(ptrdiff_t n, ptrdiff_t h, ptrdiff_t o, const float *upper, const float *hidden1,
                             const float *hidden2, const float *output_gradient, float *hidden2_gradient,
                             float *hidden1_gradient, float *b0_gradient, float *b1_gradient, float *b2_gradient);
    /// For i in 0..<count, in order: targets[target_rows[i]·columns + c] +=
    /// rows[source_rows[i]·columns + c] for c in 0..<columns (one plain
    /// addition per element; a target row may recur, a later i adding after
    /// an earlier). Sources and targets must not overlap.
    void (*add_rows)(ptrdiff_t count, ptrdiff_t columns, const float *rows, const int32_t *source_rows,
                     float *targets, const int32_t *target_rows);
} gg_kernel_table;

/// The environment variable naming the path to use (`gg_kernels_path_name`
/// of one); unset, empty or unusable: the widest path this CPU has. The
/// stages refuse an unusable value in one line before running (Swift side).
#define GG_KERNELS_ENVIRONMENT "GRIDGRPO_KERNELS"

/// The name of `path` ("scalar", "avx2"), NULL for an unknown number.
const char *gg_kernels_path_name(int path);

/// 1 when this CPU can run `path`, 0 otherwise.
int gg_kernels_available(int path);

/// The kernels of `path`, or NULL when the path is unknown or this CPU lacks it.
const gg_kernel_table *gg_kernels_table(int path);

/// Makes `path` the one `gg_kernels_active` returns. Returns 0, or −1 (and
/// changes nothing) when the CPU lacks it. Until called, the path named by
/// GG_KERNELS_ENVIRONMENT is active if this CPU has it, else the widest.
int gg_kernels_use(int path);

/// The active path's number and kernels.
int gg_kernels_active_path(void);
const gg_kernel_table *gg_kernels_active(void);

#endif
