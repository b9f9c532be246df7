#include "LeNetAVX2Kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include "Common.h"

// Every kernel here walks `rows` output rows of `ow` = inW / 2 outputs, output row r reading
// input rows 2r and 2r + 1 (planes are whole rows, so a batch is one sequence of rows). A row is
// covered by 8-wide blocks and, below 8 outputs, 4-wide ones; a row whose width is not a
// multiple of the block ends with a block that overlaps the one before it. The overlap
// recomputes and rewrites the same values, which is cheaper than a scalar tail (S2's rows are
// 14 outputs, S4's 5).
#define FOR_EACH_BLOCK(ow, x, BLOCK8, BLOCK4, SCALAR)                                \
    if ((ow) >= 8) {                                                                 \
        long x = 0;                                                                  \
        for (; x + 8 <= (ow); x += 8) { BLOCK8; }                                    \
        if (x < (ow)) { x = (ow) - 8; BLOCK8; }                                      \
    } else if ((ow) >= 4) {                                                          \
        long x = 0;                                                                  \
        BLOCK4;                                                                      \
        if ((ow) > 4) { x = (ow) - 4; BLOCK4; }                                      \
    } else {                                                                         \
        for (long x = 0; x < (ow); x++) { SCALAR; }                                  \
    }

// Eight inputs of a row as their 4 even and 4 odd columns.
AVX2 static inline void split_even_odd4(const float *row, __m128 *even, __m128 *odd) {
    const __m128 a = _mm_loadu_ps(row), b = _mm_loadu_ps(row + 4);
    *even = _mm_shuffle_ps(a, b, 0x88);
    *odd = _mm_shuffle_ps(a, b, 0xDD);
}

// The inverse of split_even_odd: 16 floats e0 o0 e1 o1 ... e7 o7.
AVX2 static inline void store_interleaved(float *row, __m256 even, __m256 odd) {
    const __m256 lo = _mm256_unpacklo_ps(even, odd), hi = _mm256_unpackhi_ps(even, odd);
    _mm256_storeu_ps(row, _mm256_permute2f128_ps(lo, hi, 0x20));
    _mm256_storeu_ps(row + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
}

AVX2 static inline void store_interleaved4(float *row, __m128 even, __m128 odd) {
    _mm_storeu_ps(row, _mm_unpacklo_ps(even, odd));
    _mm_storeu_ps(row + 4, _mm_unpackhi_ps(even, odd));
}

// What a forward block computes from its four inputs (a constant wherever inlined).
enum { MAXIMUM, AVERAGE, SUBSAMPLING };

// Max: maxps(a, b) is a > b ? a : b, the Swift loop's select (NaN included). Average:
// ((a + b) + c) + d, then times 1/4, the Swift loop's order. Subsampling (LeNet-5's S2 and
// S4): the same sum, then w * s + bias unfused (intrinsics, and separate statements in the
// scalar form, which clang does not contract). So the paths agree bit for bit. Written once
// for the 8- and 4-wide blocks (P: _mm256 or _mm).
#define COMBINE(P, kind, w, bias, e0, o0, e1, o1)                                                    \
    ((kind) == MAXIMUM ? P##_max_ps(P##_max_ps(e0, o0), P##_max_ps(e1, o1))                          \
     : (kind) == AVERAGE ? P##_mul_ps(P##_add_ps(P##_add_ps(P##_add_ps(e0, o0), e1), o1), P##_set1_ps(0.25f)) \
     : P##_add_ps(P##_mul_ps(P##_set1_ps(w), P##_add_ps(P##_add_ps(P##_add_ps(e0, o0), e1), o1)), P##_set1_ps(bias)))

AVX2 static inline void forward8(int kind, float w, float bias, const float *r0, const float *r1, float *out, long x) {
    __m256 e0, o0, e1, o1;
    split_even_odd(r0 + 2 * x, &e0, &o0);
    split_even_odd(r1 + 2 * x, &e1, &o1);
    _mm256_storeu_ps(out + x, COMBINE(_mm256, kind, w, bias, e0, o0, e1, o1));
}

AVX2 static inline void forward4(int kind, float w, float bias, const float *r0, const float *r1, float *out, long x) {
    __m128 e0, o0, e1, o1;
    split_even_odd4(r0 + 2 * x, &e0, &o0);
    split_even_odd4(r1 + 2 * x, &e1, &o1);
    _mm_storeu_ps(out + x, COMBINE(_mm, kind, w, bias, e0, o0, e1, o1));
}

static inline void forward1(int kind, float w, float bias, const float *r0, const float *r1, float *out, long x) {
    const float a = r0[2 * x], b = r0[2 * x + 1], c = r1[2 * x], d = r1[2 * x + 1];
    if (kind == MAXIMUM) {
        const float ab = a > b ? a : b, cd = c > d ? c : d;
        out[x] = ab > cd ? ab : cd;
        return;
    }
    const float s = a + b + c + d;
    if (kind == AVERAGE) {
        out[x] = s * 0.25f;
    } else {
        const float m = w * s;
        out[x] = m + bias;
    }
}

AVX2 INLINE void pooling_forward(int kind, float w, float bias, long rows, long inW, const float *input, float *output) {
    const long ow = inW / 2;
    for (long r = 0; r < rows; r++) {
        const float *r0 = input + 2 * r * inW, *r1 = r0 + inW;
        float *out = output + r * ow;
        FOR_EACH_BLOCK(ow, x, forward8(kind, w, bias, r0, r1, out, x), forward4(kind, w, bias, r0, r1, out, x),
                       forward1(kind, w, bias, r0, r1, out, x))
    }
}

AVX2 void lenet_avx2_max_pooling_forward(long rows, long inW, const float *input, float *output) {
    pooling_forward(MAXIMUM, 0, 0, rows, inW, input, output);
}

AVX2 void lenet_avx2_average_pooling_forward(long rows, long inW, const float *input, float *output) {
    pooling_forward(AVERAGE, 0, 0, rows, inW, input, output);
}

// A plane (inH / 2 output rows) at a time, each with its channel's coefficient and bias; the
// activation is applied to about 512 outputs at a time, while they are in L1. (Plane by plane
// was slower than a pass of its own: S4's planes are 25 values, too few to keep tanh's long
// chain of dependent operations busy.)
#define SUBSAMPLING_FORWARD(ACTIVATE_RUN)                                                               \
    const long units = (inH / 2) * (inW / 2);                                                           \
    long applied = 0;                                                                                   \
    for (long p = 0; p < planes; p++) {                                                                 \
        const long c = p % channels;                                                                    \
        pooling_forward(SUBSAMPLING, coefficients[c], bias[c], inH / 2, inW, input + p * inH * inW,     \
                        output + p * units);                                                            \
        const long done = (p + 1) * units;                                                              \
        if (activation && (done - applied >= 512 || p == planes - 1)) {                                 \
            ACTIVATE_RUN(output + applied, done - applied, activation);                                 \
            applied = done;                                                                             \
        }                                                                                               \
    }

AVX2 static inline void activate_run8(float *v, long n, const lenet_activation *q) {
    long j = 0;
    for (; j + 8 <= n; j += 8) _mm256_storeu_ps(v + j, activate8(_mm256_loadu_ps(v + j), q));
    for (; j < n; j++) v[j] = activate1(v[j], q);
}

AVX512 static inline void activate_run16(float *v, long n, const lenet_activation *q) {
    for (long j = 0; j < n; j += 16) {
        const __mmask16 m = n - j >= 16 ? 0xFFFF : (__mmask16)((1u << (n - j)) - 1);
        _mm512_mask_storeu_ps(v + j, m, activate16(_mm512_maskz_loadu_ps(m, v + j), q));
    }
}

AVX2 void lenet_avx2_subsampling_forward(
    long planes, long channels, long inH, long inW,
    const float *input, const float *coefficients, const float *bias, const lenet_activation *activation, float *output
) {
    SUBSAMPLING_FORWARD(activate_run8)
}

AVX512 void lenet_avx512_subsampling_forward(
    long planes, long channels, long inH, long inW,
    const float *input, const float *coefficients, const float *bias, const lenet_activation *activation, float *output
) {
    SUBSAMPLING_FORWARD(activate_run16)
}

AVX2 void lenet_avx2_subsampling_backward(
    long planes, long channels, long inH, long inW,
    const float *input, const float *coefficients, const float *outputGradient, const float *activated,
    const lenet_activation *activation, bool squared, float *coefficientGradient, float *biasGradient, float *inputGradient
) {
    const long units = (inH / 2) * (inW / 2);
    float sums[units], gradient[units];
    for (long p = 0; p < planes; p++) {
        const long c = p % channels;
        const float *g = outputGradient + p * units;
        if (activation) {
            const float *y = activated + p * units;
            long j = 0;
            for (; j + 8 <= units; j += 8)
                _mm256_storeu_ps(gradient + j, activation_gradient8(_mm256_loadu_ps(y + j), _mm256_loadu_ps(g + j), activation));
            for (; j < units; j++) gradient[j] = activation_gradient1(y[j], g[j], activation);
            g = gradient;
        }
        pooling_forward(SUBSAMPLING, 1, 0, inH / 2, inW, input + p * inH * inW, sums);
        if (squared) for (long j = 0; j < units; j++) sums[j] *= sums[j];
        coefficientGradient[c] += lenet_avx2_dot(g, sums, units);
        biasGradient[c] += lenet_avx2_sum(g, units);
        if (inputGradient == NULL) continue;
        const float w = squared ? coefficients[c] * coefficients[c] : coefficients[c];
        lenet_avx2_average_pooling_backward(inH / 2, inW, g, w, inputGradient + p * inH * inW);
    }
}

// The first of a, b, c, d (row by row) equal to the maximum m takes g. As masks: and-ing g
// with a mask gives g or +0, the Swift loop's select. fa, fb, fc pick a, b, c; d takes what is
// not `taken`. Written once for both widths (P: _mm256 or _mm).
#define FIRST_MAXIMUM(P, VEC, a, b, c, m)                                \
    const VEC fa = P##_cmp_ps(a, m, _CMP_EQ_OQ);                         \
    const VEC fb = P##_andnot_ps(fa, P##_cmp_ps(b, m, _CMP_EQ_OQ));      \
    const VEC ab = P##_or_ps(fa, fb);                                    \
    const VEC fc = P##_andnot_ps(ab, P##_cmp_ps(c, m, _CMP_EQ_OQ));      \
    const VEC taken = P##_or_ps(ab, fc);

AVX2 static inline void max_backward8(const float *r0, const float *r1, const float *top, const float *gr,
                                      float *d0, float *d1, long x) {
    __m256 e0, o0, e1, o1;
    split_even_odd(r0 + 2 * x, &e0, &o0);
    split_even_odd(r1 + 2 * x, &e1, &o1);
    const __m256 m = _mm256_loadu_ps(top + x), g = _mm256_loadu_ps(gr + x);
    FIRST_MAXIMUM(_mm256, __m256, e0, o0, e1, m)
    store_interleaved(d0 + 2 * x, _mm256_and_ps(fa, g), _mm256_and_ps(fb, g));
    store_interleaved(d1 + 2 * x, _mm256_and_ps(fc, g), _mm256_andnot_ps(taken, g));
}

AVX2 static inline void max_backward4(const float *r0, const float *r1, const float *top, const float *gr,
                                      float *d0, float *d1, long x) {
    __m128 e0, o0, e1, o1;
    split_even_odd4(r0 + 2 * x, &e0, &o0);
    split_even_odd4(r1 + 2 * x, &e1, &o1);
    const __m128 m = _mm_loadu_ps(top + x), g = _mm_loadu_ps(gr + x);
    FIRST_MAXIMUM(_mm, __m128, e0, o0, e1, m)
    store_interleaved4(d0 + 2 * x, _mm_and_ps(fa, g), _mm_and_ps(fb, g));
    store_interleaved4(d1 + 2 * x, _mm_and_ps(fc, g), _mm_andnot_ps(taken, g));
}

static inline void max_backward1(const float *r0, const float *r1, const float *top, const float *gr,
                                 float *d0, float *d1, long x) {
    const float m = top[x], g = gr[x];
    const bool first = r0[2 * x] == m, second = !first && r0[2 * x + 1] == m;
    const bool third = !first && !second && r1[2 * x] == m, fourth = !first && !second && !third;
    d0[2 * x] = first ? g : 0; d0[2 * x + 1] = second ? g : 0;
    d1[2 * x] = third ? g : 0; d1[2 * x + 1] = fourth ? g : 0;
}

AVX2 void lenet_avx2_max_pooling_backward(
    long rows, long inW, const float *input, const float *output, const float *outputGradient, float *inputGradient
) {
    const long ow = inW / 2;
    for (long r = 0; r < rows; r++) {
        const float *r0 = input + 2 * r * inW, *r1 = r0 + inW, *top = output + r * ow, *gr = outputGradient + r * ow;
        float *d0 = inputGradient + 2 * r * inW, *d1 = d0 + inW;
        FOR_EACH_BLOCK(ow, x, max_backward8(r0, r1, top, gr, d0, d1, x), max_backward4(r0, r1, top, gr, d0, d1, x),
                       max_backward1(r0, r1, top, gr, d0, d1, x))
    }
}

AVX2 static inline void average_backward8(const float *gr, float share, float *d0, float *d1, long x) {
    const __m256 v = _mm256_mul_ps(_mm256_loadu_ps(gr + x), _mm256_set1_ps(share));
    store_interleaved(d0 + 2 * x, v, v);
    store_interleaved(d1 + 2 * x, v, v);
}

AVX2 static inline void average_backward4(const float *gr, float share, float *d0, float *d1, long x) {
    const __m128 v = _mm_mul_ps(_mm_loadu_ps(gr + x), _mm_set1_ps(share));
    store_interleaved4(d0 + 2 * x, v, v);
    store_interleaved4(d1 + 2 * x, v, v);
}

static inline void average_backward1(const float *gr, float share, float *d0, float *d1, long x) {
    const float v = gr[x] * share;
    d0[2 * x] = v; d0[2 * x + 1] = v; d1[2 * x] = v; d1[2 * x + 1] = v;
}

AVX2 void lenet_avx2_average_pooling_backward(
    long rows, long inW, const float *outputGradient, float share, float *inputGradient
) {
    const long ow = inW / 2;
    for (long r = 0; r < rows; r++) {
        const float *gr = outputGradient + r * ow;
        float *d0 = inputGradient + 2 * r * inW, *d1 = d0 + inW;
        FOR_EACH_BLOCK(ow, x, average_backward8(gr, share, d0, d1, x), average_backward4(gr, share, d0, d1, x),
                       average_backward1(gr, share, d0, d1, x))
    }
}
#else
void lenet_avx2_max_pooling_forward(long rows, long inW, const float *input, float *output) {}
void lenet_avx2_max_pooling_backward(long rows, long inW, const float *input, const float *output,
    const float *outputGradient, float *inputGradient) {}
void lenet_avx2_average_pooling_forward(long rows, long inW, const float *input, float *output) {}
void lenet_avx2_average_pooling_backward(long rows, long inW, const float *outputGradient, float share,
    float *inputGradient) {}
void lenet_avx2_subsampling_forward(long planes, long channels, long inH, long inW,
    const float *input, const float *coefficients, const float *bias, const lenet_activation *activation, float *output) {}
void lenet_avx512_subsampling_forward(long planes, long channels, long inH, long inW,
    const float *input, const float *coefficients, const float *bias, const lenet_activation *activation, float *output) {}
void lenet_avx2_subsampling_backward(long planes, long channels, long inH, long inW,
    const float *input, const float *coefficients, const float *outputGradient, const float *activated,
    const lenet_activation *activation, bool squared, float *coefficientGradient, float *biasGradient, float *inputGradient) {}
#endif
