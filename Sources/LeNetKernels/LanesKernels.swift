import LeNetAVX2Kernels

/// A layer of a network's front (LeNet-5's C1 to S4, LeNet-1's C1 to its second pooling) that
/// runs in the lanes layout of the batch convolutions, 8 or 16 samples side by side in every
/// vector (Lanes.c), reading and writing that layout so the batch is transposed into it once, at
/// the input, and out of it once, after the front. The batch convolutions transpose their input
/// in and their output out at every layer: that was 11% of a LeNet-5 training epoch, and the
/// subsampling, which needs shuffles in the samples' own layout (stride-2 reads), another 10%.
///
/// Each layer does what the batch kernel of its kind does on the same path, operation for
/// operation, so the outputs and gradients are the same bits (the tests hold them to it). AVX2
/// and AVX-512 paths only; a buffer of `size` values per sample takes
/// ``lanesCount(batch:size:)`` floats, 64-byte aligned (see `lenet_lanes_layer` for the layout).
public struct LanesLayer {
    @usableFromInline var c: lenet_lanes_layer
    /// Values per sample of its input and its output.
    public let inputCount: Int, outputCount: Int

    /// A convolution (not one that runs as a matrix, see ``ConvolutionShape/coversInput``) with
    /// a kernel of at most 8x8; the activation, if any, applied to its outputs.
    public static func convolution(
        _ s: ConvolutionShape,
        weights: UnsafePointer<Float>,          // [outC, inC, k, k]
        bias: UnsafePointer<Float>,             // [outC]
        connected: UnsafePointer<Bool>?,        // [outC, inC] or nil for all; must outlive the layer's use
        activation: FusedActivation?
    ) -> LanesLayer {
        precondition(!s.runsAsMatrix(connected: connected) && s.kernelSize <= 8, "not a lanes convolution")
        let q = activation?.c ?? lenet_activation()
        return LanesLayer(c: lenet_lanes_layer(kind: Int32(LENET_LANES_CONVOLUTION), inC: s.inputChannels, inH: s.inputHeight,
                                               inW: s.inputWidth, outC: s.outputChannels, k: s.kernelSize, weights: weights,
                                               bias: bias, connected: connected, activates: activation != nil, activation: q),
                          inputCount: s.inputCount, outputCount: s.outputCount)
    }

    /// LeNet-5's subsampling (``subsamplingForward(planes:channels:height:width:input:coefficients:bias:output:path:)``),
    /// the activation, if any, applied to its outputs.
    public static func subsampling(
        channels: Int, height: Int, width: Int,  // of the input; height, width even
        coefficients: UnsafePointer<Float>,      // [channels]
        bias: UnsafePointer<Float>,              // [channels]
        activation: FusedActivation?
    ) -> LanesLayer {
        pooled(LENET_LANES_SUBSAMPLING, channels, height, width, coefficients, bias, activation)
    }

    /// 2x2 pooling with stride 2 (``poolingForward(maximum:rows:width:input:output:path:)``).
    public static func pooling(maximum: Bool, channels: Int, height: Int, width: Int) -> LanesLayer {
        pooled(maximum ? LENET_LANES_MAX_POOLING : LENET_LANES_AVERAGE_POOLING, channels, height, width, nil, nil, nil)
    }

    private static func pooled(
        _ kind: Int, _ channels: Int, _ height: Int, _ width: Int, _ weights: UnsafePointer<Float>?,
        _ bias: UnsafePointer<Float>?, _ activation: FusedActivation?
    ) -> LanesLayer {
        precondition(height % 2 == 0 && width % 2 == 0, "2x2 pooling needs even map sizes")
        let q = activation?.c ?? lenet_activation()
        return LanesLayer(c: lenet_lanes_layer(kind: Int32(kind), inC: channels, inH: height, inW: width, outC: channels, k: 2,
                                               weights: weights, bias: bias, connected: nil, activates: activation != nil,
                                               activation: q),
                          inputCount: channels * height * width, outputCount: channels * (height / 2) * (width / 2))
    }

    /// Whether `path` runs lanes layers: AVX2 and AVX-512.
    public static func runs(on path: KernelPath) -> Bool { path.usesAVX2(for: Float.self) }

    /// output = activation(layer(input)), lanes to lanes.
    public func forward(
        batch: Int,
        input: UnsafePointer<Float>,            // lanes of [batch, inputCount]
        output: UnsafeMutablePointer<Float>,    // lanes of [batch, outputCount]
        path: KernelPath = .best
    ) {
        precondition(Self.runs(on: path), "lanes layers run on the AVX2 and AVX-512 paths")
        withUnsafePointer(to: c) { layer in
            (path == .avx512 ? lenet_avx512_lanes_forward : lenet_avx2_lanes_forward)(layer, batch, input, output)
        }
    }

    /// The backward of ``forward(batch:input:output:path:)`` from dE/da, dE/d(output) before its
    /// activation (as ``toLanes(batch:size:samples:activated:activation:lanes:path:)`` gives it):
    /// the parameters' gradients are added to; dE/d(input) is overwritten, or with
    /// `inputActivation` (the activation that produced the input, which holds its y) dE/d(the
    /// input before it), so that the layer below starts from its dE/da too and no activation
    /// takes a pass over memory of its own.
    public func backward(
        batch: Int,
        input: UnsafePointer<Float>,                    // lanes of [batch, inputCount]
        output: UnsafePointer<Float>,                   // lanes of [batch, outputCount], the forward's
        outputGradient: UnsafePointer<Float>,           // lanes of [batch, outputCount], dE/da
        weightGradient: UnsafeMutablePointer<Float>?,   // as the weights (coefficients), accumulated; nil for pooling
        biasGradient: UnsafeMutablePointer<Float>?,     // as the bias, accumulated; nil for pooling
        inputActivation: FusedActivation? = nil,
        inputGradient: UnsafeMutablePointer<Float>?,    // lanes of [batch, inputCount], or nil
        path: KernelPath = .best
    ) {
        precondition(Self.runs(on: path), "lanes layers run on the AVX2 and AVX-512 paths")
        precondition((weightGradient == nil) == (Int(c.kind) >= LENET_LANES_AVERAGE_POOLING),
                     "gradients for the parameters there are")
        withUnsafePointer(to: c) { layer in
            inputActivation.withCPointer { q in
                (path == .avx512 ? lenet_avx512_lanes_backward : lenet_avx2_lanes_backward)(
                    layer, batch, input, output, outputGradient, weightGradient, biasGradient, q, inputGradient)
            }
        }
    }
}

/// Floats a batch of `size` values per sample takes in the lanes layout.
public func lanesCount(batch: Int, size: Int) -> Int { lenet_lanes_count(batch, size) }

/// This thread's buffer for lanes maps, 64-byte aligned, at least `count` floats: the same
/// memory on every call from this thread until a call asks for more (which reallocates it,
/// contents lost). A network's chunk keeps its front's maps there from forward to backward,
/// both on one thread, so the maps take one chunk's room per thread, not a whole batch's.
public func threadLanesBuffer(count: Int) -> UnsafeMutablePointer<Float> { lenet_thread_lanes_buffer(count) }

/// samples [batch, size] into the lanes layout. With an activation, samples is dE/dy, `activated`
/// [batch, size] its y, and what goes into the lanes is dE/da.
public func toLanes(
    batch: Int, size: Int, samples: UnsafePointer<Float>, activated: UnsafePointer<Float>? = nil,
    activation: FusedActivation? = nil, lanes: UnsafeMutablePointer<Float>, path: KernelPath = .best
) {
    precondition(LanesLayer.runs(on: path), "the lanes layout is the AVX2 and AVX-512 paths'")
    precondition((activated == nil) == (activation == nil), "y with its activation")
    activation.withCPointer { q in
        (path == .avx512 ? lenet_avx512_to_lanes : lenet_avx2_to_lanes)(batch, size, samples, activated, q, lanes)
    }
}

/// The lanes layout back into samples [batch, size].
public func fromLanes(
    batch: Int, size: Int, lanes: UnsafePointer<Float>, samples: UnsafeMutablePointer<Float>, path: KernelPath = .best
) {
    precondition(LanesLayer.runs(on: path), "the lanes layout is the AVX2 and AVX-512 paths'")
    (path == .avx512 ? lenet_avx512_from_lanes : lenet_avx2_from_lanes)(batch, size, lanes, samples)
}
