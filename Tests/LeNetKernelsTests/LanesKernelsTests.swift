import Testing
import LeNetKernels

/// The lanes layers against the batch kernels of their kind on the same path, compared by bits:
/// the front of a network may run either way and train the same. Batches of 5, 8, 13, 21 and 40
/// give full groups, groups with empty lanes, and a last group of 8 or fewer (8 lanes on AVX-512).
@Suite struct LanesKernelsTests {
    static let lanesPaths = paths.filter(LanesLayer.runs(on:))
    static let batches = [5, 8, 13, 21, 40]

    @Test(arguments: lanesPaths) func samplesComeBackFromTheLanesLayout(path: KernelPath) {
        var noise = Noise(state: 21)
        for batch in Self.batches + [1, 16, 17] {
            for size in [1, 7, 8, 25, 196] {
                let x = noise.values(batch * size)
                let back = Lanes(batch: batch, size: size, samples: x, path: path).samples(path: path)
                #expect(back.map(\.bitPattern) == x.map(\.bitPattern), "batch \(batch) size \(size)")
            }
        }
    }

    /// A buffer in the lanes layout, 64-byte aligned (the kernels load it with aligned
    /// instructions), pre-filled with NaN, for a test's lifetime.
    final class Lanes {
        let pointer: UnsafeMutablePointer<Float>
        let batch: Int, size: Int
        init(batch: Int, size: Int, samples: [Float]? = nil, path: KernelPath) {
            self.batch = batch
            self.size = size
            let count = lanesCount(batch: batch, size: size)
            pointer = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64).bindMemory(to: Float.self, capacity: count)
            pointer.initialize(repeating: .nan, count: count)
            if let samples { toLanes(batch: batch, size: size, samples: samples, lanes: pointer, path: path) }
        }
        func samples(path: KernelPath) -> [Float] {
            var s = [Float](repeating: .nan, count: batch * size)
            fromLanes(batch: batch, size: size, lanes: pointer, samples: &s, path: path)
            return s
        }
        deinit { pointer.deallocate() }
    }

    /// What a lanes layer gives, forward and backward, in the samples' layout.
    struct Result: Equatable, CustomStringConvertible {
        var y: [UInt32], dw: [UInt32], db: [UInt32], dx: [UInt32]
        init(y: [Float], dw: [Float], db: [Float], dx: [Float]) {
            // dx compared as values: the batch convolution adds its dx to a zeroed buffer, +0 for a -0.
            (self.y, self.dw, self.db, self.dx) = (y.map(\.bitPattern), dw.map(\.bitPattern), db.map(\.bitPattern),
                                                   dx.map { ($0 == 0 ? 0 : $0).bitPattern })
        }
        /// Where two results differ, field by field, in a line (a full dump runs to megabytes).
        func differences(from other: Result) -> String {
            func count(_ a: [UInt32], _ b: [UInt32]) -> Int { a.count != b.count ? -1 : zip(a, b).filter { $0 != $1 }.count }
            return "differ in y \(count(y, other.y)), dw \(count(dw, other.dw)), db \(count(db, other.db)), dx \(count(dx, other.dx))"
        }
        var description: String { "\(y.count) y, \(dw.count) dw, \(db.count) db, \(dx.count) dx" }
    }

    /// dE/da from y and dE/dy, as the activation layers' own passes take it.
    static func derivative(_ f: FusedActivation, y: [Float], dy: [Float], path: KernelPath) -> [Float] {
        switch f.function {
        case .scaledTanh(let amplitude, let slope):
            var da = dy
            scaledTanhBackward(output: y, outputGradient: dy, into: &da, count: dy.count, amplitude: amplitude, slope: slope,
                               squared: false, path: path)
            return da
        case .relu: return zip(y, dy).map { $0 > 0 ? $1 : 0 }
        }
    }

    /// The layer forward, then backward from dE/dy (made dE/da through the layer's activation f
    /// as toLanes makes it). The backward runs again with each activation as the input's, whose
    /// dx must be the plain dx taken through that activation.
    static func runLanes(
        _ layer: LanesLayer, activation f: FusedActivation?, batch: Int, x: [Float], dy: [Float], dwStart: [Float],
        dbStart: [Float], path: KernelPath
    ) -> Result {
        let input = Lanes(batch: batch, size: layer.inputCount, samples: x, path: path)
        let output = Lanes(batch: batch, size: layer.outputCount, path: path)
        layer.forward(batch: batch, input: input.pointer, output: output.pointer, path: path)
        let y = output.samples(path: path), dx = Lanes(batch: batch, size: layer.inputCount, path: path)
        let g = Lanes(batch: batch, size: layer.outputCount, path: path)
        y.withUnsafeBufferPointer { y in
            toLanes(batch: batch, size: layer.outputCount, samples: dy, activated: f.map { _ in y.baseAddress! }, activation: f,
                    lanes: g.pointer, path: path)
        }
        var dw = dwStart, db = dbStart
        func backward(inputActivation: FusedActivation?) {
            dw.withUnsafeMutableBufferPointer { dw in
                db.withUnsafeMutableBufferPointer { db in
                    layer.backward(batch: batch, input: input.pointer, output: output.pointer, outputGradient: g.pointer,
                                   weightGradient: dw.baseAddress, biasGradient: db.baseAddress,
                                   inputActivation: inputActivation, inputGradient: dx.pointer, path: path)
                }
            }
        }
        for inputActivation in fusedActivations {
            backward(inputActivation: inputActivation)
            let through = dx.samples(path: path)
            backward(inputActivation: nil)
            let plain = derivative(inputActivation, y: x, dy: dx.samples(path: path), path: path)
            #expect(through.map { ($0 == 0 ? 0 : $0).bitPattern } == plain.map { ($0 == 0 ? 0 : $0).bitPattern }, "through \(inputActivation)")
        }
        (dw, db) = (dwStart, dbStart)
        backward(inputActivation: nil)
        return Result(y: y, dw: dw, db: db, dx: dx.samples(path: path))
    }

    /// Convolutions with and without a table and activation: C1, C3, LeNet-1's C2, and odd shapes.
    @Test(arguments: lanesPaths) func convolutionEqualsTheBatchKernelBitForBit(path: KernelPath) {
        var noise = Noise(state: 22)
        let shapes = [(ConvolutionShape(inputChannels: 1, outputChannels: 6, inputHeight: 32, inputWidth: 32, kernelSize: 5), false),
                      (ConvolutionShape(inputChannels: 6, outputChannels: 16, inputHeight: 14, inputWidth: 14, kernelSize: 5), true),
                      (ConvolutionShape(inputChannels: 4, outputChannels: 12, inputHeight: 12, inputWidth: 12, kernelSize: 5), false),
                      (ConvolutionShape(inputChannels: 3, outputChannels: 5, inputHeight: 9, inputWidth: 11, kernelSize: 3), true)]
        for (n, (s, partial)) in shapes.enumerated() {
            for f in [nil] + fusedActivations {
                let batch = Self.batches[n % Self.batches.count]
                let x = noise.values(batch * s.inputCount).map { 3 * $0 }, w = noise.values(s.weightCount)
                let b = noise.values(s.outputChannels), dy = noise.values(batch * s.outputCount)
                let dwStart = noise.values(s.weightCount), dbStart = noise.values(s.outputChannels)
                let table = (0..<s.inputChannels * s.outputChannels).map { $0 % 3 != 1 }
                let (lanes, batched) = table.withUnsafeBufferPointer { t in
                    let connected = partial ? t.baseAddress : nil
                    let layer = LanesLayer.convolution(s, weights: w, bias: b, connected: connected, activation: f)
                    let lanes = Self.runLanes(layer, activation: f, batch: batch, x: x, dy: dy, dwStart: dwStart, dbStart: dbStart, path: path)
                    var y = [Float](repeating: .nan, count: batch * s.outputCount), dyCopy = dy
                    var dw = dwStart, db = dbStart, dx = [Float](repeating: 0, count: batch * s.inputCount)
                    if let f {
                        convolutionForward(s, batch: batch, input: x, weights: w, bias: b, connected: connected, activation: f,
                                           output: &y, path: path)
                        convolutionBackward(s, batch: batch, input: x, weights: w, connected: connected, activation: f, activated: y,
                                            outputGradient: &dyCopy, weightGradient: &dw, biasGradient: &db, inputGradient: &dx,
                                            path: path)
                    } else {
                        convolutionForward(s, batch: batch, input: x, weights: w, bias: b, connected: connected, output: &y, path: path)
                        convolutionBackward(s, batch: batch, input: x, weights: w, connected: connected, outputGradient: dy,
                                            weightGradient: &dw, biasGradient: &db, inputGradient: &dx, path: path)
                    }
                    return (lanes, Result(y: y, dw: dw, db: db, dx: dx))
                }
                #expect(lanes == batched, "\(s) batch \(batch) \(String(describing: f)): \(lanes.differences(from: batched))")
            }
        }
    }

    /// LeNet-5's subsampling with its activation (S2, S4) and without, against the batch kernels.
    @Test(arguments: lanesPaths) func subsamplingEqualsTheBatchKernelBitForBit(path: KernelPath) {
        var noise = Noise(state: 23)
        // (channels, height, width): S2, S4, and maps whose unit counts leave every kind of tail.
        for (n, (channels, height, width)) in [(6, 28, 28), (16, 10, 10), (2, 4, 6), (3, 16, 18), (1, 18, 30)].enumerated() {
            for f in [nil] + fusedActivations {
                let batch = Self.batches[(n + 2) % Self.batches.count], planes = batch * channels
                let inCount = channels * height * width, outCount = inCount / 4
                let x = noise.values(batch * inCount).map { 2 * $0 }, w = noise.values(channels), b = noise.values(channels)
                let dy = noise.values(batch * outCount), dwStart = noise.values(channels), dbStart = noise.values(channels)
                let layer = LanesLayer.subsampling(channels: channels, height: height, width: width, coefficients: w, bias: b, activation: f)
                let lanes = Self.runLanes(layer, activation: f, batch: batch, x: x, dy: dy, dwStart: dwStart, dbStart: dbStart, path: path)
                var y = [Float](repeating: .nan, count: batch * outCount), dyCopy = dy
                var dw = dwStart, db = dbStart, dx = [Float](repeating: .nan, count: batch * inCount)
                if let f {
                    subsamplingForward(planes: planes, channels: channels, height: height, width: width, input: x, coefficients: w,
                                       bias: b, activation: f, output: &y, path: path)
                    subsamplingBackward(planes: planes, channels: channels, height: height, width: width, input: x, coefficients: w,
                                        activation: f, activated: y, outputGradient: &dyCopy, coefficientGradient: &dw,
                                        biasGradient: &db, inputGradient: &dx, path: path)
                } else {
                    subsamplingForward(planes: planes, channels: channels, height: height, width: width, input: x, coefficients: w,
                                       bias: b, output: &y, path: path)
                    subsamplingBackward(planes: planes, channels: channels, height: height, width: width, squared: false, input: x,
                                        coefficients: w, outputGradient: dy, coefficientGradient: &dw, biasGradient: &db,
                                        inputGradient: &dx, path: path)
                }
                let batched = Result(y: y, dw: dw, db: db, dx: dx)
                #expect(lanes == batched, "\(channels)x\(height)x\(width) batch \(batch) \(String(describing: f)): \(lanes.differences(from: batched))")
            }
        }
    }

    /// Max and average pooling, with ties (inputs rounded to a few values) for the first-maximum rule.
    @Test(arguments: lanesPaths) func poolingEqualsTheBatchKernelBitForBit(path: KernelPath) {
        var noise = Noise(state: 24)
        for (n, (channels, height, width)) in [(6, 28, 28), (16, 10, 10), (4, 24, 24), (3, 6, 10)].enumerated() {
            for maximum in [true, false] {
                let batch = Self.batches[n % Self.batches.count], rows = batch * channels * height / 2
                let inCount = channels * height * width, outCount = inCount / 4
                let x = noise.values(batch * inCount).map { ($0 * 4).rounded() }, dy = noise.values(batch * outCount)
                let layer = LanesLayer.pooling(maximum: maximum, channels: channels, height: height, width: width)
                let input = Lanes(batch: batch, size: inCount, samples: x, path: path)
                let output = Lanes(batch: batch, size: outCount, path: path)
                layer.forward(batch: batch, input: input.pointer, output: output.pointer, path: path)
                let g = Lanes(batch: batch, size: outCount, samples: dy, path: path), dx = Lanes(batch: batch, size: inCount, path: path)
                layer.backward(batch: batch, input: input.pointer, output: output.pointer, outputGradient: g.pointer,
                               weightGradient: nil, biasGradient: nil, inputGradient: dx.pointer, path: path)
                var y = [Float](repeating: .nan, count: batch * outCount), dxBatch = [Float](repeating: .nan, count: batch * inCount)
                poolingForward(maximum: maximum, rows: rows, width: width, input: x, output: &y, path: path)
                if maximum {
                    maxPoolingBackward(rows: rows, width: width, input: x, output: y, outputGradient: dy, inputGradient: &dxBatch, path: path)
                } else {
                    averagePoolingBackward(rows: rows, width: width, outputGradient: dy, share: 1 / 4, inputGradient: &dxBatch, path: path)
                }
                #expect(output.samples(path: path).map(\.bitPattern) == y.map(\.bitPattern), "\(channels)x\(height) \(maximum)")
                #expect(dx.samples(path: path).map(\.bitPattern) == dxBatch.map(\.bitPattern), "\(channels)x\(height) \(maximum)")
                for f in fusedActivations {
                    layer.backward(batch: batch, input: input.pointer, output: output.pointer, outputGradient: g.pointer,
                                   weightGradient: nil, biasGradient: nil, inputActivation: f, inputGradient: dx.pointer, path: path)
                    #expect(dx.samples(path: path).map(\.bitPattern) == Self.derivative(f, y: x, dy: dxBatch, path: path).map(\.bitPattern),
                            "\(channels)x\(height) \(maximum) through \(f)")
                }
            }
        }
    }
}
