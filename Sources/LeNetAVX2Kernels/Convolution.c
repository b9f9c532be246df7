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

// dw_p[ky, 0..<K] += sum_n g_p[n] * plane[n + ky*inW + kx] over the wide layout for P = 1 or 2
// output maps reading the same input map (P, K constants after inlining): per vector of
// positions, P gradient loads and K input loads feed P * K FMAs, in P * K independent chains
// (one map at a time, 6 loads fed 5 FMAs and five chains left the FMA units waiting). Each
// accumulator sees the same sequence of FMAs whatever P, so pairing changes no bit. g has
// zeros in the thrown-away columns, and its last vector (at n - 8) has the lanes the vector
// before it already covered zeroed, so nothing is counted twice.
AVX2 INLINE void weight_gradient_rows(
    int P, int K, long n, long inW, const float *g0, const float *g1, __m256 lastMask, const float *plane,
    float *dw0, float *dw1
) {
    const long vectors = (n + 7) / 8;
    const float *g[2] = {g0, g1};
    float *dw[2] = {dw0, dw1};
    for (long ky = 0; ky < K; ky++) {
        __m256 acc[2][8];
        for (int p = 0; p < P; p++) for (int kx = 0; kx < K; kx++) acc[p][kx] = _mm256_setzero_ps();
        const float *row = plane + ky * inW;
        for (long v = 0; v < vectors - 1; v++) {
            __m256 gv[2];
            for (int p = 0; p < P; p++) gv[p] = _mm256_loadu_ps(g[p] + 8 * v);
            for (int kx = 0; kx < K; kx++) {
                const __m256 x = _mm256_loadu_ps(row + 8 * v + kx);
                for (int p = 0; p < P; p++) acc[p][kx] = _mm256_fmadd_ps(gv[p], x, acc[p][kx]);
            }
        }
        __m256 gv[2];
        for (int p = 0; p < P; p++) gv[p] = _mm256_and_ps(_mm256_loadu_ps(g[p] + n - 8), lastMask);
        for (int kx = 0; kx < K; kx++) {
            const __m256 x = _mm256_loadu_ps(row + n - 8 + kx);
            for (int p = 0; p < P; p++) acc[p][kx] = _mm256_fmadd_ps(gv[p], x, acc[p][kx]);
        }
        for (int p = 0; p < P; p++)
            for (int kx = 0; kx < K; kx++) dw[p][ky * K + kx] += horizontal_sum(acc[p][kx]);
    }
}

// dOut of map o widened to the input's row stride (zeros in the thrown-away columns) into
// `wide`, and its sum into dBias.
static void widen_output_gradient(long o, long oh, long ow, long inW, long n, const float *outputGradient,
                                  float *wide, float *biasGradient) {
    const float *dOut = outputGradient + o * oh * ow;
    float db = 0;
    memset(wide, 0, (size_t)n * sizeof(float));
    for (long y = 0; y < oh; y++) {
        memcpy(wide + y * inW, dOut + y * ow, (size_t)ow * sizeof(float));
        for (long x = 0; x < ow; x++) db += dOut[y * ow + x];
    }
    biasGradient[o] += db;
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
    // Output maps two at a time: an input map both read feeds both from each load.
    for (long o = 0; o < outC; o += 2) {
        const bool pair = o + 1 < outC;
        float *g0 = scratch, *g1 = scratch + n;
        widen_output_gradient(o, oh, ow, inW, n, outputGradient, g0, biasGradient);
        if (pair) widen_output_gradient(o + 1, oh, ow, inW, n, outputGradient, g1, biasGradient);
        for (long i = 0; i < inC; i++) {
            const bool first = is_connected(connected, o, i, inC), second = pair && is_connected(connected, o + 1, i, inC);
            if (!first && !second) continue;
            const float *plane = input + i * inPlane;
            float *dw0 = weightGradient + (o * inC + i) * k * k, *dw1 = dw0 + inC * k * k;
            #define ROWS(K) case K: \
                if (first && second) weight_gradient_rows(2, K, n, inW, g0, g1, lastMask, plane, dw0, dw1); \
                else if (first) weight_gradient_rows(1, K, n, inW, g0, g0, lastMask, plane, dw0, dw0); \
                else weight_gradient_rows(1, K, n, inW, g1, g1, lastMask, plane, dw1, dw1); \
                break
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
