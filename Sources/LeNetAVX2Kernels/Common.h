// Helpers shared by the kernel files (x86 only; each file includes this inside its x86 block).
#ifndef LENET_AVX2_COMMON_H
#define LENET_AVX2_COMMON_H

#include <immintrin.h>
#include <stdbool.h>
#include <stddef.h>
#include "LeNetAVX2Kernels.h"

// Compiles a function for AVX2 + FMA whatever the build's flags; callable only after
// lenet_avx2_fma_available().
#define AVX2 __attribute__((target("avx2,fma")))
// The same for AVX-512 (foundation), callable only after lenet_avx512_available().
#define AVX512 __attribute__((target("avx512f,avx2,fma")))
// For kernels taking block sizes as arguments: inlined into a call with constants, their
// accumulator arrays become registers.
#define INLINE static inline __attribute__((always_inline))

static inline bool is_connected(const bool *connected, long o, long i, long inC) {
    return connected == NULL || connected[o * inC + i];
}

AVX2 static inline float horizontal_sum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// Sixteen inputs of a row as their 8 even and 8 odd columns, in order: within each 128-bit
// half the shuffle takes a's then b's pairs, and the 64-bit permute puts the halves in place.
AVX2 static inline void split_even_odd(const float *row, __m256 *even, __m256 *odd) {
    const __m256 a = _mm256_loadu_ps(row), b = _mm256_loadu_ps(row + 8);
    *even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0x88)), 0xD8));
    *odd = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0xDD)), 0xD8));
}

// The Swift tanh8: odd degree-13 over even degree-6 rational minimax on [-7.905, 7.905],
// x itself where |x| < 4e-4. The rational part is written once for both vector widths (P is
// the intrinsics' prefix, _mm256 or _mm512); it declares p and q, tanh = p / q.
#define TANH_RATIONAL(P, VEC, v)                                                           \
    const VEC clamp = P##_set1_ps(7.90531110763549805f);                                 \
    const VEC x = P##_max_ps(P##_min_ps(v, clamp), P##_sub_ps(P##_setzero_ps(), clamp)); \
    const VEC x2 = P##_mul_ps(x, x);                                                     \
    VEC p = P##_set1_ps(-2.76076847742355e-16f);                                         \
    p = P##_fmadd_ps(p, x2, P##_set1_ps(2.00018790482477e-13f));                         \
    p = P##_fmadd_ps(p, x2, P##_set1_ps(-8.60467152213735e-11f));                        \
    p = P##_fmadd_ps(p, x2, P##_set1_ps(5.12229709037114e-08f));                         \
    p = P##_fmadd_ps(p, x2, P##_set1_ps(1.48572235717979e-05f));                         \
    p = P##_fmadd_ps(p, x2, P##_set1_ps(6.37261928875436e-04f));                         \
    p = P##_fmadd_ps(p, x2, P##_set1_ps(4.89352455891786e-03f));                         \
    p = P##_mul_ps(p, x);                                                                \
    VEC q = P##_set1_ps(1.19825839466702e-06f);                                          \
    q = P##_fmadd_ps(q, x2, P##_set1_ps(1.18534705686654e-04f));                         \
    q = P##_fmadd_ps(q, x2, P##_set1_ps(2.26843463243900e-03f));                         \
    q = P##_fmadd_ps(q, x2, P##_set1_ps(4.89352518554385e-03f));

AVX2 static inline __m256 tanh8(__m256 v) {
    TANH_RATIONAL(_mm256, __m256, v)
    const __m256 small = _mm256_cmp_ps(_mm256_andnot_ps(_mm256_set1_ps(-0.0f), v), _mm256_set1_ps(0.0004f), _CMP_LT_OQ);
    return _mm256_blendv_ps(_mm256_div_ps(p, q), v, small);
}

// tanh8's operations in 512-bit vectors: the same values bit for bit.
AVX512 static inline __m512 tanh16(__m512 v) {
    TANH_RATIONAL(_mm512, __m512, v)
    const __mmask16 small = _mm512_cmp_ps_mask(_mm512_abs_ps(v), _mm512_set1_ps(0.0004f), _CMP_LT_OQ);
    return _mm512_mask_blend_ps(small, _mm512_div_ps(p, q), v);
}

// The activation a kernel applies to its outputs: y = amplitude * tanh(slope * a), the
// operations of lenet_avx2_scaled_tanh, or y = max(a, 0), which is a > 0 ? a : 0 as the Swift
// loop writes it. Fused into a kernel's stores they give the activation layer's bits.
AVX2 static inline __m256 activate8(__m256 a, const lenet_activation *f) {
    if (f->kind == LENET_RELU) return _mm256_max_ps(a, _mm256_setzero_ps());
    return _mm256_mul_ps(_mm256_set1_ps(f->amplitude), tanh8(_mm256_mul_ps(_mm256_set1_ps(f->slope), a)));
}
AVX2 static inline float activate1(float a, const lenet_activation *f) { return _mm256_cvtss_f32(activate8(_mm256_set1_ps(a), f)); }
AVX512 static inline __m512 activate16(__m512 a, const lenet_activation *f) {
    if (f->kind == LENET_RELU) return _mm512_max_ps(a, _mm512_setzero_ps());
    return _mm512_mul_ps(_mm512_set1_ps(f->amplitude), tanh16(_mm512_mul_ps(_mm512_set1_ps(f->slope), a)));
}

// dE/da from y and dE/dy: (slope / amplitude)(amplitude² - y²) · dE/dy with
// lenet_avx2_scaled_tanh_backward's operations in its order, none fused; for ReLU dE/dy where
// y > 0 (as a > 0 there) and +0 elsewhere, the Swift loop's select.
AVX2 static inline __m256 activation_gradient8(__m256 y, __m256 g, const lenet_activation *f) {
    if (f->kind == LENET_RELU) return _mm256_and_ps(_mm256_cmp_ps(y, _mm256_setzero_ps(), _CMP_GT_OQ), g);
    const __m256 k = _mm256_set1_ps(f->slope / f->amplitude), a2 = _mm256_set1_ps(f->amplitude * f->amplitude);
    return _mm256_mul_ps(_mm256_mul_ps(k, _mm256_sub_ps(a2, _mm256_mul_ps(y, y))), g);
}
AVX512 static inline __m512 activation_gradient16(__m512 y, __m512 g, const lenet_activation *f) {
    if (f->kind == LENET_RELU) return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(y, _mm512_setzero_ps(), _CMP_GT_OQ), g);
    const __m512 k = _mm512_set1_ps(f->slope / f->amplitude), a2 = _mm512_set1_ps(f->amplitude * f->amplitude);
    return _mm512_mul_ps(_mm512_mul_ps(k, _mm512_sub_ps(a2, _mm512_mul_ps(y, y))), g);
}
static inline float activation_gradient1(float y, float g, const lenet_activation *f) {
    if (f->kind == LENET_RELU) return y > 0 ? g : 0;
    const float k = f->slope / f->amplitude, a2 = f->amplitude * f->amplitude;
    const float yy = y * y, e = a2 - yy, d = k * e;
    return d * g;
}

#endif
