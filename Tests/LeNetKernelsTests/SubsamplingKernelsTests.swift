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

    @Test func forwardIsTheCoefficientTimesTheBlockSumPlusTheBias() {
        let x: [Float] = [1, 2, 3, 4,
                          5, 6, 7, 8]
        var y = [Float](repeating: 0, count: 2)
        subsamplingForwardNaive(planes: 1, channels: 1, height: 2, width: 4, input: x, coefficients: [0.5], bias: [1], output: &y)
        let expected: [Float] = [8, 12]  // 0.5 · (1 + 2 + 5 + 6) + 1, 0.5 · (3 + 4 + 7 + 8) + 1
        #expect(y == expected)
    }
}
