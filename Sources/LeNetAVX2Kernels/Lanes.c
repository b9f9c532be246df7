// Convolution over a batch with eight (AVX2) or sixteen (AVX-512) samples side by side in every
// vector ("lanes" layout: value (c, y, x) of sample s at ((c * H + y) * W + x) * LANES + s).
// Every weight is broadcast and every vector is full whatever the map's width, with no edge
// blocks: C3's 10-wide maps waste no lanes, and a block of output maps shares each input vector
// it loads. The kernels are written once, in LanesTemplate.h, and instantiated here per width.
#include "LeNetAVX2Kernels.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include "Common.h"

// Growing buffers per thread, so a training step allocates nothing once warm (chunks run on
// whatever threads the worker pool picks; each uses its own thread's buffers, freed when the
// thread ends). Two per thread: the kernels' scratch, reused inside each call, and the one a
// network holds its lanes maps in from a chunk's forward to its backward.
enum { SCRATCH, NETWORK_LANES, BUFFERS };
static pthread_key_t buffer_keys[BUFFERS];
static pthread_once_t buffer_once = PTHREAD_ONCE_INIT;
typedef struct { float *values; size_t capacity; } Buffer;

static void buffer_free(void *p) {
    Buffer *b = p;
    free(b->values);
    free(b);
}
static void buffer_make_keys(void) {
    for (int k = 0; k < BUFFERS; k++) pthread_key_create(&buffer_keys[k], buffer_free);
}

static float *thread_buffer(int key, size_t count) {
    pthread_once(&buffer_once, buffer_make_keys);
    Buffer *b = pthread_getspecific(buffer_keys[key]);
    if (b == NULL) {
        b = calloc(1, sizeof(Buffer));
        if (b == NULL) abort();
        pthread_setspecific(buffer_keys[key], b);
    }
    if (b->capacity < count) {
        free(b->values);
        b->values = aligned_alloc(64, (count * sizeof(float) + 63) / 64 * 64);
        if (b->values == NULL) abort();
        b->capacity = count;
    }
    return b->values;
}

static float *thread_scratch(size_t count) { return thread_buffer(SCRATCH, count); }
float *lenet_thread_lanes_buffer(long count) { return thread_buffer(NETWORK_LANES, (size_t)count); }

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

// Splits n columns into blocks of at most `most`, as even as possible: returns the block width.
static inline long block_width(long n, long most) {
    const long blocks = (n + most - 1) / most;
    return (n + blocks - 1) / blocks;
}

// switch (X) over the block widths 1 ... MOST (at most 12), calling CALL(width) with a constant.
#define SWITCH_X_CASE(N, MOST, CALL) case N: if (N <= (MOST)) CALL(N); break;
#define SWITCH_X(X, MOST, CALL) switch (X) { \
    SWITCH_X_CASE(1, MOST, CALL) SWITCH_X_CASE(2, MOST, CALL) SWITCH_X_CASE(3, MOST, CALL) \
    SWITCH_X_CASE(4, MOST, CALL) SWITCH_X_CASE(5, MOST, CALL) SWITCH_X_CASE(6, MOST, CALL) \
    SWITCH_X_CASE(7, MOST, CALL) SWITCH_X_CASE(8, MOST, CALL) SWITCH_X_CASE(9, MOST, CALL) \
    SWITCH_X_CASE(10, MOST, CALL) SWITCH_X_CASE(11, MOST, CALL) SWITCH_X_CASE(12, MOST, CALL) }

// 8 lanes, 16 registers of 256 bits: blocks of at most 12 sums.
#define LANES 8
#define VEC __m256
#define TARGET AVX2
#define NAME(f) f##_8
#define vload _mm256_load_ps
#define vstore _mm256_store_ps
#define vfma _mm256_fmadd_ps
#define vbroadcast _mm256_broadcast_ss
#define vset1 _mm256_set1_ps
#define vzero _mm256_setzero_ps
#define vadd _mm256_add_ps
#define vhsum horizontal_sum
#define vactivate activate8
#define MOST_X 8
#define MOST_M3 4
#define MOST_M2 5
#define MOST_M1 8
#define MOST_WINDOW 5
#define MOST_DIN(k) ((15 - (k)) / 2 < 6 ? (15 - (k)) / 2 : 6)  // 2X sums, K weights and dOut in 16 registers
#define MOST_P 2
#define vmul _mm256_mul_ps
#define vmax _mm256_max_ps
#define vgradient activation_gradient8
#define MASK __m256
#define vequal(a, b) _mm256_cmp_ps(a, b, _CMP_EQ_OQ)
#define vfirst _mm256_andnot_ps
#define vor _mm256_or_ps
#define vtake _mm256_and_ps
#define vleave _mm256_andnot_ps
#include "LanesTemplate.h"
#include "LanesLayersTemplate.h"
#undef LANES
#undef VEC
#undef TARGET
#undef NAME
#undef vload
#undef vstore
#undef vfma
#undef vbroadcast
#undef vset1
#undef vzero
#undef vadd
#undef vhsum
#undef vactivate
#undef MOST_X
#undef MOST_M3
#undef MOST_M2
#undef MOST_M1
#undef MOST_WINDOW
#undef MOST_DIN
#undef MOST_P
#undef vmul
#undef vmax
#undef vgradient
#undef MASK
#undef vequal
#undef vfirst
#undef vor
#undef vtake
#undef vleave

// 16 lanes, 32 registers of 512 bits: blocks of up to 24 sums (two FMA units of 4 cycles'
// latency keep 8 in flight; wider blocks load each input vector for more of them).
#define LANES 16
#define VEC __m512
#define TARGET AVX512
#define NAME(f) f##_16
#define vload _mm512_load_ps
#define vstore _mm512_store_ps
#define vfma _mm512_fmadd_ps
#define vbroadcast(p) _mm512_set1_ps(*(p))
#define vset1 _mm512_set1_ps
#define vzero _mm512_setzero_ps
#define vadd _mm512_add_ps
#define vhsum _mm512_reduce_add_ps
#define vactivate activate16
#define MOST_X 12
#define MOST_M3 8
#define MOST_M2 10
#define MOST_M1 12
#define MOST_WINDOW 10
#define MOST_DIN(k) ((31 - (k)) / 2 < 12 ? (31 - (k)) / 2 : 12)
#define MOST_P 4
#define vmul _mm512_mul_ps
#define vmax _mm512_max_ps
#define vgradient activation_gradient16
#define MASK __mmask16
#define vequal(a, b) _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ)
#define vfirst(m, e) ((__mmask16)(~(m) & (e)))
#define vor(a, b) ((__mmask16)((a) | (b)))
#define vtake _mm512_maskz_mov_ps
#define vleave(m, g) _mm512_maskz_mov_ps((__mmask16)~(m), g)
#include "LanesTemplate.h"
#include "LanesLayersTemplate.h"

AVX2 void lenet_avx2_convolution_forward_batch(
    long inC, long outC, long inH, long inW, long k, long batch,
    const float *input, const float *weights, const float *bias, const bool *connected,
    const lenet_activation *activation, float *output
) {
    const long inCount = inC * inH * inW, outCount = outC * (inH - k + 1) * (inW - k + 1);
    for (long b = 0; b < batch; b += 8)
        forward_group_8(inC, outC, inH, inW, k, batch - b < 8 ? batch - b : 8, input + b * inCount, weights, bias,
                        connected, activation, output + b * outCount);
}

AVX2 void lenet_avx2_convolution_backward_batch(
    long inC, long outC, long inH, long inW, long k, long batch,
    const float *input, const float *weights, const bool *connected, const float *outputGradient,
    const float *activated, const lenet_activation *activation, float *weightGradient, float *biasGradient,
    float *inputGradient
) {
    const long inCount = inC * inH * inW, outCount = outC * (inH - k + 1) * (inW - k + 1);
    for (long b = 0; b < batch; b += 8)
        backward_group_8(inC, outC, inH, inW, k, batch - b < 8 ? batch - b : 8, input + b * inCount, weights, connected,
                         outputGradient + b * outCount, activated ? activated + b * outCount : NULL, activation,
                         weightGradient, biasGradient, inputGradient ? inputGradient + b * inCount : NULL);
}

// Groups of 16; a last group of 8 or fewer takes the 8-lane kernels rather than half-empty vectors.
AVX512 void lenet_avx512_convolution_forward_batch(
    long inC, long outC, long inH, long inW, long k, long batch,
    const float *input, const float *weights, const float *bias, const bool *connected,
    const lenet_activation *activation, float *output
) {
    const long inCount = inC * inH * inW, outCount = outC * (inH - k + 1) * (inW - k + 1);
    for (long b = 0; b < batch; b += 16) {
        const long count = batch - b < 16 ? batch - b : 16;
        if (count > 8)
            forward_group_16(inC, outC, inH, inW, k, count, input + b * inCount, weights, bias, connected, activation,
                             output + b * outCount);
        else
            forward_group_8(inC, outC, inH, inW, k, count, input + b * inCount, weights, bias, connected, activation,
                            output + b * outCount);
    }
}

AVX512 void lenet_avx512_convolution_backward_batch(
    long inC, long outC, long inH, long inW, long k, long batch,
    const float *input, const float *weights, const bool *connected, const float *outputGradient,
    const float *activated, const lenet_activation *activation, float *weightGradient, float *biasGradient,
    float *inputGradient
) {
    const long inCount = inC * inH * inW, outCount = outC * (inH - k + 1) * (inW - k + 1);
    for (long b = 0; b < batch; b += 16) {
        const long count = batch - b < 16 ? batch - b : 16;
        float *dIn = inputGradient ? inputGradient + b * inCount : NULL;
        if (count > 8)
            backward_group_16(inC, outC, inH, inW, k, count, input + b * inCount, weights, connected,
                              outputGradient + b * outCount, activated ? activated + b * outCount : NULL, activation,
                              weightGradient, biasGradient, dIn);
        else
            backward_group_8(inC, outC, inH, inW, k, count, input + b * inCount, weights, connected,
                             outputGradient + b * outCount, activated ? activated + b * outCount : NULL, activation,
                             weightGradient, biasGradient, dIn);
    }
}

// The lanes layers (lenet_lanes_layer): groups as the batch convolutions above form them, group
// b0 at offset b0 * size in every buffer.
static long lanes_output_size(const lenet_lanes_layer *layer) {
    if (layer->kind != LENET_LANES_CONVOLUTION) return layer->inC * (layer->inH / 2) * (layer->inW / 2);
    return layer->outC * (layer->inH - layer->k + 1) * (layer->inW - layer->k + 1);
}

// Each entry point's call for one group starting at sample b with `count` samples, in L lanes;
// the AVX2 ones run groups of 8, the AVX-512 ones groups of 16 with a last group of 8 or fewer
// in 8 lanes, as the batch convolutions do.
#define GROUPS_8(batch, CALL)                                 \
    for (long b = 0; b < (batch); b += 8) {                   \
        const long count = (batch) - b < 8 ? (batch) - b : 8; \
        CALL(8);                                              \
    }
#define GROUPS_16(batch, CALL)                                  \
    for (long b = 0; b < (batch); b += 16) {                    \
        const long count = (batch) - b < 16 ? (batch) - b : 16; \
        if (count > 8) { CALL(16); } else { CALL(8); }          \
    }
#define TO(L) to_lanes_##L(samples + b * size, activated ? activated + b * size : NULL, activation, count, size, lanes + b * size)
#define FROM(L) from_lanes_##L(lanes + b * size, count, size, samples + b * size, false)
#define FORWARD(L) layer_forward_##L(layer, input + b * inSize, output + b * outSize)
#define BACKWARD(L) layer_backward_##L(layer, count, input + b * inSize, output + b * outSize, outputGradient + b * outSize, \
                                       weightGradient, biasGradient, inputActivation,                               \
                                       inputGradient ? inputGradient + b * inSize : NULL)

AVX2 void lenet_avx2_to_lanes(long batch, long size, const float *samples, const float *activated,
                              const lenet_activation *activation, float *lanes) {
    GROUPS_8(batch, TO)
}

AVX2 void lenet_avx2_from_lanes(long batch, long size, const float *lanes, float *samples) { GROUPS_8(batch, FROM) }

AVX2 void lenet_avx2_lanes_forward(const lenet_lanes_layer *layer, long batch, const float *input, float *output) {
    const long inSize = layer->inC * layer->inH * layer->inW, outSize = lanes_output_size(layer);
    GROUPS_8(batch, FORWARD)
}

AVX2 void lenet_avx2_lanes_backward(
    const lenet_lanes_layer *layer, long batch, const float *input, const float *output, const float *outputGradient,
    float *weightGradient, float *biasGradient, const lenet_activation *inputActivation, float *inputGradient
) {
    const long inSize = layer->inC * layer->inH * layer->inW, outSize = lanes_output_size(layer);
    GROUPS_8(batch, BACKWARD)
}

AVX512 void lenet_avx512_to_lanes(long batch, long size, const float *samples, const float *activated,
                                  const lenet_activation *activation, float *lanes) {
    GROUPS_16(batch, TO)
}

AVX512 void lenet_avx512_from_lanes(long batch, long size, const float *lanes, float *samples) { GROUPS_16(batch, FROM) }

AVX512 void lenet_avx512_lanes_forward(const lenet_lanes_layer *layer, long batch, const float *input, float *output) {
    const long inSize = layer->inC * layer->inH * layer->inW, outSize = lanes_output_size(layer);
    GROUPS_16(batch, FORWARD)
}

AVX512 void lenet_avx512_lanes_backward(
    const lenet_lanes_layer *layer, long batch, const float *input, const float *output, const float *outputGradient,
    float *weightGradient, float *biasGradient, const lenet_activation *inputActivation, float *inputGradient
) {
    const long inSize = layer->inC * layer->inH * layer->inW, outSize = lanes_output_size(layer);
    GROUPS_16(batch, BACKWARD)
}
#undef TO
#undef FROM
#undef FORWARD
#undef BACKWARD
#else
float *lenet_thread_lanes_buffer(long count) { return NULL; }
void lenet_avx2_convolution_forward_batch(long inC, long outC, long inH, long inW, long k, long batch,
    const float *input, const float *weights, const float *bias, const bool *connected,
    const lenet_activation *activation, float *output) {}
void lenet_avx2_convolution_backward_batch(long inC, long outC, long inH, long inW, long k, long batch,
    const float *input, const float *weights, const bool *connected, const float *outputGradient,
    const float *activated, const lenet_activation *activation, float *weightGradient, float *biasGradient,
    float *inputGradient) {}
void lenet_avx512_convolution_forward_batch(long inC, long outC, long inH, long inW, long k, long batch,
    const float *input, const float *weights, const float *bias, const bool *connected,
    const lenet_activation *activation, float *output) {}
void lenet_avx512_convolution_backward_batch(long inC, long outC, long inH, long inW, long k, long batch,
    const float *input, const float *weights, const bool *connected, const float *outputGradient,
    const float *activated, const lenet_activation *activation, float *weightGradient, float *biasGradient,
    float *inputGradient) {}
void lenet_avx2_to_lanes(long batch, long size, const float *samples, const float *activated,
    const lenet_activation *activation, float *lanes) {}
void lenet_avx2_from_lanes(long batch, long size, const float *lanes, float *samples) {}
void lenet_avx512_to_lanes(long batch, long size, const float *samples, const float *activated,
    const lenet_activation *activation, float *lanes) {}
void lenet_avx512_from_lanes(long batch, long size, const float *lanes, float *samples) {}
void lenet_avx2_lanes_forward(const lenet_lanes_layer *layer, long batch, const float *input, float *output) {}
void lenet_avx512_lanes_forward(const lenet_lanes_layer *layer, long batch, const float *input, float *output) {}
void lenet_avx2_lanes_backward(const lenet_lanes_layer *layer, long batch, const float *input, const float *output,
    const float *outputGradient, float *weightGradient, float *biasGradient, const lenet_activation *inputActivation,
    float *inputGradient) {}
void lenet_avx512_lanes_backward(const lenet_lanes_layer *layer, long batch, const float *input, const float *output,
    const float *outputGradient, float *weightGradient, float *biasGradient, const lenet_activation *inputActivation,
    float *inputGradient) {}
#endif

long lenet_lanes_count(long batch, long size) { return (batch + 15) / 16 * 16 * size; }
