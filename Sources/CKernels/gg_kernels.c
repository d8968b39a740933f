// Each kernel's body is written once below (always inline, on 8-lane vectors)
// and instantiated per instruction set at the end of the file. See
// include/gg_kernels.h for the floating-point rules every path follows.
#include "gg_kernels.h"

#include "gg_cpu.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define GG_INLINE static inline __attribute__((always_inline))

typedef float v8 __attribute__((vector_size(32), aligned(4)));

GG_INLINE v8 load8(const float *p) {
    v8 v;
    memcpy(&v, p, sizeof v);
    return v;
}

GG_INLINE void store8(float *p, v8 v) { memcpy(p, &v, sizeof v); }

GG_INLINE v8 splat8(float a) { return (v8){a, a, a, a, a, a, a, a}; }

/// fma on each lane: one instruction on AVX2, `fmaf` per lane otherwise.
GG_INLINE v8 fma8(v8 a, v8 b, v8 c) { return __builtin_elementwise_fma(a, b, c); }

// MARK: - Bodies

GG_INLINE void axpy_body(ptrdiff_t n, float a, const float *x, float *y) {
    ptrdiff_t i = 0;
    const v8 s = splat8(a);
    for (; i + 8 <= n; i += 8) store8(y + i, fma8(s, load8(x + i), load8(y + i)));
    for (; i < n; i++) y[i] = fmaf(a, x[i], y[i]);
}

/// Rows per pass of the weighted row sum: their nonzero coefficients are
/// gathered first (without branching on their values), so the column blocks
/// loop over those rows only, with no unpredictable branch per row.
#define GG_ROWS_PER_PASS 256

/// Whether a coefficient counts: k ≠ 0 on its bits, the sign shifted out
/// (+0 and −0 are zero, NaN is not).
GG_INLINE int nonzero_bits(float k) {
    uint32_t bits;
    memcpy(&bits, &k, sizeof bits);
    return (bits << 1) != 0;
}

/// Rows `from..<to` of a pass, one at a time, appended to a list of `count`
/// gathered rows: each whose coefficient (`coefficients[i·stride]`) is not
/// zero adds its offset i·row_stride (which the caller keeps below 2³¹) and
/// coefficient, in row order; returns the new count.
GG_INLINE ptrdiff_t gather_nonzero_rows(ptrdiff_t from, ptrdiff_t to, const float *coefficients, ptrdiff_t stride,
                                        ptrdiff_t row_stride, int32_t *offsets, float *weights, ptrdiff_t count) {
    for (ptrdiff_t i = from; i < to; i++) {
        const float k = coefficients[i * stride];
        offsets[count] = (int32_t)(i * row_stride);
        weights[count] = k;
        count += nonzero_bits(k);
    }
    return count;
}

/// The rows among `pass` whose coefficient is not zero, into `offsets` and
/// `weights`; returns how many. Every path's gather returns the same list;
/// this one is the reference, one row at a time.
GG_INLINE ptrdiff_t gather_nonzero_scalar(ptrdiff_t pass, const float *coefficients, ptrdiff_t stride, ptrdiff_t row_stride,
                                          int32_t *offsets, float *weights) {
    return gather_nonzero_rows(0, pass, coefficients, stride, row_stride, offsets, weights, 0);
}

/// `width` vectors (8·width columns) from column c, over the `count` gathered
/// rows, the partial sums held in registers; `start` is where they begin.
GG_INLINE void weighted_row_sum_block(const int width, ptrdiff_t count, const float *rows, const int32_t *offsets,
                                      const float *weights, const float *start, float *out, ptrdiff_t c) {
    v8 acc[8];
    for (int v = 0; v < width; v++) acc[v] = start ? load8(start + c + 8 * v) : splat8(0);
    for (ptrdiff_t i = 0; i < count; i++) {
        const v8 s = splat8(weights[i]);
        const float *row = rows + offsets[i] + c;
        for (int v = 0; v < width; v++) acc[v] = fma8(s, load8(row + 8 * v), acc[v]);
    }
    for (int v = 0; v < width; v++) store8(out + c + 8 * v, acc[v]);
}

/// `gather` is the path's `gather_nonzero_*` (same list on every path).
GG_INLINE void weighted_row_sum_body(ptrdiff_t row_count, ptrdiff_t columns, const float *rows, ptrdiff_t row_stride,
                                     const float *coefficients, ptrdiff_t coefficient_stride, const float *initial,
                                     float *out,
                                     ptrdiff_t (*gather)(ptrdiff_t, const float *, ptrdiff_t, ptrdiff_t, int32_t *, float *)) {
    int32_t offsets[GG_ROWS_PER_PASS];
    float weights[GG_ROWS_PER_PASS];
    // A pass's row offsets, (pass − 1)·row_stride, stay below 2³¹ (one row
    // per pass at worst); passes split no sum differently, they continue it.
    const ptrdiff_t magnitude = row_stride < 0 ? -row_stride : row_stride;
    const ptrdiff_t rows_per_pass =
        magnitude <= INT32_MAX / GG_ROWS_PER_PASS ? GG_ROWS_PER_PASS : INT32_MAX / magnitude + 1;
    const float *start = initial;
    ptrdiff_t r0 = 0;
    do {
        const ptrdiff_t pass = row_count - r0 < rows_per_pass ? row_count - r0 : rows_per_pass;
        const ptrdiff_t count = gather(pass, coefficients + r0 * coefficient_stride, coefficient_stride, row_stride, offsets, weights);
        const float *first = rows + r0 * row_stride;
        ptrdiff_t c = 0;
        for (; c + 64 <= columns; c += 64) weighted_row_sum_block(8, count, first, offsets, weights, start, out, c);
        for (; c + 32 <= columns; c += 32) weighted_row_sum_block(4, count, first, offsets, weights, start, out, c);
        for (; c + 8 <= columns; c += 8) weighted_row_sum_block(1, count, first, offsets, weights, start, out, c);
        for (; c < columns; c++) {
            float sum = start ? start[c] : 0;
            for (ptrdiff_t i = 0; i < count; i++) sum = fmaf(weights[i], first[offsets[i] + c], sum);
            out[c] = sum;
        }
        // Later passes continue from what this one wrote.
        start = out;
        r0 += pass;
    } while (r0 < row_count);
}

/// The eight partial sums of a dot product folded in the stated order.
GG_INLINE float fold8(v8 s) {
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

GG_INLINE float dot_body(ptrdiff_t n, const float *x, const float *y, float initial) {
    ptrdiff_t i = 0;
    v8 acc = splat8(0);
    for (; i + 8 <= n; i += 8) acc = fma8(load8(x + i), load8(y + i), acc);
    float total = initial + fold8(acc);
    for (; i < n; i++) total = fmaf(x[i], y[i], total);
    return total;
}

typedef int v8i __attribute__((vector_size(32), aligned(4)));

GG_INLINE void relu_backward_body(ptrdiff_t n, const float *activations, float *gradient, float *bias_gradient) {
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const v8i on = load8(activations + i) > splat8(0);
        v8i bits;
        memcpy(&bits, gradient + i, sizeof bits);
        bits &= on;
        v8 passed;
        memcpy(&passed, &bits, sizeof passed);
        store8(gradient + i, passed);
        store8(bias_gradient + i, load8(bias_gradient + i) + passed);
    }
    for (; i < n; i++) {
        gradient[i] = activations[i] > 0 ? gradient[i] : 0;
        bias_gradient[i] += gradient[i];
    }
}

/// A hidden layer's forward tail for one sample, `upper` laid out as
/// [W1ᵀ (h × h), b1 (h), W2 (o × h), b2 (o)]: hidden2 = weighted row sum of
/// W1ᵀ's rows by hidden1 from b1; then ReLU as Swift's max(x, 0) (0 ≥ x ?
/// +0 : x, so −0 becomes +0 and NaN stays); then out[m] = dot(W2[m], hidden2)
/// from b2[m].
GG_INLINE void forward_tail_body(ptrdiff_t h, ptrdiff_t o, const float *upper, const float *hidden1, float *hidden2,
                                 float *out,
                                 ptrdiff_t (*gather)(ptrdiff_t, const float *, ptrdiff_t, ptrdiff_t, int32_t *, float *)) {
    const float *b1 = upper + h * h, *w2 = b1 + h, *b2 = w2 + o * h;
    weighted_row_sum_body(h, h, upper, h, hidden1, 1, b1, hidden2, gather);
    ptrdiff_t i = 0;
    for (; i + 8 <= h; i += 8) {
        const v8 x = load8(hidden2 + i);
        const v8i off = splat8(0) >= x;
        v8i bits;
        memcpy(&bits, &x, sizeof bits);
        bits &= ~off;
        memcpy(hidden2 + i, &bits, sizeof bits);
    }
    for (; i < h; i++) hidden2[i] = (0.0f >= hidden2[i]) ? 0.0f : hidden2[i];
    for (ptrdiff_t m = 0; m < o; m++) out[m] = dot_body(h, w2 + m * h, hidden2, b2[m]);
}

/// The backward pass's per-sample part for `n` samples (`upper` as
/// [W1, b1, W2, b2], W1 as stored: row k holds unit k's weights from layer 1).
GG_INLINE void backward_samples_body(ptrdiff_t n, ptrdiff_t h, ptrdiff_t o, const float *upper, const float *hidden1,
                                     const float *hidden2, const float *output_gradient, float *hidden2_gradient,
                                     float *hidden1_gradient, float *b0_gradient, float *b1_gradient, float *b2_gradient,
                                     ptrdiff_t (*gather)(ptrdiff_t, const float *, ptrdiff_t, ptrdiff_t, int32_t *, float *)) {
    const float *w1 = upper, *w2 = upper + h * h + h;
    for (ptrdiff_t s = 0; s < n; s++) {
        const float *d_out = output_gradient + s * o;
        float *d2 = hidden2_gradient + s * h, *d1 = hidden1_gradient + s * h;
        for (ptrdiff_t m = 0; m < o; m++) {
            if (d_out[m] != 0) b2_gradient[m] += d_out[m];
        }
        weighted_row_sum_body(o, h, w2, h, d_out, 1, NULL, d2, gather);
        relu_backward_body(h, hidden2 + s * h, d2, b1_gradient);
        weighted_row_sum_body(h, h, w1, h, d2, 1, NULL, d1, gather);
        relu_backward_body(h, hidden1 + s * h, d1, b0_gradient);
    }
}

GG_INLINE void add_rows_body(ptrdiff_t count, ptrdiff_t columns, const float *rows, const int32_t *source_rows, float *targets,
                             const int32_t *target_rows) {
    for (ptrdiff_t i = 0; i < count; i++) {
        const float *x = rows + (ptrdiff_t)source_rows[i] * columns;
        float *y = targets + (ptrdiff_t)target_rows[i] * columns;
        ptrdiff_t c = 0;
        for (; c + 8 <= columns; c += 8) store8(y + c, load8(y + c) + load8(x + c));
        for (; c < columns; c++) y[c] += x[c];
    }
}

GG_INLINE void adam_step_body(ptrdiff_t n, const gg_adam_constants k, const float *m, const float *v, const float *p,
                              const float *g, float *m_out, float *v_out, float *p_out) {
    ptrdiff_t i = 0;
    const v8 b1 = splat8(k.beta1), c1 = splat8(k.one_minus_beta1), b2 = splat8(k.beta2), c2 = splat8(k.one_minus_beta2);
    const v8 size = splat8(k.step_size), root2 = splat8(k.root2), eps = splat8(k.epsilon);
    for (; i + 8 <= n; i += 8) {
        const v8 gi = load8(g + i);
        const v8 mi = b1 * load8(m + i) + c1 * gi;
        const v8 vi = b2 * load8(v + i) + (c2 * gi) * gi;
        const v8 pi = load8(p + i) - (size * mi) / (__builtin_elementwise_sqrt(vi) / root2 + eps);
        store8(m_out + i, mi);
        store8(v_out + i, vi);
        store8(p_out + i, pi);
    }
    for (; i < n; i++) {
        const float mi = k.beta1 * m[i] + k.one_minus_beta1 * g[i];
        const float vi = k.beta2 * v[i] + (k.one_minus_beta2 * g[i]) * g[i];
        const float pi = p[i] - (k.step_size * mi) / (sqrtf(vi) / k.root2 + k.epsilon);
        m_out[i] = mi;
        v_out[i] = vi;
        p_out[i] = pi;
    }
}

/// The transpose one element at a time (the reference, and every path's
/// edges).
GG_INLINE void transpose_block_scalar(ptrdiff_t r0, ptrdiff_t r1, ptrdiff_t c0, ptrdiff_t c1, ptrdiff_t rows, ptrdiff_t cols,
                                      const float *matrix, float *out) {
    for (ptrdiff_t r = r0; r < r1; r++) {
        for (ptrdiff_t c = c0; c < c1; c++) out[c * rows + r] = matrix[r * cols + c];
    }
}

static void transpose_scalar(ptrdiff_t rows, ptrdiff_t cols, const float *matrix, float *out) {
    transpose_block_scalar(0, rows, 0, cols, rows, cols, matrix, out);
}

// MARK: - The AVX2 gather

#if defined(__x86_64__)
#include <immintrin.h>

/// For each 8-bit mask, the positions of its set bits, lowest first, then
/// zeros: the permutation that moves a vector's kept lanes to its front.
static uint8_t compress_positions[256][8];

__attribute__((constructor)) static void fill_compress_positions(void) {
    for (int mask = 0; mask < 256; mask++) {
        int kept = 0;
        for (int lane = 0; lane < 8; lane++) {
            if (mask & (1 << lane)) compress_positions[mask][kept++] = (uint8_t)lane;
        }
        while (kept < 8) compress_positions[mask][kept++] = 0;
    }
}

/// `gather_nonzero_scalar`'s list, eight coefficients per step when they are
/// contiguous: one compare gives the nonzero lanes (not-equal-or-unordered
/// to 0: ±0 drop, NaN stays, as `nonzero_bits`), a permutation from the
/// table moves them and their row offsets to the front, and all eight are
/// stored (the list grows by the kept ones; the rest is overwritten next,
/// and stays inside the arrays: the list is never longer than the rows
/// read, so a store at `count` ends by row i + 8 ≤ `pass`).
__attribute__((target("avx2,fma"))) static ptrdiff_t gather_nonzero_avx2(ptrdiff_t pass, const float *coefficients,
                                                                         ptrdiff_t stride, ptrdiff_t row_stride,
                                                                         int32_t *offsets, float *weights) {
    if (stride != 1 || pass < 8) return gather_nonzero_scalar(pass, coefficients, stride, row_stride, offsets, weights);
    ptrdiff_t count = 0, i = 0;
    const __m256 zero = _mm256_setzero_ps();
    // Each lane's row offset (pass ≥ 8, so |row_stride| < 2³¹/7 and fits a lane).
    const __m256i step = _mm256_set1_epi32((int32_t)row_stride);
    const __m256i lanes = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), step);
    for (; i + 8 <= pass; i += 8) {
        const __m256 k = _mm256_loadu_ps(coefficients + i);
        const int mask = _mm256_movemask_ps(_mm256_cmp_ps(k, zero, _CMP_NEQ_UQ));
        const __m256i order = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)compress_positions[mask]));
        _mm256_storeu_ps(weights + count, _mm256_permutevar8x32_ps(k, order));
        _mm256_storeu_si256((__m256i *)(offsets + count),
                            _mm256_add_epi32(_mm256_permutevar8x32_epi32(lanes, order),
                                             _mm256_set1_epi32((int32_t)(i * row_stride))));
        count += __builtin_popcount((unsigned)mask);
    }
    return gather_nonzero_rows(i, pass, coefficients, 1, row_stride, offsets, weights, count);
}

/// The transpose in 8 × 8 blocks (eight row loads, three rounds of
/// shuffles, eight column stores), the edges one element at a time.
__attribute__((target("avx2,fma"))) static void transpose_avx2(ptrdiff_t rows, ptrdiff_t cols, const float *matrix,
                                                               float *out) {
    const ptrdiff_t full_rows = rows - rows % 8, full_cols = cols - cols % 8;
    for (ptrdiff_t r = 0; r < full_rows; r += 8) {
        for (ptrdiff_t c = 0; c < full_cols; c += 8) {
            const float *in = matrix + r * cols + c;
            const __m256 r0 = _mm256_loadu_ps(in), r1 = _mm256_loadu_ps(in + cols), r2 = _mm256_loadu_ps(in + 2 * cols),
                         r3 = _mm256_loadu_ps(in + 3 * cols), r4 = _mm256_loadu_ps(in + 4 * cols),
                         r5 = _mm256_loadu_ps(in + 5 * cols), r6 = _mm256_loadu_ps(in + 6 * cols),
                         r7 = _mm256_loadu_ps(in + 7 * cols);
            const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1), t2 = _mm256_unpacklo_ps(r2, r3),
                         t3 = _mm256_unpackhi_ps(r2, r3), t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5),
                         t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
            const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE),
                         u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE),
                         u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE),
                         u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
            float *o = out + c * rows + r;
            _mm256_storeu_ps(o, _mm256_permute2f128_ps(u0, u4, 0x20));
            _mm256_storeu_ps(o + rows, _mm256_permute2f128_ps(u1, u5, 0x20));
            _mm256_storeu_ps(o + 2 * rows, _mm256_permute2f128_ps(u2, u6, 0x20));
            _mm256_storeu_ps(o + 3 * rows, _mm256_permute2f128_ps(u3, u7, 0x20));
            _mm256_storeu_ps(o + 4 * rows, _mm256_permute2f128_ps(u0, u4, 0x31));
            _mm256_storeu_ps(o + 5 * rows, _mm256_permute2f128_ps(u1, u5, 0x31));
            _mm256_storeu_ps(o + 6 * rows, _mm256_permute2f128_ps(u2, u6, 0x31));
            _mm256_storeu_ps(o + 7 * rows, _mm256_permute2f128_ps(u3, u7, 0x31));
        }
    }
    transpose_block_scalar(0, full_rows, full_cols, cols, rows, cols, matrix, out);
    transpose_block_scalar(full_rows, rows, 0, cols, rows, cols, matrix, out);
}
#endif

// MARK: - Paths

#define GG_DEFINE_PATH(suffix, attributes, gather, transpose)                                                                    \
    attributes static void axpy_##suffix(ptrdiff_t n, float a, const float *x, float *y) {                         \
        axpy_body(n, a, x, y);                                                                                     \
    }                                                                                                              \
    attributes static float dot_##suffix(ptrdiff_t n, const float *x, const float *y, float initial) {             \
        return dot_body(n, x, y, initial);                                                                         \
    }                                                                                                              \
    attributes static void weighted_row_sum_##suffix(ptrdiff_t row_count, ptrdiff_t columns, const float *rows,    \
                                                     ptrdiff_t row_stride, const float *coefficients,              \
                                                     ptrdiff_t coefficient_stride, const float *initial,           \
                                                     float *out) {                                                 \
        weighted_row_sum_body(row_count, columns, rows, row_stride, coefficients, coefficient_stride, initial,    \
                              out, gather);                                                                        \
    }                                                                                                              \
    attributes static void relu_backward_##suffix(ptrdiff_t n, const float *activations, float *gradient,            \
                                                  float *bias_gradient) {                                          \
        relu_backward_body(n, activations, gradient, bias_gradient);                                               \
    }                                                                                                              \
    attributes static void forward_tail_##suffix(ptrdiff_t h, ptrdiff_t o, const float *upper, const float *hidden1,     \
                                                 float *hidden2, float *out) {                                     \
        forward_tail_body(h, o, upper, hidden1, hidden2, out, gather);                                             \
    }                                                                                                              \
    attributes static void backward_samples_##suffix(                                                             \
        ptrdiff_t n, ptrdiff_t h, ptrdiff_t o, const float *upper, const float *hidden1, const float *hidden2,      \
        const float *output_gradient, float *hidden2_gradient, float *hidden1_gradient, float *b0_gradient,         \
        float *b1_gradient, float *b2_gradient) {                                                                  \
        backward_samples_body(n, h, o, upper, hidden1, hidden2, output_gradient, hidden2_gradient, hidden1_gradient, \
                              b0_gradient, b1_gradient, b2_gradient, gather);                                      \
    }                                                                                                              \
    attributes static void add_rows_##suffix(ptrdiff_t count, ptrdiff_t columns, const float *rows,                  \
                                             const int32_t *source_rows, float *targets, const int32_t *target_rows) { \
        add_rows_body(count, columns, rows, source_rows, targets, target_rows);                                    \
    }                                                                                                              \
    attributes static void adam_step_##suffix(ptrdiff_t n, gg_adam_constants k, const float *m, const float *v,      \
                                              const float *p, const float *g, float *m_out, float *v_out,          \
                                              float *p_out) {                                                      \
        adam_step_body(n, k, m, v, p, g, m_out, v_out, p_out);                                                     \
    }                                                                                                              \
    static const gg_kernel_table table_##suffix = {axpy_##suffix, dot_##suffix, weighted_row_sum_##suffix,          \
                                                   relu_backward_##suffix, adam_step_##suffix, transpose,   \
                                                   forward_tail_##suffix, backward_samples_##suffix,       \
                                                   add_rows_##suffix};

GG_DEFINE_PATH(scalar, , gather_nonzero_scalar, transpose_scalar)
#if defined(__x86_64__)
GG_DEFINE_PATH(avx2, __attribute__((target("avx2,fma"))), gather_nonzero_avx2, transpose_avx2)
#endif

// MARK: - Selection

int gg_kernels_available(int path) {
    switch (path) {
    case GG_KERNELS_SCALAR: return 1;
    case GG_KERNELS_AVX2: return gg_cpu_has(GG_CPU_AVX2_FMA);
    default: return 0;
    }
}

const gg_kernel_table *gg_kernels_table(int path) {
    if (!gg_kernels_available(path)) return NULL;
    switch (path) {
    case GG_KERNELS_SCALAR: return &table_scalar;
#if defined(__x86_64__)
    case GG_KERNELS_AVX2: return &table_avx2;
#endif
    default: return NULL;
    }
}

/// −1 until chosen, by `gg_kernels_use` or by the first use (the widest path).
static int active_path = -1;
static const gg_kernel_table *active_table = NULL;

int gg_kernels_use(int path) {
    const gg_kernel_table *table = gg_kernels_table(path);
    if (!table) return -1;
    __atomic_store_n(&active_table, table, __ATOMIC_RELEASE);
    __atomic_store_n(&active_path, path, __ATOMIC_RELEASE);
    return 0;
}

const char *gg_kernels_path_name(int path) {
    switch (path) {
    case GG_KERNELS_SCALAR: return "scalar";
    case GG_KERNELS_AVX2: return "avx2";
    default: return NULL;
    }
}

/// The first use's choice: the path the environment names, if this CPU has
/// it, else the widest. (So a whole test run, in process too, can be made to
/// run as on a CPU without AVX2: GRIDGRPO_KERNELS=scalar.)
static void choose_widest(void) {
    const char *named = getenv(GG_KERNELS_ENVIRONMENT);
    if (named) {
        for (int path = 0; path < GG_KERNELS_PATH_COUNT; path++) {
            if (strcmp(named, gg_kernels_path_name(path)) == 0 && gg_kernels_use(path) == 0) return;
        }
    }
    gg_kernels_use(gg_kernels_available(GG_KERNELS_AVX2) ? GG_KERNELS_AVX2 : GG_KERNELS_SCALAR);
}

int gg_kernels_active_path(void) {
    if (__atomic_load_n(&active_path, __ATOMIC_ACQUIRE) < 0) choose_widest();
    return __atomic_load_n(&active_path, __ATOMIC_ACQUIRE);
}

const gg_kernel_table *gg_kernels_active(void) {
    const gg_kernel_table *table = __atomic_load_n(&active_table, __ATOMIC_ACQUIRE);
    if (table) return table;
    choose_widest();
    return __atomic_load_n(&active_table, __ATOMIC_ACQUIRE);
}
