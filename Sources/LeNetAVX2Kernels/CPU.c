#include "LeNetAVX2Kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>

int lenet_avx2_fma_available(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const unsigned fma = 1u << 12, osxsave = 1u << 27, avx = 1u << 28;
    if ((c & (fma | osxsave | avx)) != (fma | osxsave | avx)) return 0;
    // XCR0 bits 1 and 2: the OS saves SSE and AVX (YMM) state across context switches.
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6) != 6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & (1u << 5)) != 0;  // AVX2
}

int lenet_avx512_available(void) {
    if (!lenet_avx2_fma_available()) return 0;
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || (b & (1u << 16)) == 0) return 0;  // AVX-512 F
    // XCR0 bits 5-7: the OS saves the mask registers and all 512 bits of the 32 vector registers.
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (lo & 0xE6) == 0xE6;
}

unsigned lenet_flush_denormals(void) {
    const unsigned old = _mm_getcsr();
    _mm_setcsr(old | 0x8040);  // FTZ (bit 15): denormal results become 0; DAZ (bit 6): denormal inputs read as 0
    return old;
}

void lenet_restore_float_mode(unsigned mode) { _mm_setcsr(mode); }

__attribute__((target("avx2,fma")))
float lenet_avx2_fma_probe(long iterations) {
    const __m256 x = _mm256_set1_ps(0.9999f), y = _mm256_set1_ps(1e-4f);
    __m256 a0 = _mm256_set1_ps(1), a1 = _mm256_set1_ps(2), a2 = _mm256_set1_ps(3), a3 = _mm256_set1_ps(4);
    __m256 a4 = _mm256_set1_ps(5), a5 = _mm256_set1_ps(6), a6 = _mm256_set1_ps(7), a7 = _mm256_set1_ps(8);
    for (long i = 0; i < iterations; i++) {
        a0 = _mm256_fmadd_ps(a0, x, y); a1 = _mm256_fmadd_ps(a1, x, y);
        a2 = _mm256_fmadd_ps(a2, x, y); a3 = _mm256_fmadd_ps(a3, x, y);
        a4 = _mm256_fmadd_ps(a4, x, y); a5 = _mm256_fmadd_ps(a5, x, y);
        a6 = _mm256_fmadd_ps(a6, x, y); a7 = _mm256_fmadd_ps(a7, x, y);
    }
    __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                             _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
    float lanes[8];
    _mm256_storeu_ps(lanes, s);
    return lanes[0] + lanes[1] + lanes[2] + lanes[3] + lanes[4] + lanes[5] + lanes[6] + lanes[7];
}

// The same chains in 512-bit vectors: flops = iterations * 8 * 16 * 2.
__attribute__((target("avx512f,fma")))
float lenet_avx512_fma_probe(long iterations) {
    const __m512 x = _mm512_set1_ps(0.9999f), y = _mm512_set1_ps(1e-4f);
    __m512 a[8];
    for (int j = 0; j < 8; j++) a[j] = _mm512_set1_ps((float)(j + 1));
    for (long i = 0; i < iterations; i++)
        for (int j = 0; j < 8; j++) a[j] = _mm512_fmadd_ps(a[j], x, y);
    for (int j = 1; j < 8; j++) a[0] = _mm512_add_ps(a[0], a[j]);
    return _mm512_reduce_add_ps(a[0]);
}
#else
unsigned lenet_flush_denormals(void) { return 0; }
void lenet_restore_float_mode(unsigned mode) { (void)mode; }
int lenet_avx2_fma_available(void) { return 0; }
int lenet_avx512_available(void) { return 0; }
float lenet_avx2_fma_probe(long iterations) { (void)iterations; return 0; }
float lenet_avx512_fma_probe(long iterations) { (void)iterations; return 0; }
#endif
