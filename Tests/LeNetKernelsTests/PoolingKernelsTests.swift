import Testing
import LeNetKernels

@Suite struct PoolingKernelsTests {
    /// (rows, input width): S2 and S4 of LeNet-5 and LeNet-1's pools over batches, and output
    /// widths 1 to 9, 12, 14 and 17 around the 4 and 8 outputs a vector holds.
    static let shapes = [(6 * 14 * 3, 28), (16 * 5 * 2, 10), (4 * 12, 24), (12 * 4 * 3, 8), (3, 2), (2, 4), (5, 6),
                         (4, 12), (3, 14), (2, 16), (3, 18), (2, 34)]

    /// Random inputs, and inputs rounded to halves so that ties for the maximum are common
    /// (ReLU's zeros make them common in training): the first maximal input must win in both.
    static func inputs(_ count: Int, noise: inout Noise, ties: Bool) -> [Float] {
        noise.values(count).map { ties ? ($0 * 2).rounded() / 2 : $0 }
    }

    /// Compared with `==` on the bits: the kernels do the loops' operations in their order, so
    /// training does not change by a bit whichever path runs.
    @Test(arguments: paths) func maxPoolingEqualsNaiveBitForBit(path: KernelPath) {
        var noise = Noise(state: 5)
        for (rows, width) in Self.shapes {
            for ties in [false, true] {
                let x = Self.inputs(rows * 2 * width, noise: &noise, ties: ties), g = noise.values(rows * width / 2)
                var fast = [Float](repeating: .nan, count: rows * width / 2), naive = fast
                poolingForward(maximum: true, rows: rows, width: width, input: x, output: &fast, path: path)
                poolingForwardNaive(maximum: true, rows: rows, width: width, input: x, output: &naive)
                #expect(fast.map(\.bitPattern) == naive.map(\.bitPattern), "forward \(rows)x\(width)")

                var dFast = [Float](repeating: .nan, count: x.count), dNaive = dFast
                maxPoolingBackward(rows: rows, width: width, input: x, output: naive, outputGradient: g,
                                   inputGradient: &dFast, path: path)
                maxPoolingBackwardNaive(rows: rows, width: width, input: x, output: naive, outputGradient: g,
                                        inputGradient: &dNaive)
                #expect(dFast.map(\.bitPattern) == dNaive.map(\.bitPattern), "backward \(rows)x\(width) ties \(ties)")
            }
        }
    }

    @Test(arguments: paths) func averagePoolingEqualsNaiveBitForBit(path: KernelPath) {
        var noise = Noise(state: 9)
        for (rows, width) in Self.shapes {
            let x = noise.values(rows * 2 * width), g = noise.values(rows * width / 2)
            var fast = [Float](repeating: .nan, count: rows * width / 2), naive = fast
            poolingForward(maximum: false, rows: rows, width: width, input: x, output: &fast, path: path)
            poolingForwardNaive(maximum: false, rows: rows, width: width, input: x, output: &naive)
            #expect(fast.map(\.bitPattern) == naive.map(\.bitPattern), "forward \(rows)x\(width)")

            for share: Float in [1 / 4, 1 / 16] {
                var dFast = [Float](repeating: .nan, count: x.count), dNaive = dFast
                averagePoolingBackward(rows: rows, width: width, outputGradient: g, share: share, inputGradient: &dFast, path: path)
                averagePoolingBackwardNaive(rows: rows, width: width, outputGradient: g, share: share, inputGradient: &dNaive)
                #expect(dFast.map(\.bitPattern) == dNaive.map(\.bitPattern), "backward \(rows)x\(width)")
            }
        }
    }

    /// Two blocks of one row: the maximum 6 (unique), then a tie of 8s, where the first in row
    /// order takes the gradient.
    @Test(arguments: paths) func maxPoolingRoutesTheGradientToTheFirstMaximum(path: KernelPath) {
        let x: [Float] = [1, 2, 8, 3,
                          6, 5, 8, 8]
        var y = [Float](repeating: 0, count: 2), dx = [Float](repeating: .nan, count: 8)
        poolingForward(maximum: true, rows: 1, width: 4, input: x, output: &y, path: path)
        #expect(y == [6, 8])
        maxPoolingBackward(rows: 1, width: 4, input: x, output: y, outputGradient: [10, 20], inputGradient: &dx, path: path)
        #expect(dx == [0, 0, 20, 0,
                       10, 0, 0, 0])
    }

    @Test(arguments: paths) func averagePoolingAveragesAndSharesTheGradient(path: KernelPath) {
        let x: [Float] = [1, 2, 3, 4,
                          5, 6, 7, 8]
        var y = [Float](repeating: 0, count: 2), dx = [Float](repeating: .nan, count: 8)
        poolingForward(maximum: false, rows: 1, width: 4, input: x, output: &y, path: path)
        #expect(y == [3.5, 5.5])
        averagePoolingBackward(rows: 1, width: 4, outputGradient: [4, 8], share: 1 / 4, inputGradient: &dx, path: path)
        #expect(dx == [1, 1, 2, 2,
                       1, 1, 2, 2])
    }
}
