#include "LeNetAVX2Kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include "Common.h"

// switch (n) over 1 ... MOST (at most 6), calling CALL(n) with a constant.
#define SWITCH_COUNT_CASE(N, MOST, CALL) case N: if (N <= (MOST)) CALL(N); break;
#define SWITCH_COUNT(n, MOST, CALL) switch (n) { \
    SWITCH_COUNT_CASE(1, MOST, CALL) SWITCH_COUNT_CASE(2, MOST, CALL) SWITCH_COUNT_CASE(3, MOST, CALL) \
    SWITCH_COUNT_CASE(4, MOST, CALL) SWITCH_COUNT_CASE(5, MOST, CALL) SWITCH_COUNT_CASE(6, MOST, CALL) }

// The first n < 8 values of p, zeros after, without reading past them.
AVX2 static inline __m256 load_first8(const float *p, long n) {
    int lanes[8];
    for (int j = 0; j < 8; j++) lanes[j] = j < n ? -1 : 0;
    return _mm256_maskload_ps(p, _mm256_loadu_si256((const __m256i *)lanes));
}

// 16 registers of 8 lanes: forward tiles of 4 rows x 2 samples, multiply-accumulate tiles of
// 3 rows x 4 vectors.
#define LANES 8
#define VEC __m256
#define TARGET AVX2
#define NAME(f) f##_8
#define vloadu _mm256_loadu_ps
#define vstoreu _mm256_storeu_ps
#define vfma _mm256_fmadd_ps
#define vbroadcast _mm256_broadcast_ss
#define vzero _mm256_setzero_ps
#define vhsum horizontal_sum
#define vloadfirst load_first8
#define FORWARD_B 2
#define ACCUMULATE_M 3
#include "MatrixTemplate.h"
#undef LANES
#undef VEC
#undef TARGET
#undef NAME
#undef vloadu
#undef vstoreu
#undef vfma
#undef vbroadcast
#undef vzero
#undef vhsum
#undef vloadfirst
#undef FORWARD_B
#undef ACCUMULATE_M

// 32 registers of 16 lanes: tiles of 4 x 4 (16 sums, 4 inputs and a weight in registers).
#define LANES 16
#define VEC __m512
#define TARGET AVX512
#define NAME(f) f##_16
#define vloadu _mm512_loadu_ps
#define vstoreu _mm512_storeu_ps
#define vfma _mm512_fmadd_ps
#define vbroadcast(p) _mm512_set1_ps(*(p))
#define vzero _mm512_setzero_ps
#define vhsum _mm512_reduce_add_ps
#define vloadfirst(p, n) _mm512_maskz_loadu_ps((__mmask16)((1u << (n)) - 1), p)
#define FORWARD_B 4
#define ACCUMULATE_M 4
#include "MatrixTemplate.h"

AVX2 void lenet_avx2_matrix_forward(
    long rows, long columns, long batch, const float *weights, const float *bias, const float *input, float *output
) {
    matrix_forward_8(rows, columns, batch, weights, bias, input, output);
}

AVX512 void lenet_avx512_matrix_forward(
    long rows, long columns, long batch, const float *weights, const float *bias, const float *input, float *output
) {
    matrix_forward_16(rows, columns, batch, weights, bias, input, output);
}

AVX2 void lenet_avx2_multiply_accumulate(
    long M, long N, long K, const float *a, long strideM, long strideK, const float *b, float *c
) {
    multiply_accumulate_8(M, N, K, a, strideM, strideK, b, c);
}

AVX512 void lenet_avx512_multiply_accumulate(
    long M, long N, long K, const float *a, long strideM, long strideK, const float *b, float *c
) {
    multiply_accumulate_16(M, N, K, a, strideM, strideK, b, c);
}

// One row at a time: the row's weights are loaded once for the input gradient and the step.
// Each value goes through exactly the operations of the unfused sequence: dW from a zeroed
// gradient is fma(g, x, 0), the step is w - (rate * s) * dW with no fusing (intrinsics, and
// separate statements in the scalar tail, which clang does not contract).
AVX2 void lenet_avx2_matrix_backward_step(
    long rows, long columns, const float *input, const float *outputGradient,
    float *weights, float *bias, const float *weightRates, const float *biasRates, float scale, float *inputGradient
) {
    const __m256 s = _mm256_set1_ps(scale), zero = _mm256_setzero_ps();
    const long whole = columns & ~7L;
    for (long r = 0; r < rows; r++) {
        const float g = outputGradient[r];
        const __m256 gv = _mm256_set1_ps(g);
        float *w = weights + r * columns;
        const float *rate = weightRates + r * columns;
        long c = 0;
        for (; c < whole; c += 8) {
            const __m256 old = _mm256_loadu_ps(w + c);
            if (inputGradient)
                _mm256_storeu_ps(inputGradient + c, _mm256_fmadd_ps(gv, old, _mm256_loadu_ps(inputGradient + c)));
            const __m256 dw = _mm256_fmadd_ps(gv, _mm256_loadu_ps(input + c), zero);
            const __m256 u = _mm256_mul_ps(_mm256_loadu_ps(rate + c), s);
            _mm256_storeu_ps(w + c, _mm256_sub_ps(old, _mm256_mul_ps(u, dw)));
        }
        for (; c < columns; c++) {
            const float old = w[c];
            if (inputGradient) inputGradient[c] += g * old;  // the form of multiply_accumulate's tail
            float dw = 0;
            dw += g * input[c];
            const float u = rate[c] * scale;
            const float step = u * dw;
            w[c] = old - step;
        }
        const float db = 0 + g, ub = biasRates[r] * scale;
        const float step = ub * db;
        bias[r] = bias[r] - step;
    }
}
#else
void lenet_avx2_matrix_forward(long rows, long columns, long batch, const float *weights, const float *bias,
    const float *input, float *output) {}
void lenet_avx2_multiply_accumulate(long M, long N, long K, const float *a, long strideM, long strideK,
    const float *b, float *c) {}
void lenet_avx512_matrix_forward(long rows, long columns, long batch, const float *weights, const float *bias,
    const float *input, float *output) {}
void lenet_avx512_multiply_accumulate(long M, long N, long K, const float *a, long strideM, long strideK,
    const float *b, float *c) {}
void lenet_avx2_matrix_backward_step(long rows, long columns, const float *input, const float *outputGradient,
    float *weights, float *bias, const float *weightRates, const float *biasRates, float scale, float *inputGradient) {}
#endif
