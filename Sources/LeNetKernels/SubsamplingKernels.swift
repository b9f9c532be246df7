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
                                       nil, floats(output))
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

/// ``subsamplingForward(planes:channels:height:width:input:coefficients:bias:output:path:)``, then
/// the activation over the outputs: the AVX2 and AVX-512 kernels apply it to about 512 outputs
/// at a time, while they are in L1; the portable path applies it in place afterwards.
@inlinable
public func subsamplingForward(
    planes: Int, channels: Int, height: Int, width: Int,
    input: UnsafePointer<Float>,             // [planes, height, width]
    coefficients: UnsafePointer<Float>,      // [channels]
    bias: UnsafePointer<Float>,              // [channels]
    activation: FusedActivation,
    output: UnsafeMutablePointer<Float>,     // [planes, height / 2, width / 2], activated
    path: KernelPath = .best
) {
    if path.usesAVX2(for: Float.self) {
        let run = path == .avx512 ? lenet_avx512_subsampling_forward : lenet_avx2_subsampling_forward
        withUnsafePointer(to: activation.c) { q in run(planes, channels, height, width, input, coefficients, bias, q, output) }
        return
    }
    subsamplingForwardNaive(planes: planes, channels: channels, height: height, width: width, input: input,
                            coefficients: coefficients, bias: bias, output: output)
    activation.apply(output, count: planes * (height / 2) * (width / 2), path: path)
}

/// The backward of ``subsamplingForward(planes:channels:height:width:input:coefficients:bias:output:path:)``:
/// dw[c] += Σ g · s;  db[c] += Σ g;  d in = w[c] · g at each of a unit's four inputs, s being the
/// unit's input sum. `squared` (the curvature pass): dw[c] += Σ g · s²;  db[c] += Σ g;
/// d in = w[c]² · g. The coefficient enters each unit once, through the sum, so the sum is squared,
/// not its four inputs one by one: the exact Gauss-Newton diagonal.
///
/// Plane by plane: the sums go into a scratch plane (the forward kernel at coefficient 1 and bias
/// 0: 1 · s + 0 = s) so the two reductions are the vectorised dot and sum kernels, and d in is
/// average pooling's backward with share w. The AVX2 kernel runs the same loop in C (the same
/// bits; in Swift, each plane's calls cost more than their work: S2 and S4 took 5 µs per image).
@inlinable
public func subsamplingBackward<S: BinaryFloatingPoint & SIMDScalar>(
    planes: Int, channels: Int, height: Int, width: Int, squared: Bool,
    input: UnsafePointer<S>,                     // [planes, height, width]
    coefficients: UnsafePointer<S>,              // [channels]
    outputGradient: UnsafePointer<S>,            // [planes, height / 2, width / 2]
    coefficientGradient: UnsafeMutablePointer<S>,  // [channels], accumulated
    biasGradient: UnsafeMutablePointer<S>,       // [channels], accumulated
    inputGradient: UnsafeMutablePointer<S>?,     // [planes, height, width], overwritten
    path: KernelPath = .best
) {
    if path.usesAVX2(for: S.self) {
        return avx2SubsamplingBackward(planes: planes, channels: channels, height: height, width: width, squared: squared,
                                       input: floats(input), coefficients: floats(coefficients),
                                       outputGradient: floats(outputGradient), activated: nil, activation: nil,
                                       coefficientGradient: floats(coefficientGradient), biasGradient: floats(biasGradient),
                                       inputGradient: inputGradient.map(floats))
    }
    subsamplingBackwardLoop(planes: planes, channels: channels, height: height, width: width, squared: squared, input: input,
                            coefficients: coefficients, outputGradient: outputGradient, coefficientGradient: coefficientGradient,
                            biasGradient: biasGradient, inputGradient: inputGradient, path: path)
}

/// The plane-by-plane loop of ``subsamplingBackward(planes:channels:height:width:squared:input:coefficients:outputGradient:coefficientGradient:biasGradient:inputGradient:path:)``
/// in Swift, calling `path`'s kernels: the portable path, and the reference the AVX2 kernel
/// equals bit for bit.
@inlinable
public func subsamplingBackwardLoop<S: BinaryFloatingPoint & SIMDScalar>(
    planes: Int, channels: Int, height: Int, width: Int, squared: Bool, input: UnsafePointer<S>,
    coefficients: UnsafePointer<S>, outputGradient: UnsafePointer<S>, coefficientGradient: UnsafeMutablePointer<S>,
    biasGradient: UnsafeMutablePointer<S>, inputGradient: UnsafeMutablePointer<S>?, path: KernelPath = .best
) {
    let units = (height / 2) * (width / 2), inPlane = height * width
    var one = S(1), zero = S(0)
    withUnsafeTemporaryAllocation(of: S.self, capacity: units) { sums in
        let s = sums.baseAddress!
        for p in 0..<planes {
            let c = p % channels, g = outputGradient + p * units
            subsamplingForward(planes: 1, channels: 1, height: height, width: width, input: input + p * inPlane,
                               coefficients: &one, bias: &zero, output: s, path: path)
            if squared { for j in 0..<units { s[j] *= s[j] } }
            coefficientGradient[c] += dot(g, s, count: units, path: path)
            biasGradient[c] += sum(g, count: units, path: path)
            guard let dIn = inputGradient else { continue }
            let w = squared ? coefficients[c] * coefficients[c] : coefficients[c]
            averagePoolingBackward(rows: height / 2, width: width, outputGradient: g, share: w, inputGradient: dIn + p * inPlane,
                                   path: path)
        }
    }
}

/// The backward of ``subsamplingForward(planes:channels:height:width:input:coefficients:bias:activation:output:path:)``
/// from dE/dy and the activated outputs y: the AVX2 kernel takes dE/da from them plane by plane;
/// the portable path computes it in place first.
@inlinable
public func subsamplingBackward(
    planes: Int, channels: Int, height: Int, width: Int,
    input: UnsafePointer<Float>,                     // [planes, height, width]
    coefficients: UnsafePointer<Float>,              // [channels]
    activation: FusedActivation,
    activated: UnsafePointer<Float>,                 // [planes, height / 2, width / 2], the forward's y
    outputGradient: UnsafeMutablePointer<Float>,     // [planes, height / 2, width / 2], dE/dy; dE/da after on the portable path
    coefficientGradient: UnsafeMutablePointer<Float>,  // [channels], accumulated
    biasGradient: UnsafeMutablePointer<Float>,       // [channels], accumulated
    inputGradient: UnsafeMutablePointer<Float>?,     // [planes, height, width], overwritten
    path: KernelPath = .best
) {
    if path.usesAVX2(for: Float.self) {
        return avx2SubsamplingBackward(planes: planes, channels: channels, height: height, width: width, squared: false,
                                       input: input, coefficients: coefficients, outputGradient: outputGradient,
                                       activated: activated, activation: activation, coefficientGradient: coefficientGradient,
                                       biasGradient: biasGradient, inputGradient: inputGradient)
    }
    activation.differentiate(outputGradient, activated: activated, count: planes * (height / 2) * (width / 2), path: path)
    subsamplingBackward(planes: planes, channels: channels, height: height, width: width, squared: false, input: input,
                        coefficients: coefficients, outputGradient: outputGradient, coefficientGradient: coefficientGradient,
                        biasGradient: biasGradient, inputGradient: inputGradient, path: path)
}

@inlinable
func avx2SubsamplingBackward(
    planes: Int, channels: Int, height: Int, width: Int, squared: Bool, input: UnsafePointer<Float>,
    coefficients: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, activated: UnsafePointer<Float>?,
    activation: FusedActivation?, coefficientGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>,
    inputGradient: UnsafeMutablePointer<Float>?
) {
    precondition((height / 2) * (width / 2) <= 4096, "the AVX2 kernel keeps a plane's sums on the stack")
    activation.withCPointer { q in
        lenet_avx2_subsampling_backward(planes, channels, height, width, input, coefficients, outputGradient, activated,
                                        q, squared, coefficientGradient, biasGradient, inputGradient)
    }
}
