// Helpers shared by the kernel files (x86 only; each file includes this inside its x86 block).
#ifndef LENET_AVX2_COMMON_H
#define LENET_AVX2_COMMON_H

#include <immintrin.h>
#include <stdbool.h>
#include <stddef.h>

// Compiles a function for AVX2 + FMA whatever the build's flags; callable only after
// lenet_avx2_fma_available().
#define AVX2 __attribute__((target("avx2,fma")))
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

#endif
