import LeNetAVX2Kernels

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

    /// The length of one output map in the AVX2 kernels' wide layout (the input's row stride):
    /// (outH - 1) * inW + outW. They need at least one full vector of it.
    @usableFromInline var wideCount: Int { (outputHeight - 1) * inputWidth + outputWidth }
}

@inlinable @inline(__always)
func isConnected(_ connected: UnsafePointer<Bool>?, _ o: Int, _ i: Int, _ inputChannels: Int) -> Bool {
    connected.map { $0[o * inputChannels + i] } ?? true
}

// MARK: forward

/// Where a block of four SIMD8 accumulators sits in an `oh` x `ow` output: `rows` rows of
/// `ow` / 8 rounded up vectors, rows x vectors = 4. The last vector of a row starts at `ow - 8`
/// and the last rows at `oh - rows`, so blocks overlap instead of running past the edge; the
/// overlapping lanes are computed twice and stored with the same value. (A mask or a scalar
/// tail would cost more than the repeated work on LeNet's 28-, 24-, 10- and 8-wide maps.)
@usableFromInline
struct Blocking {
    @usableFromInline let rows: Int, vectors: Int
    /// Column of each vector, row of each block start.
    @usableFromInline let columns: SIMD4<Int>

    @inlinable init(outputHeight oh: Int, outputWidth ow: Int) {
        let v = min(4, (ow + 7) / 8)
        vectors = v
        rows = min(oh, 4 / v)
        columns = SIMD4(0, min(8, ow - 8), min(16, ow - 8), min(24, ow - 8))
    }

    /// Row and column of accumulator `j` in a block starting at row `y`.
    @inlinable @inline(__always) func place(_ j: Int, y: Int) -> (row: Int, column: Int) {
        (y + Swift.min(j / vectors, rows - 1), columns[j % vectors])
    }
}

/// out[o,y,x] = bias[o] + Σ_{i connected to o} Σ_{ky,kx} w[o,i,ky,kx] · in[i, y+ky, x+kx]
///
/// AVX2 + FMA (see ``KernelPath``): each output map is computed in the wide layout, where the
/// input under every tap is one contiguous run, in blocks of up to eight 8-lane accumulators
/// (one weight broadcast feeds eight FMAs), then its rows are copied out. C1's 28 columns are
/// computed in a 32-wide layout (87.5% of lanes useful), C3's 10 in a 14-wide one (74%).
///
/// Portable SIMD: blocks of four SIMD8 accumulators (one output row of up to 32 values, or 2 rows of 16, or 4
/// of 8) stay in registers through all k·k taps of every connected input map, with each
/// weight broadcast once per block: the arithmetic is `acc + w * x` (not `addingProduct`, which
/// without FMA code generation becomes scalar `fmaf` calls).
@inlinable
public func convolutionForward<S: BinaryFloatingPoint & SIMDScalar>(
    _ s: ConvolutionShape,
    input: UnsafePointer<S>,            // [inC, inH, inW]
    weights: UnsafePointer<S>,          // [outC, inC, k, k]
    bias: UnsafePointer<S>,             // [outC]
    connected: UnsafePointer<Bool>?,    // [outC, inC] or nil for all
    output: UnsafeMutablePointer<S>,    // [outC, outH, outW]
    path: KernelPath = .best
) {
    if path.usesAVX2(for: S.self) && s.wideCount >= 8 {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * s.wideCount) { wide in  // two output maps at a time
            lenet_avx2_convolution_forward(s.inputChannels, s.outputChannels, s.inputHeight, s.inputWidth, s.kernelSize,
                                           floats(input), floats(weights), floats(bias), connected, floats(output),
                                           wide.baseAddress!)
        }
        return
    }
    let k = s.kernelSize, oh = s.outputHeight, ow = s.outputWidth, iw = s.inputWidth
    let inPlane = s.inputHeight * iw, outPlane = oh * ow
    for o in 0..<s.outputChannels {
        let out = output + o * outPlane
        if oh == 1 && ow == 1 {
            // The kernel covers its whole input (C5). With every map connected, the weights of
            // output o and the input are both contiguous: one dot product of inC·k·k values.
            if connected == nil {
                out[0] = bias[o] + dot(weights + o * s.inputCount, input, count: s.inputCount, path: path)
                continue
            }
            // Otherwise one dot product per connected input map.
            var sum = bias[o]
            for i in 0..<s.inputChannels where isConnected(connected, o, i, s.inputChannels) {
                sum += dot(weights + (o * s.inputChannels + i) * k * k, input + i * inPlane, count: inPlane, path: path)
            }
            out[0] = sum
            continue
        }
        guard ow >= 8 else {
            convolutionForwardRows(s, o: o, input: input, weights: weights, bias: bias, connected: connected, output: out)
            continue
        }
        // Column chunks of at most 32 (the last overlapping the one before), then row blocks.
        let block = Blocking(outputHeight: oh, outputWidth: Swift.min(ow, 32))
        for chunk in stride(from: 0, to: ow, by: 32) {
            let c0 = Swift.min(chunk, ow - Swift.min(ow, 32))
            var y = 0
            while y < oh {
                let y0 = Swift.min(y, oh - block.rows)
                let p0 = block.place(0, y: y0), p1 = block.place(1, y: y0), p2 = block.place(2, y: y0), p3 = block.place(3, y: y0)
                var a0 = SIMD8<S>(repeating: bias[o]), a1 = a0, a2 = a0, a3 = a0
                for i in 0..<s.inputChannels where isConnected(connected, o, i, s.inputChannels) {
                    let w = weights + (o * s.inputChannels + i) * k * k, plane = input + i * inPlane + c0
                    let q0 = plane + p0.row * iw + p0.column, q1 = plane + p1.row * iw + p1.column
                    let q2 = plane + p2.row * iw + p2.column, q3 = plane + p3.row * iw + p3.column
                    for ky in 0..<k {
                        for kx in 0..<k {
                            let wv = SIMD8<S>(repeating: w[ky * k + kx]), d = ky * iw + kx
                            a0 = a0 + wv * load8(q0 + d)
                            a1 = a1 + wv * load8(q1 + d)
                            a2 = a2 + wv * load8(q2 + d)
                            a3 = a3 + wv * load8(q3 + d)
                        }
                    }
                }
                let base = out + c0
                store8(a0, base + p0.row * ow + p0.column)
                store8(a1, base + p1.row * ow + p1.column)
                store8(a2, base + p2.row * ow + p2.column)
                store8(a3, base + p3.row * ow + p3.column)
                y += block.rows
            }
        }
    }
}

/// Maps narrower than one vector: row axpys (contiguous in x, so the compiler vectorises them).
@inlinable
func convolutionForwardRows<S: BinaryFloatingPoint & SIMDScalar>(
    _ s: ConvolutionShape, o: Int, input: UnsafePointer<S>, weights: UnsafePointer<S>, bias: UnsafePointer<S>,
    connected: UnsafePointer<Bool>?, output out: UnsafeMutablePointer<S>  // out: [outH, outW] of map o
) {
    let k = s.kernelSize, oh = s.outputHeight, ow = s.outputWidth, iw = s.inputWidth, inPlane = s.inputHeight * iw
    out.update(repeating: bias[o], count: oh * ow)
    for i in 0..<s.inputChannels where isConnected(connected, o, i, s.inputChannels) {
        let w = weights + (o * s.inputChannels + i) * k * k, plane = input + i * inPlane
        for y in 0..<oh {
            for ky in 0..<k {
                for kx in 0..<k {
                    let wv = w[ky * k + kx], src = plane + (y + ky) * iw + kx, dst = out + y * ow
                    for x in 0..<ow { dst[x] += wv * src[x] }
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

// MARK: batches

/// Below this many samples the lanes kernels (8 or 16 samples per vector) leave too many lanes
/// empty; the batch kernels then run the one-image kernels sample by sample.
public let lanesMinimumBatch = 4

extension ConvolutionShape {
    /// A kernel as large as its input (C5). With every map connected that is a fully connected
    /// layer with the same weight layout, and the batch kernels run it as one: the matrix
    /// kernels read each weight once per batch instead of once per sample.
    public var coversInput: Bool { outputHeight == 1 && outputWidth == 1 }

    /// Whether the batch kernels run this convolution as a matrix (C5: full table, whole input).
    @inlinable func runsAsMatrix(connected: UnsafePointer<Bool>?) -> Bool { connected == nil && coversInput }

    /// Whether a batch of `batch` samples of `S` takes the lanes kernels under `path`.
    @inlinable func usesLanes<S>(_ path: KernelPath, _: S.Type, batch: Int) -> Bool {
        path.usesAVX2(for: S.self) && batch >= lanesMinimumBatch && kernelSize <= 8
    }
}

/// ``convolutionForward(_:input:weights:bias:connected:output:path:)`` for each sample of a batch.
/// C5's shape (see ``ConvolutionShape/coversInput``) runs on the matrix kernels. On the AVX2 and
/// AVX-512 paths with at least ``lanesMinimumBatch`` samples: 8 or 16 samples per vector, so
/// every lane is useful whatever the map's width, and blocks of output maps share each input
/// vector loaded (Lanes.c in LeNetAVX2Kernels).
@inlinable
public func convolutionForward<S: BinaryFloatingPoint & SIMDScalar>(
    _ s: ConvolutionShape,
    batch: Int,
    input: UnsafePointer<S>,            // [batch, inC, inH, inW]
    weights: UnsafePointer<S>,          // [outC, inC, k, k]
    bias: UnsafePointer<S>,             // [outC]
    connected: UnsafePointer<Bool>?,    // [outC, inC] or nil for all
    output: UnsafeMutablePointer<S>,    // [batch, outC, outH, outW]
    path: KernelPath = .best
) {
    if s.runsAsMatrix(connected: connected) {
        return matrixForward(rows: s.outputChannels, columns: s.inputCount, batch: batch, weights: weights, bias: bias,
                             input: input, output: output, path: path)
    }
    if s.usesLanes(path, S.self, batch: batch) {
        return lanesForward(s, batch: batch, input: floats(input), weights: floats(weights), bias: floats(bias),
                            connected: connected, activation: nil, output: floats(output), path: path)
    }
    for b in 0..<batch {
        convolutionForward(s, input: input + b * s.inputCount, weights: weights, bias: bias, connected: connected,
                           output: output + b * s.outputCount, path: path)
    }
}

/// ``convolutionForward(_:batch:input:weights:bias:connected:output:path:)``, then the activation
/// over the outputs: the lanes kernels apply it to the sums in the registers that summed them
/// and store only y; the other paths apply it in place afterwards.
@inlinable
public func convolutionForward(
    _ s: ConvolutionShape,
    batch: Int,
    input: UnsafePointer<Float>,            // [batch, inC, inH, inW]
    weights: UnsafePointer<Float>,          // [outC, inC, k, k]
    bias: UnsafePointer<Float>,             // [outC]
    connected: UnsafePointer<Bool>?,        // [outC, inC] or nil for all
    activation: FusedActivation,
    output: UnsafeMutablePointer<Float>,    // [batch, outC, outH, outW], activated
    path: KernelPath = .best
) {
    if !s.runsAsMatrix(connected: connected) && s.usesLanes(path, Float.self, batch: batch) {
        return lanesForward(s, batch: batch, input: input, weights: weights, bias: bias, connected: connected,
                            activation: activation, output: output, path: path)
    }
    convolutionForward(s, batch: batch, input: input, weights: weights, bias: bias, connected: connected, output: output,
                       path: path)
    activation.apply(output, count: batch * s.outputCount, path: path)
}

@inlinable
func lanesForward(
    _ s: ConvolutionShape, batch: Int, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
    bias: UnsafePointer<Float>, connected: UnsafePointer<Bool>?, activation: FusedActivation?,
    output: UnsafeMutablePointer<Float>, path: KernelPath
) {
    let run = path == .avx512 ? lenet_avx512_convolution_forward_batch : lenet_avx2_convolution_forward_batch
    activation.withCPointer { q in
        run(s.inputChannels, s.outputChannels, s.inputHeight, s.inputWidth, s.kernelSize, batch, input, weights, bias,
            connected, q, output)
    }
}

/// ``convolutionBackward(_:input:weights:connected:outputGradient:weightGradient:biasGradient:inputGradient:path:)``
/// for each sample of a batch, gradients summed; the lanes kernels as in
/// ``convolutionForward(_:batch:input:weights:bias:connected:output:path:)``.
@inlinable
public func convolutionBackward<S: BinaryFloatingPoint & SIMDScalar>(
    _ s: ConvolutionShape,
    batch: Int,
    input: UnsafePointer<S>,                      // [batch, inC, inH, inW]
    weights: UnsafePointer<S>,                    // [outC, inC, k, k]
    connected: UnsafePointer<Bool>?,              // [outC, inC] or nil
    outputGradient: UnsafePointer<S>,             // [batch, outC, outH, outW]
    weightGradient: UnsafeMutablePointer<S>,      // [outC, inC, k, k], accumulated
    biasGradient: UnsafeMutablePointer<S>,        // [outC], accumulated
    inputGradient: UnsafeMutablePointer<S>?,      // [batch, inC, inH, inW], accumulated
    path: KernelPath = .best
) {
    if s.runsAsMatrix(connected: connected) {
        return matrixBackward(rows: s.outputChannels, columns: s.inputCount, batch: batch, weights: weights, input: input,
                              outputGradient: outputGradient, weightGradient: weightGradient, biasGradient: biasGradient,
                              inputGradient: inputGradient, path: path)
    }
    if s.usesLanes(path, S.self, batch: batch) {
        return lanesBackward(s, batch: batch, input: floats(input), weights: floats(weights), connected: connected,
                             outputGradient: floats(outputGradient), activated: nil, activation: nil,
                             weightGradient: floats(weightGradient), biasGradient: floats(biasGradient),
                             inputGradient: inputGradient.map(floats), path: path)
    }
    for b in 0..<batch {
        convolutionBackward(s, input: input + b * s.inputCount, weights: weights, connected: connected,
                            outputGradient: outputGradient + b * s.outputCount, weightGradient: weightGradient,
                            biasGradient: biasGradient, inputGradient: inputGradient.map { $0 + b * s.inputCount }, path: path)
    }
}

/// The backward of ``convolutionForward(_:batch:input:weights:bias:connected:activation:output:path:)``
/// from dE/dy and the activated outputs y: the lanes kernels take dE/da from them as they load
/// dE/dy into the lanes layout; the other paths compute it in place first.
@inlinable
public func convolutionBackward(
    _ s: ConvolutionShape,
    batch: Int,
    input: UnsafePointer<Float>,                    // [batch, inC, inH, inW]
    weights: UnsafePointer<Float>,                  // [outC, inC, k, k]
    connected: UnsafePointer<Bool>?,                // [outC, inC] or nil
    activation: FusedActivation,
    activated: UnsafePointer<Float>,                // [batch, outC, outH, outW], the forward's y
    outputGradient: UnsafeMutablePointer<Float>,    // [batch, outC, outH, outW], dE/dy; dE/da after on the unfused paths
    weightGradient: UnsafeMutablePointer<Float>,    // [outC, inC, k, k], accumulated
    biasGradient: UnsafeMutablePointer<Float>,      // [outC], accumulated
    inputGradient: UnsafeMutablePointer<Float>?,    // [batch, inC, inH, inW], accumulated
    path: KernelPath = .best
) {
    if !s.runsAsMatrix(connected: connected) && s.usesLanes(path, Float.self, batch: batch) {
        return lanesBackward(s, batch: batch, input: input, weights: weights, connected: connected,
                             outputGradient: outputGradient, activated: activated, activation: activation,
                             weightGradient: weightGradient, biasGradient: biasGradient, inputGradient: inputGradient,
                             path: path)
    }
    activation.differentiate(outputGradient, activated: activated, count: batch * s.outputCount, path: path)
    convolutionBackward(s, batch: batch, input: input, weights: weights, connected: connected,
                        outputGradient: outputGradient, weightGradient: weightGradient, biasGradient: biasGradient,
                        inputGradient: inputGradient, path: path)
}

@inlinable
func lanesBackward(
    _ s: ConvolutionShape, batch: Int, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
    connected: UnsafePointer<Bool>?, outputGradient: UnsafePointer<Float>, activated: UnsafePointer<Float>?,
    activation: FusedActivation?, weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>,
    inputGradient: UnsafeMutablePointer<Float>?, path: KernelPath
) {
    let run = path == .avx512 ? lenet_avx512_convolution_backward_batch : lenet_avx2_convolution_backward_batch
    activation.withCPointer { q in
        run(s.inputChannels, s.outputChannels, s.inputHeight, s.inputWidth, s.kernelSize, batch, input, weights,
            connected, outputGradient, activated, q, weightGradient, biasGradient, inputGradient)
    }
}

// MARK: backward

/// Accumulates the gradients of one image:
/// dW[o,i,ky,kx] += Σ_{y,x} dOut[o,y,x] · in[i,y+ky,x+kx],  dBias[o] += Σ_{y,x} dOut[o,y,x],
/// dIn[i,y+ky,x+kx] += w[o,i,ky,kx] · dOut[o,y,x]  (when `inputGradient` is given; it is added to).
///
/// dW: for each kernel row ky, k SIMD8 accumulators (one per kx) sweep the output in vectors;
/// a vector that overlaps the one before it (the last of a row, see ``Blocking``) is masked so
/// no product is counted twice. dIn: a gather, not a scatter: dIn is the valid convolution of
/// dOut padded by k-1 zeros with the kernels flipped and transposed (input and output maps
/// swapped), so it reuses the forward kernel and writes each dIn value once. The padded dOut
/// and the flipped kernels live in a temporary (stack) allocation, not the heap. On the AVX2
/// path dW is a dot product per tap in the forward kernel's wide layout (dOut widened once per
/// output map, zeros in the unused columns), five accumulators per kernel row.
@inlinable
public func convolutionBackward<S: BinaryFloatingPoint & SIMDScalar>(
    _ s: ConvolutionShape,
    input: UnsafePointer<S>,                      // [inC, inH, inW]
    weights: UnsafePointer<S>,                    // [outC, inC, k, k]
    connected: UnsafePointer<Bool>?,              // [outC, inC] or nil
    outputGradient: UnsafePointer<S>,             // [outC, outH, outW]
    weightGradient: UnsafeMutablePointer<S>,      // [outC, inC, k, k], accumulated
    biasGradient: UnsafeMutablePointer<S>,        // [outC], accumulated
    inputGradient: UnsafeMutablePointer<S>?,      // [inC, inH, inW], accumulated
    path: KernelPath = .best
) {
    let k = s.kernelSize, oh = s.outputHeight, ow = s.outputWidth, iw = s.inputWidth
    let inPlane = s.inputHeight * iw, outPlane = oh * ow
    if oh == 1 && ow == 1 {
        // The kernel covers its whole input (C5): dW[o, i, :] += g · in[i, :], dIn[i, :] += g · w[o, i, :].
        for o in 0..<s.outputChannels {
            let g = outputGradient[o]
            biasGradient[o] += g
            // Runs of inPlane values, or the whole row of inC·k·k when every map is connected.
            let run = connected == nil ? s.inputCount : inPlane
            for i in stride(from: 0, to: s.inputChannels, by: run / inPlane) where isConnected(connected, o, i, s.inputChannels) {
                let offset = (o * s.inputChannels + i) * k * k
                axpy(g, input + i * inPlane, weightGradient + offset, count: run, path: path)
                if let dIn = inputGradient { axpy(g, weights + offset, dIn + i * inPlane, count: run, path: path) }
            }
        }
        return
    }
    if path.usesAVX2(for: S.self) && s.wideCount >= 8 && k <= 8 {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * s.wideCount) { wide in  // two output maps at a time
            lenet_avx2_convolution_weight_gradient(s.inputChannels, s.outputChannels, s.inputHeight, s.inputWidth, k,
                                                   floats(input), connected, floats(outputGradient),
                                                   floats(weightGradient), floats(biasGradient), wide.baseAddress!)
        }
    } else {
        for o in 0..<s.outputChannels {
            let dOut = outputGradient + o * outPlane
            var db = S.zero
            for j in 0..<outPlane { db += dOut[j] }
            biasGradient[o] += db
            for i in 0..<s.inputChannels where isConnected(connected, o, i, s.inputChannels) {
                convolutionWeightGradient(s, dOut: dOut, plane: input + i * inPlane, into: weightGradient + (o * s.inputChannels + i) * k * k)
            }
        }
    }
    guard let dIn = inputGradient else { return }
    if path.usesAVX2(for: S.self) && k <= 8 && s.inputHeight * iw >= 8 {
        let bytes = lenet_convolution_input_gradient_scratch(s.inputChannels, s.outputChannels, s.inputHeight, iw, k)
        withUnsafeTemporaryAllocation(byteCount: bytes, alignment: 32) { scratch in
            lenet_avx2_convolution_input_gradient(s.inputChannels, s.outputChannels, s.inputHeight, iw, k, floats(weights), connected,
                                                  floats(outputGradient), floats(dIn),
                                                  scratch.baseAddress!.assumingMemoryBound(to: Float.self))
        }
        return
    }
    // dIn = valid convolution of dOut padded by k-1 with w flipped, input and output maps swapped.
    let p = k - 1, ph = oh + 2 * p, pw = ow + 2 * p
    let transposed = ConvolutionShape(inputChannels: s.outputChannels, outputChannels: s.inputChannels,
                                      inputHeight: ph, inputWidth: pw, kernelSize: k)
    withUnsafeTemporaryAllocation(of: S.self, capacity: transposed.inputCount + transposed.weightCount + s.inputChannels) { scratch in
        let padded = scratch.baseAddress!, flipped = padded + transposed.inputCount, zeros = flipped + transposed.weightCount
        padded.update(repeating: 0, count: transposed.inputCount)
        for o in 0..<s.outputChannels {
            for y in 0..<oh { (padded + (o * ph + y + p) * pw + p).update(from: outputGradient + (o * oh + y) * ow, count: ow) }
        }
        for i in 0..<s.inputChannels {
            for o in 0..<s.outputChannels where isConnected(connected, o, i, s.inputChannels) {
                let from = weights + (o * s.inputChannels + i) * k * k, to = flipped + (i * s.outputChannels + o) * k * k
                for j in 0..<k * k { to[j] = from[k * k - 1 - j] }
            }
        }
        zeros.update(repeating: 0, count: s.inputChannels)
        // The table transposed, so kernels the table leaves out cost nothing here either.
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: s.inputChannels * s.outputChannels) { table in
            for i in 0..<s.inputChannels {
                for o in 0..<s.outputChannels { table[i * s.outputChannels + o] = isConnected(connected, o, i, s.inputChannels) }
            }
            withUnsafeTemporaryAllocation(of: S.self, capacity: s.inputCount) { gathered in
                convolutionForward(transposed, input: padded, weights: flipped, bias: zeros, connected: table.baseAddress!,
                                   output: gathered.baseAddress!, path: path)
                for j in 0..<s.inputCount { dIn[j] += gathered[j] }
            }
        }
    }
}

/// dw[ky,kx] += Σ_{y,x} dOut[y,x] · plane[y+ky, x+kx] for one (output map, input map) pair.
@inlinable
func convolutionWeightGradient<S: BinaryFloatingPoint & SIMDScalar>(
    _ s: ConvolutionShape,
    dOut: UnsafePointer<S>,               // [outH, outW] of one output map
    plane: UnsafePointer<S>,              // [inH, inW] of one input map
    into dw: UnsafeMutablePointer<S>      // [k, k], accumulated
) {
    let k = s.kernelSize, oh = s.outputHeight, ow = s.outputWidth, iw = s.inputWidth
    guard ow >= 8, k <= 8 else {
        for ky in 0..<k {
            for kx in 0..<k {
                var sum = S.zero
                for y in 0..<oh { sum += dot(dOut + y * ow, plane + (y + ky) * iw + kx, count: ow) }
                dw[ky * k + kx] += sum
            }
        }
        return
    }
    let vectors = (ow + 7) / 8, lastColumn = ow - 8
    // Lanes of the last vector already counted by the one before it are zeroed.
    let overlap = (vectors - 1) * 8 - lastColumn
    var lastMask = SIMD8<S>(repeating: 1)
    for lane in 0..<overlap { lastMask[lane] = 0 }
    for ky in 0..<k {
        var acc = (SIMD8<S>(), SIMD8<S>(), SIMD8<S>(), SIMD8<S>(), SIMD8<S>(), SIMD8<S>(), SIMD8<S>(), SIMD8<S>())
        for y in 0..<oh {
            let g = dOut + y * ow, row = plane + (y + ky) * iw
            for v in 0..<vectors {
                let column = v == vectors - 1 ? lastColumn : v * 8
                var gv = load8(g + column)
                if v == vectors - 1 { gv = gv * lastMask }
                let src = row + column
                acc.0 = acc.0 + gv * load8(src)
                if k > 1 { acc.1 = acc.1 + gv * load8(src + 1) }
                if k > 2 { acc.2 = acc.2 + gv * load8(src + 2) }
                if k > 3 { acc.3 = acc.3 + gv * load8(src + 3) }
                if k > 4 { acc.4 = acc.4 + gv * load8(src + 4) }
                if k > 5 { acc.5 = acc.5 + gv * load8(src + 5) }
                if k > 6 { acc.6 = acc.6 + gv * load8(src + 6) }
                if k > 7 { acc.7 = acc.7 + gv * load8(src + 7) }
            }
        }
        let d = dw + ky * k
        d[0] += acc.0.sum()
        if k > 1 { d[1] += acc.1.sum() }
        if k > 2 { d[2] += acc.2.sum() }
        if k > 3 { d[3] += acc.3.sum() }
        if k > 4 { d[4] += acc.4.sum() }
        if k > 5 { d[5] += acc.5.sum() }
        if k > 6 { d[6] += acc.6.sum() }
        if k > 7 { d[7] += acc.7.sum() }
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
