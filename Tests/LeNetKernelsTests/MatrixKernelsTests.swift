import Testing
import LeNetKernels

@Suite struct MatrixKernelsTests {
    @Test(arguments: paths) func forwardEqualsNaive(path: KernelPath) {
        var noise = Noise(state: 3)
        for (rows, columns) in [(1, 1), (3, 7), (10, 84), (84, 120), (5, 33), (120, 400)] {
            let w = noise.values(rows * columns), b = noise.values(rows), x = noise.values(columns)
            var fast = [Float](repeating: .nan, count: rows), naive = fast
            matrixVectorForward(rows: rows, columns: columns, weights: w, bias: b, input: x, output: &fast, path: path)
            matrixVectorForwardNaive(rows: rows, columns: columns, weights: w, bias: b, input: x, output: &naive)
            #expect(maxRelativeDifference(fast, naive) <= tolerance, "\(rows)x\(columns)")
        }
    }

    @Test(arguments: paths) func backwardIsTheTransposeAndTheOuterProduct(path: KernelPath) {
        let w: [Float] = [1, 2, 3,
                          4, 5, 6]
        var dw = [Float](repeating: 0, count: 6), db: [Float] = [0, 0], dx: [Float] = [0, 0, 0]
        matrixVectorBackward(rows: 2, columns: 3, weights: w, input: [1, 0, -1], outputGradient: [1, 2],
                             weightGradient: &dw, biasGradient: &db, inputGradient: &dx, path: path)
        #expect(dx == [9, 12, 15])
        #expect(dw == [1, 0, -1, 2, 0, -2])
        #expect(db == [1, 2])
    }
}
