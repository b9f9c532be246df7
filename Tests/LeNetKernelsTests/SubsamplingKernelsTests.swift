import Testing
import LeNetKernels

@Suite struct SubsamplingKernelsTests {
    /// (planes, channels, height, width): S2 and S4 of LeNet-5 over batches, and widths around
    /// the 8 outputs a vector holds (output widths 1, 5, 7, 8, 9, 14, 17).
    static let shapes = [(6, 6, 28, 28), (48, 16, 10, 10), (3, 1, 2, 2), (4, 2, 6, 14), (2, 2, 4, 16), (5, 5, 8, 18),
                         (7, 7, 28, 28), (2, 1, 4, 34)]

    /// Compared with `==`: the kernel does the loop's operations in its order, so training does
    /// not change by a bit whichever path runs.
    @Test(arguments: paths) func forwardEqualsNaiveBitForBit(path: KernelPath) {
        var noise = Noise(state: 11)
        for (planes, channels, height, width) in Self.shapes {
            let x = noise.values(planes * height * width), w = noise.values(channels), b = noise.values(channels)
            let count = planes * height * width / 4
            var fast = [Float](repeating: .nan, count: count), naive = fast
            subsamplingForward(planes: planes, channels: channels, height: height, width: width, input: x, coefficients: w,
                               bias: b, output: &fast, path: path)
            subsamplingForwardNaive(planes: planes, channels: channels, height: height, width: width, input: x, coefficients: w,
                                    bias: b, output: &naive)
            #expect(fast.map(\.bitPattern) == naive.map(\.bitPattern), "\(planes)x\(height)x\(width)")
        }
    }

    /// The backward, plain and curvature, gives the bits of the Swift loop over planes calling
    /// the same path's kernels.
    @Test(arguments: paths) func backwardEqualsTheLoopBitForBit(path: KernelPath) {
        var noise = Noise(state: 12)
        for (planes, channels, height, width) in Self.shapes {
            let x = noise.values(planes * height * width), w = noise.values(channels), g = noise.values(planes * height * width / 4)
            for squared in [false, true] {
                var dw = [Float](repeating: 0.25, count: channels), db = dw, dx = [Float](repeating: .nan, count: planes * height * width)
                var dwLoop = dw, dbLoop = db, dxLoop = dx
                subsamplingBackward(planes: planes, channels: channels, height: height, width: width, squared: squared, input: x,
                                    coefficients: w, outputGradient: g, coefficientGradient: &dw, biasGradient: &db,
                                    inputGradient: &dx, path: path)
                subsamplingBackwardLoop(planes: planes, channels: channels, height: height, width: width, squared: squared, input: x,
                                        coefficients: w, outputGradient: g, coefficientGradient: &dwLoop, biasGradient: &dbLoop,
                                        inputGradient: &dxLoop, path: path)
                #expect((dw + db + dx).map(\.bitPattern) == (dwLoop + dbLoop + dxLoop).map(\.bitPattern),
                        "\(planes)x\(height)x\(width) \(squared)")
            }
        }
    }

    /// The activation after the subsampling, applied in its forward and backward, gives the bits
    /// of the activation in passes of its own.
    @Test(arguments: paths, fusedActivations) func activationFusedEqualsTwoPassesBitForBit(path: KernelPath, f: FusedActivation) {
        var noise = Noise(state: 13)
        for (planes, channels, height, width) in Self.shapes {
            let units = planes * height * width / 4
            let x = noise.values(planes * height * width).map { 2 * $0 }, w = noise.values(channels), b = noise.values(channels)
            let dy = noise.values(units)
            var fused = [Float](repeating: .nan, count: units), a = fused, dyFused = dy
            subsamplingForward(planes: planes, channels: channels, height: height, width: width, input: x, coefficients: w, bias: b,
                               activation: f, output: &fused, path: path)
            subsamplingForward(planes: planes, channels: channels, height: height, width: width, input: x, coefficients: w, bias: b,
                               output: &a, path: path)
            #expect(fused.map(\.bitPattern) == activationForward(f, a, path: path).map(\.bitPattern), "forward \(planes)x\(height)x\(width)")
            var dwFused = [Float](repeating: 0.25, count: channels), dbFused = dwFused
            var dxFused = [Float](repeating: .nan, count: planes * height * width)
            var dwSeparate = dwFused, dbSeparate = dbFused, dxSeparate = dxFused
            subsamplingBackward(planes: planes, channels: channels, height: height, width: width, input: x, coefficients: w,
                                activation: f, activated: fused, outputGradient: &dyFused, coefficientGradient: &dwFused,
                                biasGradient: &dbFused, inputGradient: &dxFused, path: path)
            subsamplingBackward(planes: planes, channels: channels, height: height, width: width, squared: false, input: x,
                                coefficients: w, outputGradient: activationBackward(f, a, dy, path: path),
                                coefficientGradient: &dwSeparate, biasGradient: &dbSeparate, inputGradient: &dxSeparate, path: path)
            #expect((dwFused + dbFused + dxFused).map(\.bitPattern) == (dwSeparate + dbSeparate + dxSeparate).map(\.bitPattern),
                    "backward \(planes)x\(height)x\(width)")
        }
    }

    @Test func forwardIsTheCoefficientTimesTheBlockSumPlusTheBias() {
        let x: [Float] = [1, 2, 3, 4,
                          5, 6, 7, 8]
        var y = [Float](repeating: 0, count: 2)
        subsamplingForwardNaive(planes: 1, channels: 1, height: 2, width: 4, input: x, coefficients: [0.5], bias: [1], output: &y)
        let expected: [Float] = [8, 12]  // 0.5 · (1 + 2 + 5 + 6) + 1, 0.5 · (3 + 4 + 7 + 8) + 1
        #expect(y == expected)
    }
}
