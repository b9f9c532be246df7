/// Valid (unpadded), stride-1 2-D convolution kernels for one image, as LeNet uses them.
///
/// Layouts are row-major and channel-first (PyTorch's NCHW for one sample). A connection table
/// (`connected[o * inputChannels + i]`) says which input maps feed output map `o`; `nil` means
/// every input map feeds every output map. Each fast kernel has a `...Naive` twin that spells out
/// the sum index by index; the tests hold the two equal on random shapes.

/// The sizes of one convolution.
public struct ConvolutionShape: Sendable, Hashable, Codable {
    public var inputChannels: Int
    public var outputChannels: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var kernelSize: Int

    public init(inputChannels: Int, outputChannels: Int, inputHeight: Int, inputWidth: Int, kernelSize: Int) {
        precondition(kernelSize <= inputHeight && kernelSize <= inputWidth, "kernel larger than its input")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.kernelSize = kernelSize
    }

    public var outputHeight: Int { inputHeight - kernelSize + 1 }
    public var outputWidth: Int { inputWidth - kernelSize + 1 }
    public var inputCount: Int { inputChannels * inputHeight * inputWidth }
    public var outputCount: Int { outputChannels * outputHeight * outputWidth }
    public var weightCount: Int { outputChannels * inputChannels * kernelSize * kernelSize }
}

@inlinable @inline(__always)
func isConnected(_ connected: UnsafePointer<Bool>?, _ o: Int, _ i: Int, _ inputChannels: Int) -> Bool {
    connected.map { $0[o * inputChannels + i] } ?? true
}

// MARK: forward

/// out[o,y,x] = bias[o] + Σ_{i connected to o} Σ_{ky,kx} w[o,i,ky,kx] · in[i, y+ky, x+kx]
@inlinable
public func convolutionForward<S: BinaryFloatingPoint & SIMDScalar>(
    _ s: ConvolutionShape,
    input: UnsafePointer<S>,            // [inC, inH, inW]
    weights: UnsafePointer<S>,          // [outC, inC, k, k]
    bias: UnsafePointer<S>,             // [outC]
    connected: UnsafePointer<Bool>?,    // [outC, inC] or nil for all
    output: UnsafeMutablePointer<S>     // [outC, outH, outW]
) {
    let k = s.kernelSize, oh = s.outputHeight, ow = s.outputWidth, iw = s.inputWidth
    let inPlane = s.inputHeight * iw, outPlane = oh * ow
    for o in 0..<s.outputChannels {
        let out = output + o * outPlane
        if oh == 1 && ow == 1 {
            // The kernel covers its whole input (C5): one dot product per connected input map.
            var sum = bias[o]
            for i in 0..<s.inputChannels where isConnected(connected, o, i, s.inputChannels) {
                sum += dot(weights + (o * s.inputChannels + i) * k * k, input + i * inPlane, count: inPlane)
            }
            out[0] = sum
            continue
        }
        out.update(repeating: bias[o], count: outPlane)
        for i in 0..<s.inputChannels where isConnected(connected, o, i, s.inputChannels) {
            let w = weights + (o * s.inputChannels + i) * k * k
            let plane = input + i * inPlane
            for y in 0..<oh {
                let outRow = out + y * ow
                for ky in 0..<k {
                    let inRow = plane + (y + ky) * iw
                    for kx in 0..<k {
                        // Row axpy: contiguous in x, so it vectorises.
                        let wv = w[ky * k + kx], src = inRow + kx
                        for x in 0..<ow { outRow[x] += wv * src[x] }
                    }
                }
            }
        }
    }
}

/// The plain reference for ``convolutionForward``.
@inlinable
public func convolutionForwardNaive<S: BinaryFloatingPoint>(
    _ s: ConvolutionShape, input: UnsafePointer<S>, weights: UnsafePointer<S>, bias: UnsafePointer<S>,
    connected: UnsafePointer<Bool>?, output: UnsafeMutablePointer<S>
) {
    let k = s.kernelSize
    for o in 0..<s.outputChannels {
        for y in 0..<s.outputHeight {
            for x in 0..<s.outputWidth {
                var sum = bias[o]
                for i in 0..<s.inputChannels where isConnected(connected, o, i, s.inputChannels) {
                    for ky in 0..<k {
                        for kx in 0..<k {
                            sum += weights[((o * s.inputChannels + i) * k + ky) * k + kx]
                                * input[(i * s.inputHeight + y + ky) * s.inputWidth + x + kx]
                        }
                    }
                }
                output[(o * s.outputHeight + y) * s.outputWidth + x] = sum
            }
        }
    }
}

// MARK: backward

/// Accumulates the gradients of one image:
/// dW[o,i,ky,kx] += Σ_{y,x} dOut[o,y,x] · in[i,y+ky,x+kx],  dBias[o] += Σ_{y,x} dOut[o,y,x],
/// dIn[i,y+ky,x+kx] += w[o,i,ky,kx] · dOut[o,y,x]  (when `inputGradient` is given; it is added to).
@inlinable
public func convolutionBackward<S: BinaryFloatingPoint & SIMDScalar>(
    _ s: ConvolutionShape,
    input: UnsafePointer<S>,                      // [inC, inH, inW]
    weights: UnsafePointer<S>,                    // [outC, inC, k, k]
    connected: UnsafePointer<Bool>?,              // [outC, inC] or nil
    outputGradient: UnsafePointer<S>,             // [outC, outH, outW]
    weightGradient: UnsafeMutablePointer<S>,      // [outC, inC, k, k], accumulated
    biasGradient: UnsafeMutablePointer<S>,        // [outC], accumulated
    inputGradient: UnsafeMutablePointer<S>?       // [inC, inH, inW], accumulated
) {
    let k = s.kernelSize, oh = s.outputHeight, ow = s.outputWidth, iw = s.inputWidth
    let inPlane = s.inputHeight * iw, outPlane = oh * ow
    for o in 0..<s.outputChannels {
        let dOut = outputGradient + o * outPlane
        var db = S.zero
        for j in 0..<outPlane { db += dOut[j] }
        biasGradient[o] += db
        if oh == 1 && ow == 1 {
            // The kernel covers its whole input (C5): dW[o, i, :] += g · in[i, :] over contiguous rows.
            let g = dOut[0]
            for i in 0..<s.inputChannels where isConnected(connected, o, i, s.inputChannels) {
                let dw = weightGradient + (o * s.inputChannels + i) * k * k, src = input + i * inPlane
                for j in 0..<inPlane { dw[j] += g * src[j] }
                if let dIn = inputGradient {
                    let w = weights + (o * s.inputChannels + i) * k * k, dst = dIn + i * inPlane
                    for j in 0..<inPlane { dst[j] += g * w[j] }
                }
            }
            continue
        }
        for i in 0..<s.inputChannels where isConnected(connected, o, i, s.inputChannels) {
            let w = weights + (o * s.inputChannels + i) * k * k
            let dw = weightGradient + (o * s.inputChannels + i) * k * k
            let plane = input + i * inPlane
            for ky in 0..<k {
                for kx in 0..<k {
                    var sum = S.zero
                    for y in 0..<oh { sum += dot(dOut + y * ow, plane + (y + ky) * iw + kx, count: ow) }
                    dw[ky * k + kx] += sum
                }
            }
            guard let dIn = inputGradient else { continue }
            let dPlane = dIn + i * inPlane
            for y in 0..<oh {
                let g = dOut + y * ow
                for ky in 0..<k {
                    for kx in 0..<k {
                        let wv = w[ky * k + kx], dst = dPlane + (y + ky) * iw + kx
                        for x in 0..<ow { dst[x] += wv * g[x] }
                    }
                }
            }
        }
    }
}

/// The plain reference for ``convolutionBackward``.
@inlinable
public func convolutionBackwardNaive<S: BinaryFloatingPoint>(
    _ s: ConvolutionShape, input: UnsafePointer<S>, weights: UnsafePointer<S>, connected: UnsafePointer<Bool>?,
    outputGradient: UnsafePointer<S>, weightGradient: UnsafeMutablePointer<S>,
    biasGradient: UnsafeMutablePointer<S>, inputGradient: UnsafeMutablePointer<S>?
) {
    let k = s.kernelSize
    for o in 0..<s.outputChannels {
        for y in 0..<s.outputHeight {
            for x in 0..<s.outputWidth {
                let g = outputGradient[(o * s.outputHeight + y) * s.outputWidth + x]
                biasGradient[o] += g
                for i in 0..<s.inputChannels where isConnected(connected, o, i, s.inputChannels) {
                    for ky in 0..<k {
                        for kx in 0..<k {
                            let wi = ((o * s.inputChannels + i) * k + ky) * k + kx
                            let xi = (i * s.inputHeight + y + ky) * s.inputWidth + x + kx
                            weightGradient[wi] += g * input[xi]
                            inputGradient?[xi] += g * weights[wi]
                        }
                    }
                }
            }
        }
    }
}
