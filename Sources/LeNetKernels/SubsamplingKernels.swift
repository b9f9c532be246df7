import LeNetAVX2Kernels

/// LeNet-5's trainable subsampling, forward: each output adds its 2x2 block of inputs, times its
/// map's coefficient, plus its map's bias. In plain Swift the stride-2 reads kept the loop
/// scalar (12% of LeNet-5's batched inference); the AVX2 kernel splits 16 inputs of a row into
/// their even and odd columns with two shuffles and does the same operations in the same order,
/// so both paths give the same bits.

/// out[p,y,x] = w[c] · (in[p,2y,2x] + in[p,2y,2x+1] + in[p,2y+1,2x] + in[p,2y+1,2x+1]) + b[c],  c = p % channels
@inlinable
public func subsamplingForward<S: BinaryFloatingPoint & SIMDScalar>(
    planes: Int, channels: Int, height: Int, width: Int,  // of the input; height, width even
    input: UnsafePointer<S>,                 // [planes, height, width], planes = batch · channels
    coefficients: UnsafePointer<S>,          // [channels]
    bias: UnsafePointer<S>,                  // [channels]
    output: UnsafeMutablePointer<S>,         // [planes, height / 2, width / 2]
    path: KernelPath = .best
) {
    if path.usesAVX2(for: S.self) {
        lenet_avx2_subsampling_forward(planes, channels, height, width, floats(input), floats(coefficients), floats(bias),
                                       floats(output))
        return
    }
    subsamplingForwardNaive(planes: planes, channels: channels, height: height, width: width, input: input,
                            coefficients: coefficients, bias: bias, output: output)
}

/// The plain reference for ``subsamplingForward(planes:channels:height:width:input:coefficients:bias:output:path:)``,
/// and the portable path.
@inlinable
public func subsamplingForwardNaive<S: BinaryFloatingPoint>(
    planes: Int, channels: Int, height: Int, width: Int, input: UnsafePointer<S>, coefficients: UnsafePointer<S>,
    bias: UnsafePointer<S>, output: UnsafeMutablePointer<S>
) {
    let oh = height / 2, ow = width / 2
    for p in 0..<planes {
        let src = input + p * height * width, dst = output + p * oh * ow
        let w = coefficients[p % channels], b = bias[p % channels]
        for y in 0..<oh {
            let r0 = src + 2 * y * width, r1 = r0 + width
            for x in 0..<ow { dst[y * ow + x] = w * (r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1]) + b }
        }
    }
}
