// Convolution over a batch with eight samples side by side in every vector ("lanes" layout:
// value (c, y, x) of sample s at ((c * H + y) * W + x) * 8 + s). Every weight is broadcast and
// every vector is full whatever the map's width, with no edge blocks: C3's 10-wide maps waste
// no lanes, and a block of output maps shares each input vector it loads.
#include "LeNetAVX2Kernels.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include "Common.h"

// One growing buffer per thread, so a training step allocates nothing once warm (chunks run on
// whatever threads Dispatch picks; each uses its own thread's buffer, freed when the thread ends).
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
typedef struct { float *values; size_t capacity; } Scratch;

static void scratch_free(void *p) {
    Scratch *s = p;
    free(s->values);
    free(s);
}
static void scratch_make_key(void) { pthread_key_create(&scratch_key, scratch_free); }

static float *thread_scratch(size_t count) {
    pthread_once(&scratch_once, scratch_make_key);
    Scratch *s = pthread_getspecific(scratch_key);
    if (s == NULL) {
        s = calloc(1, sizeof(Scratch));
        if (s == NULL) abort();
        pthread_setspecific(scratch_key, s);
    }
    if (s->capacity < count) {
        free(s->values);
        s->values = aligned_alloc(32, (count * sizeof(float) + 31) / 32 * 32);
        if (s->values == NULL) abort();
        s->capacity = count;
    }
    return s->values;
}

// r[0..8) <- its transpose: element (a, b) to (b, a).
AVX2 static inline void transpose8(__m256 r[8]) {
    __m256 t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
        u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
        u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int i = 0; i < 4; i++) {
        r[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20);
        r[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
    }
}

// lanes[j, s] = samples[s, j] for s < count, 0 for the lanes beyond: 8 x 8 blocks transposed
// in registers (one value at a time, they took a quarter of C1's time), the last size % 8
// values one at a time.
AVX2 static void to_lanes(const float *samples, long count, long size, float *lanes) {
    long j = 0;
    for (; j + 8 <= size; j += 8) {
        __m256 r[8];
        for (long s = 0; s < 8; s++) r[s] = s < count ? _mm256_loadu_ps(samples + s * size + j) : _mm256_setzero_ps();
        transpose8(r);
        for (long jj = 0; jj < 8; jj++) _mm256_store_ps(lanes + (j + jj) * 8, r[jj]);
    }
    for (; j < size; j++) {
        for (long s = 0; s < count; s++) lanes[j * 8 + s] = samples[s * size + j];
        for (long s = count; s < 8; s++) lanes[j * 8 + s] = 0;
    }
}

// samples[s, j] (+)= lanes[j, s] for s < count, transposed as in to_lanes.
AVX2 static void from_lanes(const float *lanes, long count, long size, float *samples, bool add) {
    long j = 0;
    for (; j + 8 <= size; j += 8) {
        __m256 r[8];
        for (long jj = 0; jj < 8; jj++) r[jj] = _mm256_load_ps(lanes + (j + jj) * 8);
        transpose8(r);
        for (long s = 0; s < count; s++) {
            float *dst = samples + s * size + j;
            _mm256_storeu_ps(dst, add ? _mm256_add_ps(_mm256_loadu_ps(dst), r[s]) : r[s]);
        }
    }
    for (; j < size; j++) {
        for (long s = 0; s < count; s++) {
            if (add) samples[s * size + j] += lanes[j * 8 + s];
            else samples[s * size + j] = lanes[j * 8 + s];
        }
    }
}

// Output maps o0 ..< o0+M at row y, columns x0 ..< x0+X (M, X constants after inlining):
// per tap, X input loads and M weight broadcasts feed M * X FMAs.
AVX2 INLINE void forward_block(
    int M, int X, long o0, long y, long x0, long inC, long inH, long inW, long k, long oh, long ow,
    const float *in, const float *weights, const float *bias, const bool *connected, float *out
) {
    __m256 acc[3][8];
    for (int m = 0; m < M; m++) for (int x = 0; x < X; x++) acc[m][x] = _mm256_set1_ps(bias[o0 + m]);
    for (long i = 0; i < inC; i++) {
        if (!is_connected(connected, o0, i, inC)) continue;  // M > 1 only with every map connected
        for (long ky = 0; ky < k; ky++) {
            const float *row = in + ((i * inH + y + ky) * inW + x0) * 8;
            for (long kx = 0; kx < k; kx++) {
                __m256 w[3];
                for (int m = 0; m < M; m++) w[m] = _mm256_broadcast_ss(weights + (((o0 + m) * inC + i) * k + ky) * k + kx);
                for (int x = 0; x < X; x++) {
                    const __m256 v = _mm256_load_ps(row + (x + kx) * 8);
                    for (int m = 0; m < M; m++) acc[m][x] = _mm256_fmadd_ps(w[m], v, acc[m][x]);
                }
            }
        }
    }
    for (int m = 0; m < M; m++)
        for (int x = 0; x < X; x++) _mm256_store_ps(out + (((o0 + m) * oh + y) * ow + x0 + x) * 8, acc[m][x]);
}

// One output map at row y, columns x0 ..< x0+X, for a k x k kernel (K, X constants): the X+K-1
// input vectors of a kernel row are loaded once into registers and each feeds up to K FMAs, so
// per kernel row X+K-1 loads and K broadcasts feed X*K FMAs (9 + 5 for 25 at X = K = 5), where
// loading per tap would need 6 loads for 5 FMAs.
AVX2 INLINE void forward_window(
    int K, int X, long o, long y, long x0, long inC, long inH, long inW, long oh, long ow,
    const float *in, const float *weights, const float *bias, const bool *connected, float *out
) {
    __m256 acc[8];
    for (int x = 0; x < X; x++) acc[x] = _mm256_set1_ps(bias[o]);
    for (long i = 0; i < inC; i++) {
        if (!is_connected(connected, o, i, inC)) continue;
        for (int ky = 0; ky < K; ky++) {
            const float *row = in + ((i * inH + y + ky) * inW + x0) * 8;
            __m256 v[16];
            for (int j = 0; j < X + K - 1; j++) v[j] = _mm256_load_ps(row + j * 8);
            for (int kx = 0; kx < K; kx++) {
                const __m256 w = _mm256_broadcast_ss(weights + ((o * inC + i) * K + ky) * K + kx);
                for (int x = 0; x < X; x++) acc[x] = _mm256_fmadd_ps(w, v[x + kx], acc[x]);
            }
        }
    }
    for (int x = 0; x < X; x++) _mm256_store_ps(out + ((o * oh + y) * ow + x0 + x) * 8, acc[x]);
}

// Splits n columns into blocks of at most `most`, as even as possible: returns the block width.
static inline long block_width(long n, long most) {
    const long blocks = (n + most - 1) / most;
    return (n + blocks - 1) / blocks;
}

AVX2 static void forward_lanes(
    long inC, long outC, long inH, long inW, long k,
    const float *in, const float *weights, const float *bias, const bool *connected, float *out
) {
    const long oh = inH - k + 1, ow = inW - k + 1;
    // Blocks of three or two output maps when every map is connected; one map at a time under a
    // table (the maps of a block must read the same inputs).
    const int M = connected != NULL ? 1 : outC % 3 == 0 ? 3 : outC % 2 == 0 ? 2 : 1;
    if (M == 1 && k == 5) {
        const long width = block_width(ow, 5);
        for (long o = 0; o < outC; o++) {
            for (long y = 0; y < oh; y++) {
                for (long x0 = 0; x0 < ow; x0 += width) {
                    #define W(XX) forward_window(5, XX, o, y, x0, inC, inH, inW, oh, ow, in, weights, bias, connected, out)
                    switch (ow - x0 < width ? ow - x0 : width) {
                        case 1: W(1); break; case 2: W(2); break; case 3: W(3); break; case 4: W(4); break; default: W(5); break;
                    }
                    #undef W
                }
            }
        }
        return;
    }
    // 8 to 12 sums: fewer leave the FMAs waiting on their latency (C3's 10-wide rows in blocks of
    // 4, 4 and 2 had a 2-wide block of 4 sums).
    const long width = block_width(ow, M == 1 ? 8 : M == 2 ? 5 : 4);
    for (long o0 = 0; o0 < outC; o0 += M) {
        for (long y = 0; y < oh; y++) {
            for (long x0 = 0; x0 < ow; x0 += width) {
                const long X = ow - x0 < width ? ow - x0 : width;
                #define B(MM, XX) forward_block(MM, XX, o0, y, x0, inC, inH, inW, k, oh, ow, in, weights, bias, connected, out)
                #define XS(MM) switch (X) { case 1: B(MM, 1); break; case 2: B(MM, 2); break; case 3: B(MM, 3); break; \
                    default: B(MM, 4); break; }
                if (M == 3) { XS(3) }
                else if (M == 2) {
                    switch (X) { case 1: B(2, 1); break; case 2: B(2, 2); break; case 3: B(2, 3); break; case 4: B(2, 4); break;
                        default: B(2, 5); break; }
                }
                else switch (X) {
                    case 1: B(1, 1); break; case 2: B(1, 2); break; case 3: B(1, 3); break; case 4: B(1, 4); break;
                    case 5: B(1, 5); break; case 6: B(1, 6); break; case 7: B(1, 7); break; default: B(1, 8); break;
                }
                #undef XS
                #undef B
            }
        }
    }
}

AVX2 void lenet_avx2_convolution_forward_batch(
    long inC, long outC, long inH, long inW, long k, long batch,
    const float *input, const float *weights, const float *bias, const bool *connected, float *output
) {
    const long inCount = inC * inH * inW, outCount = outC * (inH - k + 1) * (inW - k + 1);
    float *inLanes = thread_scratch((size_t)(inCount + outCount) * 8), *outLanes = inLanes + inCount * 8;
    for (long b = 0; b < batch; b += 8) {
        const long count = batch - b < 8 ? batch - b : 8;
        to_lanes(input + b * inCount, count, inCount, inLanes);
        forward_lanes(inC, outC, inH, inW, k, inLanes, weights, bias, connected, outLanes);
        from_lanes(outLanes, count, outCount, output + b * outCount, false);
    }
}

// dW of (output map o[p], input map i) for P = 1 or 2 output maps at once, kernel row ky:
// per output position, P gradient loads and k input loads feed P * k FMAs.
AVX2 INLINE void weight_gradient_row(
    int P, int K, const long *o, long i, long ky, long inC, long inH, long inW, long oh, long ow,
    const float *in, const float *dOut, float *dW
) {
    // Each lane sums one sample's whole map, so rows are summed first and then added up: the
    // rounding error grows with oh + ow, not oh * ow. The row sums are added as vectors and
    // the lanes once at the end: a horizontal sum per row and tap had cost about as many
    // instructions as a 10-wide row's FMAs.
    __m256 total[2][8];
    for (int p = 0; p < P; p++) for (int kx = 0; kx < K; kx++) total[p][kx] = _mm256_setzero_ps();
    for (long y = 0; y < oh; y++) {
        __m256 acc[2][8];
        for (int p = 0; p < P; p++) for (int kx = 0; kx < K; kx++) acc[p][kx] = _mm256_setzero_ps();
        const float *row = in + ((i * inH + y + ky) * inW) * 8;
        for (long x = 0; x < ow; x++) {
            __m256 g[2];
            for (int p = 0; p < P; p++) g[p] = _mm256_load_ps(dOut + ((o[p] * oh + y) * ow + x) * 8);
            for (int kx = 0; kx < K; kx++) {
                const __m256 v = _mm256_load_ps(row + (x + kx) * 8);
                for (int p = 0; p < P; p++) acc[p][kx] = _mm256_fmadd_ps(g[p], v, acc[p][kx]);
            }
        }
        for (int p = 0; p < P; p++) for (int kx = 0; kx < K; kx++) total[p][kx] = _mm256_add_ps(total[p][kx], acc[p][kx]);
    }
    for (int p = 0; p < P; p++)
        for (int kx = 0; kx < K; kx++) dW[((o[p] * inC + i) * K + ky) * K + kx] += horizontal_sum(total[p][kx]);
}

// dIn[i, y, x0 ..< x0+X] = sum over connected o, valid ky and kx of w[o,i,ky,kx] * dOut[o, y-ky, x-kx]
// (K, X constants), as a scatter: each dOut vector of a row that reaches the block is loaded
// once and multiplied by the K weights of the kernel row into the columns it reaches, so only
// products that exist are computed. The gather form (the forward kernel over dOut padded by
// K-1 zero columns) computed inW / ow times as many, 1.4x for C3 and 1.5x for LeNet-1's C2,
// and wrote and cleared the padded copy.
AVX2 INLINE void input_gradient_block(
    int K, int X, long i, long y, long x0, long inC, long outC, long oh, long ow,
    const float *weights, const bool *connected, const float *dOut, float *dIn, long inH, long inW
) {
    // Column c takes its taps from consecutive dOut columns; two sums per column, for even and
    // odd kx, put two dOut columns between dependent FMAs (one sum was bound by FMA latency).
    __m256 acc[2][6];
    for (int x = 0; x < X; x++) acc[0][x] = acc[1][x] = _mm256_setzero_ps();
    const long kyFirst = y - (oh - 1) > 0 ? y - (oh - 1) : 0, kyEnd = y + 1 < K ? y + 1 : K;
    for (long o = 0; o < outC; o++) {
        if (!is_connected(connected, o, i, inC)) continue;
        for (long ky = kyFirst; ky < kyEnd; ky++) {
            const float *row = dOut + ((o * oh + y - ky) * ow) * 8, *w = weights + ((o * inC + i) * K + ky) * K;
            __m256 wv[8];
            for (int kx = 0; kx < K; kx++) wv[kx] = _mm256_broadcast_ss(w + kx);
            // dOut column x0 + j reaches block columns j ..< j + K.
            for (int j = 1 - K; j < X; j++) {
                if (x0 + j < 0 || x0 + j >= ow) continue;
                const __m256 g = _mm256_load_ps(row + (x0 + j) * 8);
                for (int kx = 0; kx < K; kx++)
                    if (j + kx >= 0 && j + kx < X) acc[kx & 1][j + kx] = _mm256_fmadd_ps(wv[kx], g, acc[kx & 1][j + kx]);
            }
        }
    }
    for (int x = 0; x < X; x++) _mm256_store_ps(dIn + ((i * inH + y) * inW + x0 + x) * 8, _mm256_add_ps(acc[0][x], acc[1][x]));
}

AVX2 static void backward_lanes(
    long inC, long outC, long inH, long inW, long k,
    const float *in, const float *weights, const bool *connected, const float *dOut,
    float *dW, float *dBias, float *dIn
) {
    const long oh = inH - k + 1, ow = inW - k + 1;
    for (long o = 0; o < outC; o++) {
        __m256 sum = _mm256_setzero_ps();
        for (long j = 0; j < oh * ow; j++) sum = _mm256_add_ps(sum, _mm256_load_ps(dOut + (o * oh * ow + j) * 8));
        dBias[o] += horizontal_sum(sum);
    }
    // For each input map, the output maps reading it, two at a time (the last one alone when odd).
    for (long i = 0; i < inC; i++) {
        long readers[2], n = 0;
        for (long o = 0; o <= outC; o++) {
            if (o < outC && is_connected(connected, o, i, inC)) readers[n++] = o;
            if (n == 2 || (o == outC && n == 1)) {
                for (long ky = 0; ky < k; ky++) {
                    switch (k) {
                        #define KS(K) case K: \
                            if (n == 2) weight_gradient_row(2, K, readers, i, ky, inC, inH, inW, oh, ow, in, dOut, dW); \
                            else weight_gradient_row(1, K, readers, i, ky, inC, inH, inW, oh, ow, in, dOut, dW); \
                            break
                        KS(1); KS(2); KS(3); KS(4); KS(5); KS(6); KS(7); KS(8);
                        #undef KS
                    }
                }
                n = 0;
            }
        }
    }
    if (dIn == NULL) return;
    // 2X sums, K weights and the dOut vector: at most 16 registers.
    const long width = block_width(inW, (15 - k) / 2 < 6 ? (15 - k) / 2 : 6);
    for (long i = 0; i < inC; i++) {
        for (long y = 0; y < inH; y++) {
            for (long x0 = 0; x0 < inW; x0 += width) {
                const long X = inW - x0 < width ? inW - x0 : width;
                #define G(KK, XX) input_gradient_block(KK, XX, i, y, x0, inC, outC, oh, ow, weights, connected, dOut, dIn, inH, inW)
                #define XS(KK) switch (X) { case 1: G(KK, 1); break; case 2: G(KK, 2); break; case 3: G(KK, 3); break; \
                    case 4: G(KK, 4); break; case 5: G(KK, 5); break; default: G(KK, 6); break; }
                switch (k) {
                    case 1: XS(1) break; case 2: XS(2) break; case 3: XS(3) break; case 4: XS(4) break;
                    case 5: XS(5) break; case 6: XS(6) break; case 7: XS(7) break; default: XS(8) break;
                }
                #undef XS
                #undef G
            }
        }
    }
}

AVX2 void lenet_avx2_convolution_backward_batch(
    long inC, long outC, long inH, long inW, long k, long batch,
    const float *input, const float *weights, const bool *connected, const float *outputGradient,
    float *weightGradient, float *biasGradient, float *inputGradient
) {
    const long oh = inH - k + 1, ow = inW - k + 1;
    const long inCount = inC * inH * inW, outCount = outC * oh * ow;
    float *inLanes = thread_scratch((size_t)(2 * inCount + outCount) * 8);
    float *dOutLanes = inLanes + inCount * 8, *dInLanes = dOutLanes + outCount * 8;
    for (long b = 0; b < batch; b += 8) {
        const long count = batch - b < 8 ? batch - b : 8;
        to_lanes(input + b * inCount, count, inCount, inLanes);
        to_lanes(outputGradient + b * outCount, count, outCount, dOutLanes);
        backward_lanes(inC, outC, inH, inW, k, inLanes, weights, connected, dOutLanes, weightGradient, biasGradient,
                       inputGradient ? dInLanes : NULL);
        if (inputGradient) from_lanes(dInLanes, count, inCount, inputGradient + b * inCount, true);
    }
}
#else
void lenet_avx2_convolution_forward_batch(long inC, long outC, long inH, long inW, long k, long batch,
    const float *input, const float *weights, const float *bias, const bool *connected, float *output) {}
void lenet_avx2_convolution_backward_batch(long inC, long outC, long inH, long inW, long k, long batch,
    const float *input, const float *weights, const bool *connected, const float *outputGradient,
    float *weightGradient, float *biasGradient, float *inputGradient) {}
#endif
