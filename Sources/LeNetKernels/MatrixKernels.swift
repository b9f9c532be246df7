import LeNetAVX2Kernels

/// Dense kernels for fully connected layers over a batch, row-major `W[rows, columns]`
/// (PyTorch's `nn.Linear.weight` layout: rows are outputs), samples one after another.
///
/// AVX2 + FMA: the batch is what makes these fast. One sample at a time, every weight is read
/// from cache for one multiply-add (C5's 192 KB of weights and as much gradient streamed per
/// image); over a batch each weight loaded feeds several samples. Forward is tiles of 4 rows x
/// 2 samples of dot products; both halves of backward are one register-tiled multiply-accumulate
/// (3 rows x 32 columns of accumulators). Portable SIMD: one sample at a time.

/// y[b,r] = bias[r] + Σ_c W[r,c] · x[b,c]
@inlinable
public func matrixForward<S: BinaryFloatingPoint & SIMDScalar>(
    rows: Int, columns: Int, batch: Int,
    weights: UnsafePointer<S>,        // [rows, columns]
    bias: UnsafePointer<S>?,          // [rows] or nil
    input: UnsafePointer<S>,          // [batch, columns]
    output: UnsafeMutablePointer<S>,  // [batch, rows]
    path: KernelPath = .best
) {
    if path.usesAVX2(for: S.self) {
        let run = path == .avx512 ? lenet_avx512_matrix_forward : lenet_avx2_matrix_forward
        return run(rows, columns, batch, floats(weights), bias.map(floats), floats(input), floats(output))
    }
    for b in 0..<batch {
        for r in 0..<rows {
            output[b * rows + r] = dot(weights + r * columns, input + b * columns, count: columns, path: path) + (bias?[r] ?? 0)
        }
    }
}

/// dW[r,c] += Σ_b g[b,r] · x[b,c];  db[r] += Σ_b g[b,r];  dx[b,c] += Σ_r g[b,r] · W[r,c]  (dx when given).
@inlinable
public func matrixBackward<S: BinaryFloatingPoint & SIMDScalar>(
    rows: Int, columns: Int, batch: Int,
    weights: UnsafePointer<S>,                    // [rows, columns]
    input: UnsafePointer<S>,                      // [batch, columns]
    outputGradient: UnsafePointer<S>,             // [batch, rows]
    weightGradient: UnsafeMutablePointer<S>,      // [rows, columns], accumulated
    biasGradient: UnsafeMutablePointer<S>?,       // [rows], accumulated
    inputGradient: UnsafeMutablePointer<S>?,      // [batch, columns], accumulated
    path: KernelPath = .best
) {
    if let db = biasGradient {
        for b in 0..<batch {
            for r in 0..<rows { db[r] += outputGradient[b * rows + r] }
        }
    }
    if path.usesAVX2(for: S.self) {
        let g = floats(outputGradient)
        let multiplyAccumulate = path == .avx512 ? lenet_avx512_multiply_accumulate : lenet_avx2_multiply_accumulate
        // dW = Gᵀ X: A(r, b) = g[b * rows + r].
        multiplyAccumulate(rows, columns, batch, g, 1, rows, floats(input), floats(weightGradient))
        // dX = G W: A(b, r) = g[b * rows + r].
        if let dx = inputGradient { multiplyAccumulate(batch, columns, rows, g, rows, 1, floats(weights), floats(dx)) }
        return
    }
    for b in 0..<batch {
        for r in 0..<rows {
            let g = outputGradient[b * rows + r]
            axpy(g, input + b * columns, weightGradient + r * columns, count: columns, path: path)
            if let dx = inputGradient { axpy(g, weights + r * columns, dx + b * columns, count: columns, path: path) }
        }
    }
}

/// Online SDLM's step on one sample, inside backward: dx[c] += Σ_r g[r] · W[r,c] (the weights
/// before the step), then W[r,c] -= (rate[r,c] · s) · (g[r] · x[c]) and b[r] -= (rate_b[r] · s) · g[r].
///
/// Bit for bit ``matrixBackward(rows:columns:batch:weights:input:outputGradient:weightGradient:biasGradient:inputGradient:path:)``
/// into a zeroed gradient followed by ``scaledStep(_:rates:gradient:scale:count:)``, in one pass
/// over the weights instead of three (dW written, then read back with the weights and the
/// rates); for LeNet-5 that is C5 and F6, 58,000 of its 60,000 parameters.
@inlinable
public func matrixBackwardStep<S: BinaryFloatingPoint & SIMDScalar>(
    rows: Int, columns: Int,
    input: UnsafePointer<S>,                  // [columns]
    outputGradient: UnsafePointer<S>,         // [rows]
    weights: UnsafeMutablePointer<S>,         // [rows, columns], stepped
    bias: UnsafeMutablePointer<S>,            // [rows], stepped
    weightRates: UnsafePointer<S>,            // [rows, columns]
    biasRates: UnsafePointer<S>,              // [rows]
    scale s: S,
    inputGradient: UnsafeMutablePointer<S>?,  // [columns], accumulated
    path: KernelPath = .best
) {
    if path.usesAVX2(for: S.self) {
        lenet_avx2_matrix_backward_step(rows, columns, floats(input), floats(outputGradient), floats(weights), floats(bias),
                                        floats(weightRates), floats(biasRates), unsafeBitCast(s, to: Float.self),
                                        inputGradient.map(floats))
        return
    }
    // The portable matrixBackward's operations (axpy into a zeroed gradient), then scaledStep's.
    for r in 0..<rows {
        let g = outputGradient[r], w = weights + r * columns, rate = weightRates + r * columns
        if let dx = inputGradient { axpy(g, w, dx, count: columns, path: path) }
        for c in 0..<columns { w[c] -= rate[c] * s * (0 + g * input[c]) }
        bias[r] -= biasRates[r] * s * (0 + g)
    }
}

/// The plain reference for ``matrixForward(rows:columns:batch:weights:bias:input:output:path:)``.
@inlinable
public func matrixForwardNaive<S: BinaryFloatingPoint>(
    rows: Int, columns: Int, batch: Int, weights: UnsafePointer<S>, bias: UnsafePointer<S>?, input: UnsafePointer<S>,
    output: UnsafeMutablePointer<S>
) {
    for b in 0..<batch {
        for r in 0..<rows {
            var sum = bias?[r] ?? 0
            for c in 0..<columns { sum += weights[r * columns + c] * input[b * columns + c] }
            output[b * rows + r] = sum
        }
    }
}

/// The plain reference for ``matrixBackward(rows:columns:batch:weights:input:outputGradient:weightGradient:biasGradient:inputGradient:path:)``.
@inlinable
public func matrixBackwardNaive<S: BinaryFloatingPoint>(
    rows: Int, columns: Int, batch: Int, weights: UnsafePointer<S>, input: UnsafePointer<S>, outputGradient: UnsafePointer<S>,
    weightGradient: UnsafeMutablePointer<S>, biasGradient: UnsafeMutablePointer<S>?, inputGradient: UnsafeMutablePointer<S>?
) {
    for b in 0..<batch {
        for r in 0..<rows {
            let g = outputGradient[b * rows + r]
            biasGradient?[r] += g
            for c in 0..<columns {
                weightGradient[r * columns + c] += g * input[b * columns + c]
                inputGradient?[b * columns + c] += g * weights[r * columns + c]
            }
        }
    }
}
