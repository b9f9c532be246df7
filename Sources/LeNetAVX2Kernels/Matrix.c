#include "LeNetAVX2Kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include "Common.h"

// Y[b0.., r0..] for R rows and B samples (constants after inlining): R * B dot products of
// length `columns` side by side, so each weight vector loaded feeds B FMAs and each input vector
// R. The last partial vector is read through a mask (zeros beyond the end).
AVX2 INLINE void forward_tile(
    int R, int B, long r0, long b0, long rows, long columns,
    const float *weights, const float *bias, const float *input, float *output
) {
    __m256 acc[4][2];
    for (int r = 0; r < R; r++) for (int b = 0; b < B; b++) acc[r][b] = _mm256_setzero_ps();
    long c = 0;
    for (; c + 8 <= columns; c += 8) {
        __m256 x[2];
        for (int b = 0; b < B; b++) x[b] = _mm256_loadu_ps(input + (b0 + b) * columns + c);
        for (int r = 0; r < R; r++) {
            const __m256 w = _mm256_loadu_ps(weights + (r0 + r) * columns + c);
            for (int b = 0; b < B; b++) acc[r][b] = _mm256_fmadd_ps(w, x[b], acc[r][b]);
        }
    }
    if (c < columns) {
        int lanes[8];
        for (int j = 0; j < 8; j++) lanes[j] = c + j < columns ? -1 : 0;
        const __m256i mask = _mm256_loadu_si256((const __m256i *)lanes);
        __m256 x[2];
        for (int b = 0; b < B; b++) x[b] = _mm256_maskload_ps(input + (b0 + b) * columns + c, mask);
        for (int r = 0; r < R; r++) {
            const __m256 w = _mm256_maskload_ps(weights + (r0 + r) * columns + c, mask);
            for (int b = 0; b < B; b++) acc[r][b] = _mm256_fmadd_ps(w, x[b], acc[r][b]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int b = 0; b < B; b++)
            output[(b0 + b) * rows + r0 + r] = horizontal_sum(acc[r][b]) + (bias ? bias[r0 + r] : 0);
}

AVX2 void lenet_avx2_matrix_forward(
    long rows, long columns, long batch,
    const float *weights, const float *bias, const float *input, float *output
) {
    for (long b0 = 0; b0 < batch; b0 += 2) {
        const int B = batch - b0 >= 2 ? 2 : 1;
        long r0 = 0;
        for (; r0 + 4 <= rows; r0 += 4) {
            if (B == 2) forward_tile(4, 2, r0, b0, rows, columns, weights, bias, input, output);
            else forward_tile(4, 1, r0, b0, rows, columns, weights, bias, input, output);
        }
        for (; r0 < rows; r0++) {
            if (B == 2) forward_tile(1, 2, r0, b0, rows, columns, weights, bias, input, output);
            else forward_tile(1, 1, r0, b0, rows, columns, weights, bias, input, output);
        }
    }
}

// C[m0.., n0..] += sum_k A(m, k) * Bm[k, n] for M rows and V vectors of 8 columns: M * V
// accumulators stay in registers through all K; per k, V loads and M broadcasts feed M * V FMAs.
AVX2 INLINE void accumulate_tile(
    int M, int V, long m0, long n0, long N, long K,
    const float *a, long strideM, long strideK, const float *bm, float *c
) {
    __m256 acc[3][4];
    for (int m = 0; m < M; m++)
        for (int v = 0; v < V; v++) acc[m][v] = _mm256_loadu_ps(c + (m0 + m) * N + n0 + 8 * v);
    for (long k = 0; k < K; k++) {
        __m256 bv[4];
        for (int v = 0; v < V; v++) bv[v] = _mm256_loadu_ps(bm + k * N + n0 + 8 * v);
        for (int m = 0; m < M; m++) {
            const __m256 av = _mm256_broadcast_ss(a + (m0 + m) * strideM + k * strideK);
            for (int v = 0; v < V; v++) acc[m][v] = _mm256_fmadd_ps(av, bv[v], acc[m][v]);
        }
    }
    for (int m = 0; m < M; m++)
        for (int v = 0; v < V; v++) _mm256_storeu_ps(c + (m0 + m) * N + n0 + 8 * v, acc[m][v]);
}

AVX2 void lenet_avx2_multiply_accumulate(
    long M, long N, long K, const float *a, long strideM, long strideK, const float *b, float *c
) {
    const long vectors = N / 8;
    long m0 = 0;
    for (; m0 < M; m0 += 3) {
        const int rowsLeft = M - m0 >= 3 ? 3 : (int)(M - m0);
        long v = 0;
        #define TILE(R, V) accumulate_tile(R, V, m0, 8 * v, N, K, a, strideM, strideK, b, c)
        for (; v + 4 <= vectors; v += 4) {
            if (rowsLeft == 3) TILE(3, 4); else if (rowsLeft == 2) TILE(2, 4); else TILE(1, 4);
        }
        for (; v < vectors; v++) {
            if (rowsLeft == 3) TILE(3, 1); else if (rowsLeft == 2) TILE(2, 1); else TILE(1, 1);
        }
        #undef TILE
        // Columns past the last whole vector (N % 8 of them), one at a time.
        for (long m = m0; m < m0 + rowsLeft; m++) {
            for (long n = 8 * vectors; n < N; n++) {
                float sum = c[m * N + n];
                for (long k = 0; k < K; k++) sum += a[m * strideM + k * strideK] * b[k * N + n];
                c[m * N + n] = sum;
            }
        }
    }
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
void lenet_avx2_matrix_backward_step(long rows, long columns, const float *input, const float *outputGradient,
    float *weights, float *bias, const float *weightRates, const float *biasRates, float scale, float *inputGradient) {}
#endif
