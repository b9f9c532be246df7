import LeNetAVX2Kernels

/// Parameter-free 2x2 pooling with stride 2, by maximum or average, forward and backward. Every
/// plane is a whole number of rows, so a batch is one sequence of `rows` output rows, output row
/// r reading input rows 2r and 2r + 1. In plain Swift the stride-2 reads keep the loops scalar,
/// and the max-pooling backward's selects were 22% of lenet5-modern's backward time at batch 64;
/// the AVX2 kernels split a row into even and odd columns with shuffles and do the loops'
/// operations in their order, so both paths give the same bits.

/// maximum: out[r,x] = max(in[r,0,2x], in[r,0,2x+1], in[r,1,2x], in[r,1,2x+1]);
/// average: out[r,x] = (in[r,0,2x] + in[r,0,2x+1] + in[r,1,2x] + in[r,1,2x+1]) · 1/4
@inlinable
public func poolingForward<S: BinaryFloatingPoint & SIMDScalar>(
    maximum: Bool,
    rows: Int, width: Int,                   // output rows; input width, even
    input: UnsafePointer<S>,                 // [rows, 2, width]
    output: UnsafeMutablePointer<S>,         // [rows, width / 2]
    path: KernelPath = .best
) {
    if path.usesAVX2(for: S.self) {
        if maximum {
            lenet_avx2_max_pooling_forward(rows, width, floats(input), floats(output))
        } else {
            lenet_avx2_average_pooling_forward(rows, width, floats(input), floats(output))
        }
        return
    }
    poolingForwardNaive(maximum: maximum, rows: rows, width: width, input: input, output: output)
}

/// The plain reference for ``poolingForward(maximum:rows:width:input:output:path:)``, and the portable path.
@inlinable
public func poolingForwardNaive<S: BinaryFloatingPoint>(
    maximum: Bool, rows: Int, width: Int, input: UnsafePointer<S>, output: UnsafeMutablePointer<S>
) {
    let ow = width / 2
    for r in 0..<rows {
        let r0 = input + 2 * r * width, r1 = r0 + width, dst = output + r * ow
        if maximum {
            for x in 0..<ow {
                let a = r0[2 * x], b = r0[2 * x + 1], c = r1[2 * x], d = r1[2 * x + 1]
                let ab = a > b ? a : b, cd = c > d ? c : d
                dst[x] = ab > cd ? ab : cd
            }
        } else {
            for x in 0..<ow { dst[x] = (r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1]) * 0.25 }
        }
    }
}

/// dx = g at the first input (row by row) equal to the pooled maximum, 0 at the other three.
/// The derivative is 0 or 1, so the curvature pass (f'² g) uses it too.
@inlinable
public func maxPoolingBackward<S: BinaryFloatingPoint & SIMDScalar>(
    rows: Int, width: Int,
    input: UnsafePointer<S>,                 // [rows, 2, width]
    output: UnsafePointer<S>,                // [rows, width / 2], the forward's
    outputGradient: UnsafePointer<S>,        // [rows, width / 2]
    inputGradient: UnsafeMutablePointer<S>,  // [rows, 2, width], overwritten
    path: KernelPath = .best
) {
    if path.usesAVX2(for: S.self) {
        lenet_avx2_max_pooling_backward(rows, width, floats(input), floats(output), floats(outputGradient),
                                        floats(inputGradient))
        return
    }
    maxPoolingBackwardNaive(rows: rows, width: width, input: input, output: output, outputGradient: outputGradient,
                            inputGradient: inputGradient)
}

/// The plain reference for ``maxPoolingBackward(rows:width:input:output:outputGradient:inputGradient:path:)``.
@inlinable
public func maxPoolingBackwardNaive<S: BinaryFloatingPoint>(
    rows: Int, width: Int, input: UnsafePointer<S>, output: UnsafePointer<S>, outputGradient: UnsafePointer<S>,
    inputGradient: UnsafeMutablePointer<S>
) {
    let ow = width / 2
    for r in 0..<rows {
        let r0 = input + 2 * r * width, r1 = r0 + width, top = output + r * ow, g = outputGradient + r * ow
        let d0 = inputGradient + 2 * r * width, d1 = d0 + width
        for x in 0..<ow {
            let m = top[x], gv = g[x]
            let first = r0[2 * x] == m, second = !first && r0[2 * x + 1] == m
            let third = !first && !second && r1[2 * x] == m, fourth = !first && !second && !third
            d0[2 * x] = first ? gv : 0; d0[2 * x + 1] = second ? gv : 0
            d1[2 * x] = third ? gv : 0; d1[2 * x + 1] = fourth ? gv : 0
        }
    }
}

/// dx = g · share at all four inputs: share = 1/4, or 1/16 = (1/4)² for the curvature pass
/// (LeNet-5's subsampling backward passes its coefficient).
@inlinable
public func averagePoolingBackward<S: BinaryFloatingPoint & SIMDScalar>(
    rows: Int, width: Int,
    outputGradient: UnsafePointer<S>,        // [rows, width / 2]
    share: S,
    inputGradient: UnsafeMutablePointer<S>,  // [rows, 2, width], overwritten
    path: KernelPath = .best
) {
    if path.usesAVX2(for: S.self) {
        lenet_avx2_average_pooling_backward(rows, width, floats(outputGradient), Float(share), floats(inputGradient))
        return
    }
    averagePoolingBackwardNaive(rows: rows, width: width, outputGradient: outputGradient, share: share,
                                inputGradient: inputGradient)
}

/// The plain reference for ``averagePoolingBackward(rows:width:outputGradient:share:inputGradient:path:)``.
@inlinable
public func averagePoolingBackwardNaive<S: BinaryFloatingPoint>(
    rows: Int, width: Int, outputGradient: UnsafePointer<S>, share: S, inputGradient: UnsafeMutablePointer<S>
) {
    let ow = width / 2
    for r in 0..<rows {
        let d0 = inputGradient + 2 * r * width, d1 = d0 + width, g = outputGradient + r * ow
        for x in 0..<ow {
            let v = g[x] * share
            d0[2 * x] = v; d0[2 * x + 1] = v; d1[2 * x] = v; d1[2 * x + 1] = v
        }
    }
}
