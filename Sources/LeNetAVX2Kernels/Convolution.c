#include "LeNetAVX2Kernels.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include "Common.h"

// The wide layout (see the header).
static inline long wide_count(long inH, long inW, long k) { return (inH - k) * inW + inW - k + 1; }

// The taps of input map i (k x k weights of map o + p, p in [from, to)) into the accumulators
// acc[p][0..<count] at wide positions first, first + 8, ..., and the block's last at `last`.
// Every weight broadcast feeds `count` FMAs and every input vector loaded feeds to - from.
AVX2 INLINE void accumulate_taps(
    int from, int to, int count, __m256 acc[2][8], long first, long last, long o, long i, long inC, long inPlane,
    long inW, long k, const float *input, const float *weights
) {
    const float *plane = input + i * inPlane;
    for (long ky = 0; ky < k; ky++) {
        for (long kx = 0; kx < k; kx++) {
            __m256 wv[2];
            for (int p = from; p < to; p++) wv[p] = _mm256_broadcast_ss(weights + ((o + p) * inC + i) * k * k + ky * k + kx);
            const float *q = plane + ky * inW + kx;
            for (int c = 0; c < count; c++) {
                const __m256 x = _mm256_loadu_ps(c == count - 1 ? q + last : q + first + 8 * c);
                for (int p = from; p < to; p++) acc[p][c] = _mm256_fmadd_ps(wv[p], x, acc[p][c]);
            }
        }
    }
}

// One block of `count` accumulators of P output maps o ..< o + P (P, count constants after
// inlining) in the wide layout, the P planes `n` apart in `wide`. With two maps each input
// vector loaded feeds both (count <= 6: 12 accumulators), where one map alone had 9 loads per 8
// FMAs. An input map only one of the pair reads goes to that map alone. Each accumulator sees
// the taps in the same order whatever P, so pairing changes no bit.
AVX2 INLINE void forward_block(
    int P, int count, long first, long last, long o, long inC, long inPlane, long inW, long k, long n,
    const float *input, const float *weights, const float *bias, const bool *connected, float *wide
) {
    __m256 acc[2][8];
    for (int p = 0; p < P; p++) for (int c = 0; c < count; c++) acc[p][c] = _mm256_set1_ps(bias[o + p]);
    for (long i = 0; i < inC; i++) {
        const bool first0 = is_connected(connected, o, i, inC), second = P == 2 && is_connected(connected, o + 1, i, inC);
        if (first0 && second) accumulate_taps(0, 2, count, acc, first, last, o, i, inC, inPlane, inW, k, input, weights);
        else if (first0) accumulate_taps(0, 1, count, acc, first, last, o, i, inC, inPlane, inW, k, input, weights);
        else if (second) accumulate_taps(1, 2, count, acc, first, last, o, i, inC, inPlane, inW, k, input, weights);
    }
    for (int p = 0; p < P; p++) {
        for (int c = 0; c < count - 1; c++) _mm256_storeu_ps(wide + p * n + first + 8 * c, acc[p][c]);
        _mm256_storeu_ps(wide + p * n + last, acc[p][count - 1]);
    }
}

// Output maps o and o + 1 (P = 2) or o alone in the wide layout of `n` positions, into wide
// and wide + n: blocks of at most 6 vectors for a pair, 8 for one map, as even as possible.
AVX2 static void wide_maps(
    long o, int P, long inC, long inPlane, long inW, long k, long n,
    const float *input, const float *weights, const float *bias, const bool *connected, float *wide
) {
    const long vectors = (n + 7) / 8;
    const long most = P == 2 ? 6 : 8, blocks = (vectors + most - 1) / most, size = (vectors + blocks - 1) / blocks;
    for (long v = 0; v < vectors; v += size) {
        const long count = vectors - v < size ? vectors - v : size;
        const long first = 8 * v, last = 8 * (v + count - 1) < n - 8 ? 8 * (v + count - 1) : n - 8;
        // A constant count per call, so each accumulator array lives in registers.
        #define BLOCK(PP, C) forward_block(PP, C, first, last, o, inC, inPlane, inW, k, n, input, weights, bias, connected, wide)
        #define UP_TO_6(PP) case 6: BLOCK(PP, 6); break; case 5: BLOCK(PP, 5); break; case 4: BLOCK(PP, 4); break; \
            case 3: BLOCK(PP, 3); break; case 2: BLOCK(PP, 2); break; default: BLOCK(PP, 1); break;
        if (P == 2) switch (count) { UP_TO_6(2) }  // size <= 6 for a pair
        else switch (count) { case 8: BLOCK(1, 8); break; case 7: BLOCK(1, 7); break; UP_TO_6(1) }
        #undef UP_TO_6
        #undef BLOCK
    }
}

AVX2 void lenet_avx2_convolution_forward(
    long inC, long outC, long inH, long inW, long k,
    const float *input, const float *weights, const float *bias, const bool *connected,
    float *output, float *scratch
) {
    const long oh = inH - k + 1, ow = inW - k + 1, inPlane = inH * inW;
    const long n = wide_count(inH, inW, k);
    for (long o = 0; o < outC; o += 2) {
        const int P = o + 1 < outC ? 2 : 1;
        wide_maps(o, P, inC, inPlane, inW, k, n, input, weights, bias, connected, scratch);
        for (long p = 0; p < P; p++) {
            float *out = output + (o + p) * oh * ow;
            for (long y = 0; y < oh; y++) memcpy(out + y * ow, scratch + p * n + y * inW, (size_t)ow * sizeof(float));
        }
    }
}

// The input gradient as the forward kernel over the output gradient with the kernels flipped
// and the table transposed, in the input's own layout: dOut is laid out with the input's row
// stride (zeros in the last k-1 columns) after a guard of (k-1)·inW + k-1 zeros, so the wide
// positions are exactly the input's inH·inW values and nothing is dropped. The tap that would
// read left of a row reads the zero columns at the end of the row above; above the first row,
// the guard. Padding dOut by k-1 on every side instead (the portable path) computed 248
// positions for C3's 196, 188 for LeNet-1's C2's 144, and dropped the rest. Every position
// sees the same nonzero products in the same order as there, so training does not change.
AVX2 void lenet_avx2_convolution_input_gradient(
    long inC, long outC, long inH, long inW, long k,
    const float *weights, const bool *connected, const float *outputGradient, float *inputGradient, float *scratch
) {
    const long oh = inH - k + 1, ow = inW - k + 1, n = inH * inW, guard = (k - 1) * inW + k - 1, plane = guard + n;
    float *spread = scratch, *flipped = spread + outC * plane, *zeros = flipped + inC * outC * k * k;
    float *wide = zeros + inC;
    bool *table = (bool *)(wide + 2 * n);
    memset(spread, 0, (size_t)(outC * plane) * sizeof(float));
    for (long o = 0; o < outC; o++)
        for (long y = 0; y < oh; y++)
            memcpy(spread + o * plane + guard + y * inW, outputGradient + (o * oh + y) * ow, (size_t)ow * sizeof(float));
    for (long i = 0; i < inC; i++) {
        zeros[i] = 0;
        for (long o = 0; o < outC; o++) {
            table[i * outC + o] = is_connected(connected, o, i, inC);
            const float *from = weights + (o * inC + i) * k * k;
            float *to = flipped + (i * outC + o) * k * k;
            for (long j = 0; j < k * k; j++) to[j] = from[k * k - 1 - j];
        }
    }
    for (long i = 0; i < inC; i += 2) {
        const int P = i + 1 < inC ? 2 : 1;
        wide_maps(i, P, outC, plane, inW, k, n, spread, flipped, zeros, table, wide);
        for (long p = 0; p < P; p++) {
            float *dIn = inputGradient + (i + p) * n;
            for (long j = 0; j < n; j++) dIn[j] += wide[p * n + j];
        }
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
// `wide`, and its sum into dBias. The sum runs in four 8-lane sums: one scalar sum is a chain of
// dependent adds (C does not reorder them), which had taken 6 of C1's 9 µs of weight gradient.
AVX2 static void widen_output_gradient(long o, long oh, long ow, long inW, long n, const float *outputGradient,
                                       float *wide, float *biasGradient) {
    const float *dOut = outputGradient + o * oh * ow;
    memset(wide, 0, (size_t)n * sizeof(float));
    for (long y = 0; y < oh; y++) memcpy(wide + y * inW, dOut + y * ow, (size_t)ow * sizeof(float));
    const long count = oh * ow;
    __m256 sum[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    long j = 0;
    for (; j + 32 <= count; j += 32)
        for (int u = 0; u < 4; u++) sum[u] = _mm256_add_ps(sum[u], _mm256_loadu_ps(dOut + j + 8 * u));
    for (; j + 8 <= count; j += 8) sum[0] = _mm256_add_ps(sum[0], _mm256_loadu_ps(dOut + j));
    float db = horizontal_sum(_mm256_add_ps(_mm256_add_ps(sum[0], sum[1]), _mm256_add_ps(sum[2], sum[3])));
    for (; j < count; j++) db += dOut[j];
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
void lenet_avx2_convolution_input_gradient(long inC, long outC, long inH, long inW, long k, const float *weights,
    const bool *connected, const float *outputGradient, float *inputGradient, float *scratch) {}
#endif

long lenet_convolution_input_gradient_scratch(long inC, long outC, long inH, long inW, long k) {
    const long n = inH * inW, plane = (k - 1) * inW + k - 1 + n;
    const long floats = outC * plane + inC * outC * k * k + inC + 2 * n;
    return floats * (long)sizeof(float) + inC * outC * (long)sizeof(bool);
}
