#include "LeNetAVX2Kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include "Common.h"

AVX2 float lenet_avx2_dot(const float *a, const float *b, long n) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    long i = 0;
    for (; i + 32 <= n; i += 32) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
        acc2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), acc2);
        acc3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), acc3);
    }
    for (; i + 8 <= n; i += 8) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    float sum = horizontal_sum(_mm256_add_ps(_mm256_add_ps(acc0, acc1), _mm256_add_ps(acc2, acc3)));
    for (; i < n; i++) sum += a[i] * b[i];
    return sum;
}

AVX2 float lenet_avx2_sum(const float *a, long n) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = acc0;
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        acc0 = _mm256_add_ps(acc0, _mm256_loadu_ps(a + i));
        acc1 = _mm256_add_ps(acc1, _mm256_loadu_ps(a + i + 8));
    }
    if (i + 8 <= n) {
        acc0 = _mm256_add_ps(acc0, _mm256_loadu_ps(a + i));
        i += 8;
    }
    float lanes[8], total = -0.0f;
    _mm256_storeu_ps(lanes, _mm256_add_ps(acc0, acc1));
    for (int j = 0; j < 8; j++) total += lanes[j];
    for (; i < n; i++) total += a[i];
    return total;
}

AVX2 void lenet_avx2_axpy(float alpha, const float *x, float *y, long n) {
    const __m256 a = _mm256_set1_ps(alpha);
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(a, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; i++) y[i] += alpha * x[i];
}

AVX2 void lenet_avx2_scaled_tanh(const float *x, float *y, long n, float amplitude, float slope) {
    const __m256 a = _mm256_set1_ps(amplitude), s = _mm256_set1_ps(slope);
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(a, tanh8(_mm256_mul_ps(s, _mm256_loadu_ps(x + i)))));
    if (i < n) {
        // The tail through a zero-padded vector: same arithmetic, no reads past the end.
        float tail[8] = {0};
        for (long j = 0; j < n - i; j++) tail[j] = x[i + j];
        _mm256_storeu_ps(tail, _mm256_mul_ps(a, tanh8(_mm256_mul_ps(s, _mm256_loadu_ps(tail)))));
        for (long j = 0; j < n - i; j++) y[i + j] = tail[j];
    }
}

// The tail as a masked vector: zeros in the lanes past the end, as the 8-lane tail pads.
AVX512 void lenet_avx512_scaled_tanh(const float *x, float *y, long n, float amplitude, float slope) {
    const __m512 a = _mm512_set1_ps(amplitude), s = _mm512_set1_ps(slope);
    for (long i = 0; i < n; i += 16) {
        const __mmask16 m = n - i >= 16 ? 0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(a, tanh16(_mm512_mul_ps(s, _mm512_maskz_loadu_ps(m, x + i)))));
    }
}

// d = factor * (A² - y * y); dx = d * g, or d * d * g: the Swift loop's operations in its order,
// none fused (so every path gives the same bits).
AVX2 void lenet_avx2_scaled_tanh_backward(const float *y, const float *g, float *dx, long n, float factor,
                                          float amplitudeSquared, bool squared) {
    const __m256 k = _mm256_set1_ps(factor), a2 = _mm256_set1_ps(amplitudeSquared);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_loadu_ps(y + i);
        __m256 d = _mm256_mul_ps(k, _mm256_sub_ps(a2, _mm256_mul_ps(v, v)));
        if (squared) d = _mm256_mul_ps(d, d);
        _mm256_storeu_ps(dx + i, _mm256_mul_ps(d, _mm256_loadu_ps(g + i)));
    }
    for (; i < n; i++) {
        const float yy = y[i] * y[i], e = amplitudeSquared - yy, d = factor * e, dd = squared ? d * d : d;
        dx[i] = dd * g[i];
    }
}

AVX512 void lenet_avx512_scaled_tanh_backward(const float *y, const float *g, float *dx, long n, float factor,
                                              float amplitudeSquared, bool squared) {
    const __m512 k = _mm512_set1_ps(factor), a2 = _mm512_set1_ps(amplitudeSquared);
    for (long i = 0; i < n; i += 16) {
        const __mmask16 m = n - i >= 16 ? 0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        const __m512 v = _mm512_maskz_loadu_ps(m, y + i);
        __m512 d = _mm512_mul_ps(k, _mm512_sub_ps(a2, _mm512_mul_ps(v, v)));
        if (squared) d = _mm512_mul_ps(d, d);
        _mm512_mask_storeu_ps(dx + i, m, _mm512_mul_ps(d, _mm512_maskz_loadu_ps(m, g + i)));
    }
}
#else
float lenet_avx2_dot(const float *a, const float *b, long n) { return 0; }
float lenet_avx2_sum(const float *a, long n) { return 0; }
void lenet_avx2_axpy(float alpha, const float *x, float *y, long n) {}
void lenet_avx2_scaled_tanh(const float *x, float *y, long n, float amplitude, float slope) {}
void lenet_avx512_scaled_tanh(const float *x, float *y, long n, float amplitude, float slope) {}
void lenet_avx2_scaled_tanh_backward(const float *y, const float *g, float *dx, long n, float factor,
                                     float amplitudeSquared, bool squared) {}
void lenet_avx512_scaled_tanh_backward(const float *y, const float *g, float *dx, long n, float factor,
                                       float amplitudeSquared, bool squared) {}
#endif
