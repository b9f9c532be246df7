#include "LeNetAVX2Kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include "Common.h"

// The Swift loop's operations in its order, ((a + b) + c) + d, then w * s + bias unfused
// (intrinsics, and separate statements in the tail, which clang does not contract).
AVX2 void lenet_avx2_subsampling_forward(
    long planes, long channels, long inH, long inW,
    const float *input, const float *coefficients, const float *bias, float *output
) {
    const long oh = inH / 2, ow = inW / 2;
    for (long p = 0; p < planes; p++) {
        const long c = p % channels;
        const float w = coefficients[c], b = bias[c];
        const __m256 wv = _mm256_set1_ps(w), bv = _mm256_set1_ps(b);
        const float *src = input + p * inH * inW;
        float *dst = output + p * oh * ow;
        for (long y = 0; y < oh; y++) {
            const float *r0 = src + 2 * y * inW, *r1 = r0 + inW;
            float *out = dst + y * ow;
            long x = 0;
            for (; x + 8 <= ow; x += 8) {
                __m256 e0, o0, e1, o1;
                split_even_odd(r0 + 2 * x, &e0, &o0);
                split_even_odd(r1 + 2 * x, &e1, &o1);
                const __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(e0, o0), e1), o1);
                _mm256_storeu_ps(out + x, _mm256_add_ps(_mm256_mul_ps(wv, s), bv));
            }
            for (; x < ow; x++) {
                const float s = r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1];
                const float m = w * s;
                out[x] = m + b;
            }
        }
    }
}
#else
void lenet_avx2_subsampling_forward(long planes, long channels, long inH, long inW,
    const float *input, const float *coefficients, const float *bias, float *output) {}
#endif
