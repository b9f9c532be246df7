#include "LeNetAVX2Kernels.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include "Common.h"

// The wide layout (see the header).
static inline long wide_count(long inH, long inW, long k) { return (inH - k) * inW + inW - k + 1; }

// One block of `count` (a constant after inlining) accumulators of output map o in the wide
// layout: vectors at first, first + 8, ..., and the block's last one at `last` (which may
// overlap the one before it at the end of the map). Every weight is broadcast once and feeds
// `count` FMAs, so for count = 8 there are 9 loads per 8 FMAs.
AVX2 INLINE void forward_block(
    int count, long first, long last, long o, long inC, long inPlane, long inW, long k,
    const float *input, const float *weights, float bias, const bool *connected, float *wide
) {
    __m256 acc[8];
    for (int c = 0; c < count; c++) acc[c] = _mm256_set1_ps(bias);
    for (long i = 0; i < inC; i++) {
        if (!is_connected(connected, o, i, inC)) continue;
        const float *w = weights + (o * inC + i) * k * k, *plane = input + i * inPlane;
        for (long ky = 0; ky < k; ky++) {
            for (long kx = 0; kx < k; kx++) {
                const __m256 wv = _mm256_broadcast_ss(w + ky * k + kx);
                const float *p = plane + ky * inW + kx;
                for (int c = 0; c < count - 1; c++)
                    acc[c] = _mm256_fmadd_ps(wv, _mm256_loadu_ps(p + first + 8 * c), acc[c]);
                acc[count - 1] = _mm256_fmadd_ps(wv, _mm256_loadu_ps(p + last), acc[count - 1]);
            }
        }
    }
    for (int c = 0; c < count - 1; c++) _mm256_storeu_ps(wide + first + 8 * c, acc[c]);
    _mm256_storeu_ps(wide + last, acc[count - 1]);
}

AVX2 void lenet_avx2_convolution_forward(
    long inC, long outC, long inH, long inW, long k,
    const float *input, const float *weights, const float *bias, const bool *connected,
    float *output, float *scratch
) {
    const long oh = inH - k + 1, ow = inW - k + 1, inPlane = inH * inW;
    const long n = wide_count(inH, inW, k), vectors = (n + 7) / 8;
    for (long o = 0; o < outC; o++) {
        for (long v = 0; v < vectors; v += 8) {
            const long count = vectors - v < 8 ? vectors - v : 8;
            const long first = 8 * v, last = 8 * (v + count - 1) < n - 8 ? 8 * (v + count - 1) : n - 8;
            // A constant count per call, so each accumulator array lives in registers.
            #define BLOCK(C) forward_block(C, first, last, o, inC, inPlane, inW, k, input, weights, bias[o], connected, scratch)
            switch (count) {
                case 8: BLOCK(8); break;
                case 7: BLOCK(7); break;
                case 6: BLOCK(6); break;
                case 5: BLOCK(5); break;
                case 4: BLOCK(4); break;
                case 3: BLOCK(3); break;
                case 2: BLOCK(2); break;
                default: BLOCK(1); break;
            }
            #undef BLOCK
        }
        float *out = output + o * oh * ow;
        for (long y = 0; y < oh; y++) memcpy(out + y * ow, scratch + y * inW, (size_t)ow * sizeof(float));
    }
}

// dw[ky, 0..<K] += sum_n g[n] * plane[n + ky*inW + kx] over the wide layout, K accumulators per
// kernel row. g has zeros in the thrown-away columns, and its last vector (at n - 8) has the
// lanes the vector before it already covered zeroed, so nothing is counted twice.
AVX2 INLINE void weight_gradient_rows(
    int K, long n, long inW, const float *g, __m256 lastMask, const float *plane, float *dw
) {
    const long vectors = (n + 7) / 8;
    for (long ky = 0; ky < K; ky++) {
        __m256 acc[8];
        for (int kx = 0; kx < K; kx++) acc[kx] = _mm256_setzero_ps();
        const float *row = plane + ky * inW;
        for (long v = 0; v < vectors - 1; v++) {
            const __m256 gv = _mm256_loadu_ps(g + 8 * v);
            for (int kx = 0; kx < K; kx++) acc[kx] = _mm256_fmadd_ps(gv, _mm256_loadu_ps(row + 8 * v + kx), acc[kx]);
        }
        const __m256 gv = _mm256_and_ps(_mm256_loadu_ps(g + n - 8), lastMask);
        for (int kx = 0; kx < K; kx++) acc[kx] = _mm256_fmadd_ps(gv, _mm256_loadu_ps(row + n - 8 + kx), acc[kx]);
        for (int kx = 0; kx < K; kx++) dw[ky * K + kx] += horizontal_sum(acc[kx]);
    }
}

AVX2 void lenet_avx2_convolution_weight_gradient(
    long inC, long outC, long inH, long inW, long k,
    const float *input, const bool *connected, const float *outputGradient,
    float *weightGradient, float *biasGradient, float *scratch
) {
    const long oh = inH - k + 1, ow = inW - k + 1, inPlane = inH * inW;
    const long n = wide_count(inH, inW, k), vectors = (n + 7) / 8;
    // Lanes of the last vector (at n - 8) that the vector before it (at 8 * (vectors - 2)) covers.
    const long overlap = 8 * (vectors - 1) - (n - 8);
    int lanes[8];
    for (int j = 0; j < 8; j++) lanes[j] = j < overlap ? 0 : -1;
    const __m256 lastMask = _mm256_castsi256_ps(_mm256_loadu_si256((const __m256i *)lanes));
    for (long o = 0; o < outC; o++) {
        const float *dOut = outputGradient + o * oh * ow;
        float db = 0;
        memset(scratch, 0, (size_t)n * sizeof(float));
        for (long y = 0; y < oh; y++) {
            memcpy(scratch + y * inW, dOut + y * ow, (size_t)ow * sizeof(float));
            for (long x = 0; x < ow; x++) db += dOut[y * ow + x];
        }
        biasGradient[o] += db;
        for (long i = 0; i < inC; i++) {
            if (!is_connected(connected, o, i, inC)) continue;
            const float *plane = input + i * inPlane;
            float *dw = weightGradient + (o * inC + i) * k * k;
            #define ROWS(K) case K: weight_gradient_rows(K, n, inW, scratch, lastMask, plane, dw); break
            switch (k) { ROWS(1); ROWS(2); ROWS(3); ROWS(4); ROWS(5); ROWS(6); ROWS(7); ROWS(8); }
            #undef ROWS
        }
    }
}
#else
void lenet_avx2_convolution_forward(long inC, long outC, long inH, long inW, long k, const float *input,
    const float *weights, const float *bias, const bool *connected, float *output, float *scratch) {}
void lenet_avx2_convolution_weight_gradient(long inC, long outC, long inH, long inW, long k, const float *input,
    const bool *connected, const float *outputGradient, float *weightGradient, float *biasGradient, float *scratch) {}
#endif
