/// Dense matrix-vector kernels for fully connected layers, row-major `W[rows, columns]`
/// (PyTorch's `nn.Linear.weight` layout: rows are outputs).

/// y[r] = b[r] + Σ_c W[r,c] · x[c]
@inlinable
public func matrixVectorForward<S: BinaryFloatingPoint & SIMDScalar>(
    rows: Int, columns: Int,
    weights: UnsafePointer<S>,        // [rows, columns]
    bias: UnsafePointer<S>?,          // [rows] or nil
    input: UnsafePointer<S>,          // [columns]
    output: UnsafeMutablePointer<S>,  // [rows]
    path: KernelPath = .best
) {
    for r in 0..<rows {
        output[r] = dot(weights + r * columns, input, count: columns, path: path) + (bias?[r] ?? 0)
    }
}

/// dW[r,c] += g[r] · x[c];  db[r] += g[r];  dx[c] += Σ_r W[r,c] · g[r]  (dx when given).
@inlinable
public func matrixVectorBackward<S: BinaryFloatingPoint & SIMDScalar>(
    rows: Int, columns: Int,
    weights: UnsafePointer<S>,                    // [rows, columns]
    input: UnsafePointer<S>,                      // [columns]
    outputGradient: UnsafePointer<S>,             // [rows]
    weightGradient: UnsafeMutablePointer<S>,      // [rows, columns], accumulated
    biasGradient: UnsafeMutablePointer<S>?,       // [rows], accumulated
    inputGradient: UnsafeMutablePointer<S>?,      // [columns], accumulated
    path: KernelPath = .best
) {
    for r in 0..<rows {
        let g = outputGradient[r]
        biasGradient?[r] += g
        axpy(g, input, weightGradient + r * columns, count: columns, path: path)
        if let dx = inputGradient { axpy(g, weights + r * columns, dx, count: columns, path: path) }
    }
}

/// The plain reference for ``matrixVectorForward``.
@inlinable
public func matrixVectorForwardNaive<S: BinaryFloatingPoint>(
    rows: Int, columns: Int, weights: UnsafePointer<S>, bias: UnsafePointer<S>?, input: UnsafePointer<S>,
    output: UnsafeMutablePointer<S>
) {
    for r in 0..<rows {
        var sum = bias?[r] ?? 0
        for c in 0..<columns { sum += weights[r * columns + c] * input[c] }
        output[r] = sum
    }
}
