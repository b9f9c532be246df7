// AVX2 + FMA kernels for 32-bit floats, compiled without any build flag: each function carries
// __attribute__((target("avx2,fma"))) and may only be called when lenet_avx2_fma_available()
// says the CPU (and the operating system, for the 256-bit registers) supports them. The
// lenet_avx512_* functions carry target("avx512f,...") and need lenet_avx512_available().
// LeNetKernels dispatches to them and keeps its portable Swift SIMD kernels as the fallback.
// Layouts and meanings are those of the Swift kernels of the same name; every pointer argument
// carries its shape.
#ifndef LENET_AVX2_KERNELS_H
#define LENET_AVX2_KERNELS_H

#include <stdbool.h>
#include <stddef.h>

/// The activation a kernel applies to its own outputs, where it fuses one: in a forward
/// y = amplitude * tanh(slope * a) (LENET_SCALED_TANH, LeNet's squashing) or y = max(a, 0)
/// (LENET_RELU); in a backward dE/da from the saved y and dE/dy, (slope / amplitude)
/// (amplitude^2 - y^2) * dE/dy or dE/dy where y > 0. With the operations (and bits) of
/// lenet_avx2_scaled_tanh and its backward, and of the Swift ReLU loops.
enum { LENET_SCALED_TANH = 0, LENET_RELU = 1 };
typedef struct { int kind; float amplitude, slope; } lenet_activation;

/// 1 when AVX2 and FMA can run here: CPUID says so and XGETBV says the OS saves YMM state.
int lenet_avx2_fma_available(void);

/// 1 when AVX-512 F can run here as well: CPUID says so and XGETBV says the OS saves the 512-bit
/// registers and the mask registers. Only the batch convolutions (lenet_avx512_*) use it.
int lenet_avx512_available(void);

/// Makes this thread treat denormal floats as zero (x86 MXCSR FTZ + DAZ; nothing elsewhere) and
/// returns the previous mode for lenet_restore_float_mode.
unsigned lenet_flush_denormals(void);
void lenet_restore_float_mode(unsigned mode);

/// Eight independent 8-lane FMA chains, `iterations` times each; returns a checksum so the
/// loop is kept. Flops = iterations * 8 * 8 * 2.
float lenet_avx2_fma_probe(long iterations);

/// The same in 16-lane 512-bit vectors. Flops = iterations * 8 * 16 * 2.
float lenet_avx512_fma_probe(long iterations);

/// The "wide" layout both convolution kernels work in: an output map stored with its input's
/// row stride, n = y * inW + x, so the input under tap (ky, kx) of output n is in[n + ky*inW + kx]
/// and every tap is one contiguous run. Its length is (outH - 1) * inW + outW; the columns
/// x >= outW are computed and thrown away (forward) or zero (gradient).

/// out[o,y,x] = bias[o] + sum_{i connected to o} sum_{ky,kx} w[o,i,ky,kx] * in[i,y+ky,x+kx]
/// Requires a wide count >= 8.
void lenet_avx2_convolution_forward(
    long inC, long outC, long inH, long inW, long k,
    const float *input,       // [inC, inH, inW]
    const float *weights,     // [outC, inC, k, k]
    const float *bias,        // [outC]
    const bool *connected,    // [outC, inC] or NULL for all
    float *output,            // [outC, outH, outW]
    float *scratch);          // [2 * wide count]

/// dW[o,i,ky,kx] += sum_{y,x} dOut[o,y,x] * in[i,y+ky,x+kx] for connected (o, i), and
/// dBias[o] += sum_{y,x} dOut[o,y,x]. Requires a wide count >= 8 and k <= 8.
void lenet_avx2_convolution_weight_gradient(
    long inC, long outC, long inH, long inW, long k,
    const float *input,           // [inC, inH, inW]
    const bool *connected,        // [outC, inC] or NULL for all
    const float *outputGradient,  // [outC, outH, outW]
    float *weightGradient,        // [outC, inC, k, k], accumulated
    float *biasGradient,          // [outC], accumulated
    float *scratch);              // [2 * wide count]

/// dIn[i,y,x] += sum_{o,ky,kx} w[o,i,ky,kx] * dOut[o,y-ky,x-kx] over connected (o, i) and the
/// terms inside dOut, for one image (see Convolution.c). Requires k <= 8 and inH * inW >= 8.
void lenet_avx2_convolution_input_gradient(
    long inC, long outC, long inH, long inW, long k,
    const float *weights,         // [outC, inC, k, k]
    const bool *connected,        // [outC, inC] or NULL for all
    const float *outputGradient,  // [outC, outH, outW]
    float *inputGradient,         // [inC, inH, inW], accumulated
    float *scratch);              // lenet_convolution_input_gradient_scratch(...) bytes

/// The scratch lenet_avx2_convolution_input_gradient needs, in bytes.
long lenet_convolution_input_gradient_scratch(long inC, long outC, long inH, long inW, long k);

/// convolution forward over a batch, eight samples per 256-bit vector (the "lanes" layout, see
/// Lanes.c): the batch is transposed into it and back through a per-thread scratch buffer.
/// Same meaning as lenet_avx2_convolution_forward for each sample. Requires k <= 8. An activation
/// is applied to the sums in the registers that summed them (only y is stored), and taken off
/// dE/dy as it enters the lanes layout, so the activation layer after the convolution costs no
/// pass of its own over memory.
void lenet_avx2_convolution_forward_batch(
    long inC, long outC, long inH, long inW, long k, long batch,
    const float *input,       // [batch, inC, inH, inW]
    const float *weights,     // [outC, inC, k, k]
    const float *bias,        // [outC]
    const bool *connected,    // [outC, inC] or NULL for all
    const lenet_activation *activation,  // or NULL: then the outputs are not activated
    float *output);           // [batch, outC, outH, outW]

/// The gradients of a batch in the lanes layout: dW and dBias as
/// lenet_avx2_convolution_weight_gradient summed over the batch, and
/// dIn[b,i,y,x] += sum_{o,ky,kx} w[o,i,ky,kx] * dOut[b,o,y-ky,x-kx] when inputGradient is given.
/// Requires k <= 8.
void lenet_avx2_convolution_backward_batch(
    long inC, long outC, long inH, long inW, long k, long batch,
    const float *input,           // [batch, inC, inH, inW]
    const float *weights,         // [outC, inC, k, k]
    const bool *connected,        // [outC, inC] or NULL for all
    const float *outputGradient,  // [batch, outC, outH, outW]: dE/dy with activation, else dE/d(output)
    const float *activated,       // [batch, outC, outH, outW]: the activated outputs y, or NULL
    const lenet_activation *activation,  // NULL when activated is
    float *weightGradient,        // [outC, inC, k, k], accumulated
    float *biasGradient,          // [outC], accumulated
    float *inputGradient);        // [batch, inC, inH, inW], accumulated, or NULL

/// The two batch convolutions above with sixteen samples per 512-bit vector (a last group of 8
/// or fewer samples in 256-bit vectors). Per sample, forward and dIn do the same operations in
/// the same order as the AVX2 kernels; dW and dBias add the samples' sums in another order.
void lenet_avx512_convolution_forward_batch(
    long inC, long outC, long inH, long inW, long k, long batch,
    const float *input,       // [batch, inC, inH, inW]
    const float *weights,     // [outC, inC, k, k]
    const float *bias,        // [outC]
    const bool *connected,    // [outC, inC] or NULL for all
    const lenet_activation *activation,  // or NULL: then the outputs are not activated
    float *output);           // [batch, outC, outH, outW]

void lenet_avx512_convolution_backward_batch(
    long inC, long outC, long inH, long inW, long k, long batch,
    const float *input,           // [batch, inC, inH, inW]
    const float *weights,         // [outC, inC, k, k]
    const bool *connected,        // [outC, inC] or NULL for all
    const float *outputGradient,  // [batch, outC, outH, outW]: dE/dy with activation, else dE/d(output)
    const float *activated,       // [batch, outC, outH, outW]: the activated outputs y, or NULL
    const lenet_activation *activation,  // NULL when activated is
    float *weightGradient,        // [outC, inC, k, k], accumulated
    float *biasGradient,          // [outC], accumulated
    float *inputGradient);        // [batch, inC, inH, inW], accumulated, or NULL

/// A network's front (LeNet-5's C1 to S4) layer after layer in the lanes layout, without
/// leaving it between layers: the input goes into lanes once, the last layer's outputs come out
/// once, and every layer in between reads and writes lanes. The batch is in groups of L samples
/// (L = 16 on AVX-512, where a last group of 8 or fewer takes L = 8; L = 8 on AVX2): value j of
/// sample b0 + s of the group starting at sample b0 is at lanes[b0 * size + j * L + s], so a
/// batch takes lenet_lanes_count floats, 64-byte aligned. Lanes beyond the batch hold finite
/// values whose gradient is zero, so they add nothing to any sum. Each layer does what the batch
/// kernel of its kind does, operation for operation, so the results are the same bits.
enum { LENET_LANES_CONVOLUTION = 0, LENET_LANES_SUBSAMPLING = 1, LENET_LANES_AVERAGE_POOLING = 2, LENET_LANES_MAX_POOLING = 3 };
typedef struct {
    int kind;
    long inC, inH, inW;          // the input maps
    long outC, k;                // convolution: output maps and kernel size (the others: 2x2, outC = inC)
    const float *weights;        // convolution [outC, inC, k, k]; subsampling: its coefficients [inC]
    const float *bias;           // convolution [outC]; subsampling [inC]
    const bool *connected;       // convolution: [outC, inC] or NULL for all
    bool activates;              // whether `activation` is applied to the outputs (the forward's y)
    lenet_activation activation;
} lenet_lanes_layer;

/// Floats a batch of `size` values per sample takes in the lanes layout (either width).
long lenet_lanes_count(long batch, long size);

/// This thread's buffer for a network's lanes maps, 64-byte aligned, at least `count` floats:
/// the same memory on every call from this thread until one asks for more (then it is
/// reallocated, contents lost). Freed when the thread ends.
float *lenet_thread_lanes_buffer(long count);

/// samples [batch, size] into lanes, and back. With an activation, samples is dE/dy and
/// `activated` [batch, size] is y, and what goes into lanes is dE/da.
void lenet_avx2_to_lanes(long batch, long size, const float *samples, const float *activated,
                         const lenet_activation *activation, float *lanes);
void lenet_avx2_from_lanes(long batch, long size, const float *lanes, float *samples);
void lenet_avx512_to_lanes(long batch, long size, const float *samples, const float *activated,
                           const lenet_activation *activation, float *lanes);
void lenet_avx512_from_lanes(long batch, long size, const float *lanes, float *samples);

/// One layer forward, lanes to lanes: output = activation(layer(input)).
void lenet_avx2_lanes_forward(
    const lenet_lanes_layer *layer, long batch,
    const float *input,           // lanes of [batch, inC, inH, inW]
    float *output);               // lanes of [batch, outC, outH, outW]
void lenet_avx512_lanes_forward(const lenet_lanes_layer *layer, long batch, const float *input, float *output);

/// Its backward from dE/da (dE/d(output) before its activation, if it has one): dW, dBias
/// (convolution, subsampling) are added to; dIn is overwritten, with dE/d(the input before the
/// activation that produced it) when inputActivation is given (input holding that activation's y),
/// so that the layer below also starts from its dE/da and no layer takes a pass of its own for it.
void lenet_avx2_lanes_backward(
    const lenet_lanes_layer *layer, long batch,
    const float *input,           // lanes of [batch, inC, inH, inW]
    const float *output,          // lanes of [batch, outC, outH, outW], the forward's
    const float *outputGradient,  // lanes of [batch, outC, outH, outW], dE/da
    float *weightGradient,        // as weights, accumulated (NULL for the poolings)
    float *biasGradient,          // as bias, accumulated (NULL for the poolings)
    const lenet_activation *inputActivation,  // or NULL
    float *inputGradient);        // lanes of [batch, inC, inH, inW], or NULL
void lenet_avx512_lanes_backward(
    const lenet_lanes_layer *layer, long batch, const float *input, const float *output, const float *outputGradient,
    float *weightGradient, float *biasGradient, const lenet_activation *inputActivation, float *inputGradient);

/// output[b,r] = bias[r] + sum_c W[r,c] * input[b,c]: a fully connected layer over a batch.
void lenet_avx2_matrix_forward(
    long rows, long columns, long batch,
    const float *weights,     // [rows, columns]
    const float *bias,        // [rows] or NULL
    const float *input,       // [batch, columns]
    float *output);           // [batch, rows]

/// C[m,n] += sum_k A(m,k) * B[k,n], with A(m,k) = a[m * strideM + k * strideK] (so A or its
/// transpose, in place). A fully connected layer's backward is two of these:
/// dW[rows, columns] += G^T X and dX[batch, columns] += G W, G = the output gradient [batch, rows].
void lenet_avx2_multiply_accumulate(
    long M, long N, long K,
    const float *a,           // A(m,k) at a[m * strideM + k * strideK]
    long strideM, long strideK,
    const float *b,           // [K, N]
    float *c);                // [M, N], accumulated

/// The two above in 512-bit vectors (16 lanes): the same sums in another order.
void lenet_avx512_matrix_forward(
    long rows, long columns, long batch,
    const float *weights,     // [rows, columns]
    const float *bias,        // [rows] or NULL
    const float *input,       // [batch, columns]
    float *output);           // [batch, rows]
void lenet_avx512_multiply_accumulate(
    long M, long N, long K,
    const float *a,           // A(m,k) at a[m * strideM + k * strideK]
    long strideM, long strideK,
    const float *b,           // [K, N]
    float *c);                // [M, N], accumulated

/// Online SDLM on one sample of a fully connected layer, in one pass over its weights:
/// dX[c] += sum_r g[r] * W[r,c] with the weights before the step, then
/// W[r,c] -= (rate[r,c] * scale) * (g[r] * x[c]) and b[r] -= (biasRate[r] * scale) * g[r].
/// Bit for bit what lenet_avx2_multiply_accumulate (dW from zero, then dX) followed by
/// LeNetKernels' scaledStep computes, with a third of the passes over the weights.
void lenet_avx2_matrix_backward_step(
    long rows, long columns,
    const float *input,          // [columns]
    const float *outputGradient, // [rows]
    float *weights,              // [rows, columns], stepped
    float *bias,                 // [rows], stepped
    const float *weightRates,    // [rows, columns]
    const float *biasRates,      // [rows]
    float scale,
    float *inputGradient);       // [columns], accumulated, or NULL

/// LeNet-5's subsampling: out[p,y,x] = w[c] * (in[p,2y,2x] + in[p,2y,2x+1] + in[p,2y+1,2x] +
/// in[p,2y+1,2x+1]) + bias[c] for every plane p (sample and channel, c = p % channels), with
/// the operations of the Swift loop in its order (bit for bit).
void lenet_avx2_subsampling_forward(
    long planes, long channels, long inH, long inW,   // inH, inW even
    const float *input,          // [planes, inH, inW]
    const float *coefficients,   // [channels]
    const float *bias,           // [channels]
    const lenet_activation *activation,  // or NULL: then the outputs are not activated
    float *output);              // [planes, inH / 2, inW / 2]

/// The same in 512-bit vectors where it applies an activation (the same bits).
void lenet_avx512_subsampling_forward(
    long planes, long channels, long inH, long inW,
    const float *input, const float *coefficients, const float *bias, const lenet_activation *activation, float *output);

/// Its backward, with the operations of the Swift per-plane loop of LeNetKernels'
/// subsamplingBackward in their order (bit for bit): per plane, the unit sums s (the forward at
/// coefficient 1 and bias 0), squared when `squared`; dCoefficient[c] += lenet_avx2_dot(g, s),
/// dBias[c] += lenet_avx2_sum(g), and w * g (w^2 * g when `squared`) into all four inputs of
/// each unit. With an activation (not with `squared`), g = dE/da from the activated outputs y and
/// dE/dy. Planes of at most 4096 units.
void lenet_avx2_subsampling_backward(
    long planes, long channels, long inH, long inW,
    const float *input,           // [planes, inH, inW]
    const float *coefficients,    // [channels]
    const float *outputGradient,  // [planes, inH / 2, inW / 2]: dE/dy with activation, else dE/d(output)
    const float *activated,       // [planes, inH / 2, inW / 2]: the activated outputs y, or NULL
    const lenet_activation *activation,  // NULL when activated is
    bool squared,
    float *coefficientGradient,   // [channels], accumulated
    float *biasGradient,          // [channels], accumulated
    float *inputGradient);        // [planes, inH, inW], overwritten, or NULL

/// 2x2 pooling with stride 2 over `rows` output rows (every plane's rows, one after another),
/// output row r reading input rows 2r and 2r + 1; each does the Swift loop's operations in its
/// order (bit for bit). Max: out = max(a, b, c, d); its backward gives the output gradient to
/// the first input (row by row) equal to the output and 0 to the other three.
void lenet_avx2_max_pooling_forward(
    long rows, long inW,         // inW even
    const float *input,          // [rows, 2, inW]
    float *output);              // [rows, inW / 2]

void lenet_avx2_max_pooling_backward(
    long rows, long inW,
    const float *input,          // [rows, 2, inW]
    const float *output,         // [rows, inW / 2]
    const float *outputGradient, // [rows, inW / 2]
    float *inputGradient);       // [rows, 2, inW], overwritten

/// Average: out = (a + b + c + d) * 0.25; its backward writes g * share to all four inputs.
void lenet_avx2_average_pooling_forward(
    long rows, long inW,
    const float *input,          // [rows, 2, inW]
    float *output);              // [rows, inW / 2]

void lenet_avx2_average_pooling_backward(
    long rows, long inW,
    const float *outputGradient, // [rows, inW / 2]
    float share,
    float *inputGradient);       // [rows, 2, inW], overwritten

/// sum_i a[i] * b[i]
float lenet_avx2_dot(const float *a, const float *b, long n);  // a, b: [n]

/// sum_i a[i], in the order of LeNetKernels' portable `sum`: two 8-lane accumulators over
/// blocks of 16 (then one block of 8 into the first), their sum's lanes added first to last
/// from -0, then the last n % 8 values.
float lenet_avx2_sum(const float *a, long n);  // a: [n]

/// y[i] += alpha * x[i]
void lenet_avx2_axpy(float alpha, const float *x, float *y, long n);  // x, y: [n]

/// y[i] = amplitude * tanh(slope * x[i]), the rational approximation of the Swift tanh8.
void lenet_avx2_scaled_tanh(const float *x, float *y, long n, float amplitude, float slope);  // x, y: [n]
/// The same values in 512-bit vectors.
void lenet_avx512_scaled_tanh(const float *x, float *y, long n, float amplitude, float slope);  // x, y: [n]

/// The activation function's backward from its output y: d = factor * (amplitudeSquared - y * y),
/// dx[i] = d * g[i], or d * d * g[i] when squared (the curvature pass); no operation fused.
void lenet_avx2_scaled_tanh_backward(
    const float *y, const float *g, float *dx, long n,   // y, g, dx: [n]
    float factor, float amplitudeSquared, bool squared);
void lenet_avx512_scaled_tanh_backward(
    const float *y, const float *g, float *dx, long n,   // y, g, dx: [n]
    float factor, float amplitudeSquared, bool squared);

#endif
