// Helpers shared by the kernel files (x86 only; each file includes this inside its x86 block).
#ifndef LENET_AVX2_COMMON_H
#define LENET_AVX2_COMMON_H

#include <immintrin.h>
#include <stdbool.h>
#include <stddef.h>

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

#endif
