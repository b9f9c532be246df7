import Testing
import LeNetKernels

/// Random values in [-1, 1] from a fixed seed.
struct Noise {
    var state: UInt64
    mutating func next() -> Float {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(state >> 40) / Float(1 << 23) - 1
    }
    mutating func values(_ n: Int) -> [Float] { (0..<n).map { _ in next() } }
}

/// The largest |a - b| relative to max(1, |b|); infinite when either holds a NaN (an output
/// left unwritten stays NaN, and `max` would skip it).
func maxRelativeDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { $0.isNaN || $1.isNaN ? .infinity : abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
}

/// Fast kernels summing in a different order than their naive twins: equal within this.
let tolerance: Float = 1e-5

/// Every implementation this machine can run: each fast kernel is checked on each of them.
let paths = KernelPath.allCases.filter(KernelPath.isAvailable)

/// The activations kernels apply themselves, and the activation layers' own passes that they
/// must equal: the scaled tanh kernels, and ReLU as LeNet's layer computes it, backward from its
/// input a (the fused kernels see only y).
let fusedActivations = [FusedActivation(.scaledTanh(amplitude: 1.7159, slope: 2 / 3)), FusedActivation(.relu)]

func activationForward(_ f: FusedActivation, _ a: [Float], path: KernelPath) -> [Float] {
    switch f.function {
    case .scaledTanh(let amplitude, let slope):
        var y = a
        scaledTanh(a, into: &y, count: a.count, amplitude: amplitude, slope: slope, path: path)
        return y
    case .relu: return a.map { $0 > 0 ? $0 : 0 }
    }
}

func activationBackward(_ f: FusedActivation, _ a: [Float], _ dy: [Float], path: KernelPath) -> [Float] {
    switch f.function {
    case .scaledTanh(let amplitude, let slope):
        var da = dy
        scaledTanhBackward(output: activationForward(f, a, path: path), outputGradient: dy, into: &da, count: dy.count,
                           amplitude: amplitude, slope: slope, squared: false, path: path)
        return da
    case .relu: return zip(a, dy).map { $0 > 0 ? $1 : 0 }
    }
}

@Suite struct ConvolutionKernelsTests {
    /// Random shapes, including C5's whole-input kernels and partial connection tables.
    static let shapes: [(ConvolutionShape, Bool)] = {
        var noise = Noise(state: 99)
        var result: [(ConvolutionShape, Bool)] = []
        for trial in 0..<24 {
            let k = 1 + Int((noise.next() + 1) * 2.5) % 5
            let h = k + Int((noise.next() + 1) * 6), w = trial % 4 == 0 ? h : k + Int((noise.next() + 1) * 9)
            let inC = 1 + Int((noise.next() + 1) * 2), outC = 1 + Int((noise.next() + 1) * 3)
            result.append((ConvolutionShape(inputChannels: inC, outputChannels: outC, inputHeight: trial % 5 == 0 ? k : h,
                                            inputWidth: trial % 5 == 0 ? k : w, kernelSize: k), trial % 3 == 0))
        }
        // LeNet's own: C1 and C3 of LeNet-5, C1 and C2 of LeNet-1, and maps of 8, 9 and 17-33 wide.
        for (c, h, w, o) in [(1, 32, 32, 6), (6, 14, 14, 16), (1, 28, 28, 4), (4, 12, 12, 12), (2, 12, 13, 3), (1, 21, 37, 2), (3, 9, 29, 2)] {
            result.append((ConvolutionShape(inputChannels: c, outputChannels: o, inputHeight: h, inputWidth: w, kernelSize: 5), c == 6))
        }
        // Kernels of 6 to 8, the largest the batch kernels take (fewer column blocks fit in
        // registers), three shapes each so that each meets batches of 8 or more (see below).
        for k in 6...8 {
            for (c, extraH, extraW, o) in [(2, 4, 5, 3), (1, 3, 10, 2), (3, 6, 2, 4)] {
                result.append((ConvolutionShape(inputChannels: c, outputChannels: o, inputHeight: k + extraH, inputWidth: k + extraW,
                                                kernelSize: k), c == 3))
            }
        }
        return result
    }()

    @Test(arguments: paths) func forwardEqualsNaive(path: KernelPath) {
        var noise = Noise(state: 1)
        for (s, partial) in Self.shapes {
            let x = noise.values(s.inputCount), w = noise.values(s.weightCount), b = noise.values(s.outputChannels)
            let table = (0..<s.inputChannels * s.outputChannels).map { $0 % 3 != 1 }
            var fast = [Float](repeating: .nan, count: s.outputCount), naive = fast
            table.withUnsafeBufferPointer { t in
                let connected = partial ? t.baseAddress : nil  // nil: every map connected (blocks of maps, C5 as a matrix)
                convolutionForward(s, input: x, weights: w, bias: b, connected: connected, output: &fast, path: path)
                convolutionForwardNaive(s, input: x, weights: w, bias: b, connected: connected, output: &naive)
            }
            #expect(maxRelativeDifference(fast, naive) <= tolerance, "\(s)")
        }
    }

    @Test(arguments: paths) func backwardEqualsNaive(path: KernelPath) {
        var noise = Noise(state: 2)
        for (s, partial) in Self.shapes {
            let x = noise.values(s.inputCount), w = noise.values(s.weightCount), g = noise.values(s.outputCount)
            let table = (0..<s.inputChannels * s.outputChannels).map { $0 % 3 != 1 }
            let start = noise.values(s.weightCount)  // gradients accumulate: start from non-zero
            var dwFast = start, dwNaive = start, dbFast = [Float](repeating: 1, count: s.outputChannels), dbNaive = dbFast
            var dxFast = [Float](repeating: 0.5, count: s.inputCount), dxNaive = dxFast
            table.withUnsafeBufferPointer { t in
                let connected = partial ? t.baseAddress : nil  // nil: every map connected (blocks of maps, C5 as a matrix)
                convolutionBackward(s, input: x, weights: w, connected: connected, outputGradient: g,
                                    weightGradient: &dwFast, biasGradient: &dbFast, inputGradient: &dxFast, path: path)
                convolutionBackwardNaive(s, input: x, weights: w, connected: connected, outputGradient: g,
                                         weightGradient: &dwNaive, biasGradient: &dbNaive, inputGradient: &dxNaive)
            }
            #expect(maxRelativeDifference(dwFast, dwNaive) <= tolerance, "dW \(s)")
            #expect(maxRelativeDifference(dbFast, dbNaive) <= tolerance, "db \(s)")
            #expect(maxRelativeDifference(dxFast, dxNaive) <= tolerance, "dx \(s)")
        }
    }

    /// The batch kernels against the naive ones sample by sample, on batches that fill the
    /// 8 or 16 lanes, leave some empty, or fall below ``lanesMinimumBatch``; every shape also
    /// meets a batch of 21 (a group of 16, then one of 5 in 8-lane vectors on the AVX-512 path),
    /// so LeNet's own shapes run every widest block. Gradients sum over a whole batch, so the
    /// reference runs in Double (a Float naive sum strays by more than the tolerance itself).
    @Test(arguments: paths) func batchesEqualNaive(path: KernelPath) {
        var noise = Noise(state: 3)
        for (n, (s, partial)) in Self.shapes.enumerated() {
            for batch in [[1, 3, 4, 8, 9, 13, 16, 19][n % 8], 21] {
                let x = noise.values(batch * s.inputCount), w = noise.values(s.weightCount), b = noise.values(s.outputChannels)
                let g = noise.values(batch * s.outputCount), start = noise.values(s.weightCount)
                let table = (0..<s.inputChannels * s.outputChannels).map { $0 % 3 != 1 }
                var fast = [Float](repeating: .nan, count: batch * s.outputCount)
                var dwFast = start, dbFast = [Float](repeating: 1, count: s.outputChannels), dxFast = [Float](repeating: 0.5, count: batch * s.inputCount)
                let (xd, wd, bd, gd) = (x.map(Double.init), w.map(Double.init), b.map(Double.init), g.map(Double.init))
                var naive = [Double](repeating: .nan, count: batch * s.outputCount)
                var dwNaive = start.map(Double.init), dbNaive = dbFast.map(Double.init), dxNaive = dxFast.map(Double.init)
                table.withUnsafeBufferPointer { t in
                    let connected = partial ? t.baseAddress : nil  // nil: every map connected (blocks of maps, C5 as a matrix)
                    convolutionForward(s, batch: batch, input: x, weights: w, bias: b, connected: connected, output: &fast, path: path)
                    convolutionBackward(s, batch: batch, input: x, weights: w, connected: connected, outputGradient: g,
                                        weightGradient: &dwFast, biasGradient: &dbFast, inputGradient: &dxFast, path: path)
                    xd.withUnsafeBufferPointer { x in
                        gd.withUnsafeBufferPointer { g in
                            naive.withUnsafeMutableBufferPointer { out in
                                dxNaive.withUnsafeMutableBufferPointer { dx in
                                    for j in 0..<batch {
                                        convolutionForwardNaive(s, input: x.baseAddress! + j * s.inputCount, weights: wd, bias: bd,
                                                                connected: connected, output: out.baseAddress! + j * s.outputCount)
                                        convolutionBackwardNaive(s, input: x.baseAddress! + j * s.inputCount, weights: wd,
                                                                 connected: connected, outputGradient: g.baseAddress! + j * s.outputCount,
                                                                 weightGradient: &dwNaive, biasGradient: &dbNaive,
                                                                 inputGradient: dx.baseAddress! + j * s.inputCount)
                                    }
                                }
                            }
                        }
                    }
                }
                func float(_ a: [Double]) -> [Float] { a.map(Float.init) }
                #expect(maxRelativeDifference(fast, float(naive)) <= tolerance, "forward \(s) batch \(batch)")
                // A gradient of 21 samples sums up to 21 x 784 terms in Float, in each kernel's
                // order: measured up to 1.8e-5 from the Double sum (on every path), hence twice
                // the tolerance there.
                let sums = batch == 21 ? 2 * tolerance : tolerance
                #expect(maxRelativeDifference(dwFast, float(dwNaive)) <= sums, "dW \(s) batch \(batch)")
                #expect(maxRelativeDifference(dbFast, float(dbNaive)) <= sums, "db \(s) batch \(batch)")
                #expect(maxRelativeDifference(dxFast, float(dxNaive)) <= tolerance, "dx \(s) batch \(batch)")
            }
        }
    }

    /// A convolution that applies the activation after it (LeNet's scaled tanh, ReLU) gives the
    /// bits of the convolution and then the activation in a pass of its own, forward and
    /// backward, on batches that take the lanes kernels (some lanes empty, and a group of 16 then
    /// one of 5) and on one that does not.
    @Test(arguments: paths, fusedActivations) func activationFusedEqualsTwoPassesBitForBit(path: KernelPath, f: FusedActivation) {
        var noise = Noise(state: 4)
        for (n, (s, partial)) in Self.shapes.enumerated() {
            for batch in [[2, 5, 13][n % 3], 21] {
                let x = noise.values(batch * s.inputCount).map { 3 * $0 }, w = noise.values(s.weightCount)
                let b = noise.values(s.outputChannels), dy = noise.values(batch * s.outputCount), start = noise.values(s.weightCount)
                let table = (0..<s.inputChannels * s.outputChannels).map { $0 % 3 != 1 }
                var fused = [Float](repeating: .nan, count: batch * s.outputCount), a = fused
                var dwFused = start, dbFused = [Float](repeating: 1, count: s.outputChannels), dxFused = [Float](repeating: 0.5, count: batch * s.inputCount)
                var dwSeparate = dwFused, dbSeparate = dbFused, dxSeparate = dxFused, dyFused = dy
                table.withUnsafeBufferPointer { t in
                    let connected = partial ? t.baseAddress : nil
                    convolutionForward(s, batch: batch, input: x, weights: w, bias: b, connected: connected, activation: f,
                                       output: &fused, path: path)
                    convolutionForward(s, batch: batch, input: x, weights: w, bias: b, connected: connected, output: &a, path: path)
                    convolutionBackward(s, batch: batch, input: x, weights: w, connected: connected, activation: f, activated: fused,
                                        outputGradient: &dyFused, weightGradient: &dwFused, biasGradient: &dbFused,
                                        inputGradient: &dxFused, path: path)
                    convolutionBackward(s, batch: batch, input: x, weights: w, connected: connected,
                                        outputGradient: activationBackward(f, a, dy, path: path),
                                        weightGradient: &dwSeparate, biasGradient: &dbSeparate, inputGradient: &dxSeparate, path: path)
                }
                #expect(fused.map(\.bitPattern) == activationForward(f, a, path: path).map(\.bitPattern), "forward \(s) batch \(batch)")
                #expect(dwFused.map(\.bitPattern) == dwSeparate.map(\.bitPattern), "dW \(s) batch \(batch)")
                #expect(dbFused.map(\.bitPattern) == dbSeparate.map(\.bitPattern), "db \(s) batch \(batch)")
                #expect(dxFused.map(\.bitPattern) == dxSeparate.map(\.bitPattern), "dx \(s) batch \(batch)")
            }
        }
    }

    @Test(arguments: paths) func knownValue(path: KernelPath) {
        // A 3x3 input of 1...9 and a 2x2 kernel [1 0; 0 -1]: out = in[y][x] - in[y+1][x+1] = -4.
        let s = ConvolutionShape(inputChannels: 1, outputChannels: 1, inputHeight: 3, inputWidth: 3, kernelSize: 2)
        var out = [Float](repeating: 0, count: 4)
        convolutionForward(s, input: [1, 2, 3, 4, 5, 6, 7, 8, 9], weights: [1, 0, 0, -1], bias: [0.5], connected: nil, output: &out, path: path)
        #expect(out == [-3.5, -3.5, -3.5, -3.5])
    }
}
