import Testing
import LeNetKernels

@Suite struct MatrixKernelsTests {
    /// LeNet's layers and odd sizes in every dimension (row, column and batch remainders of the tiles).
    static let shapes = [(1, 1, 1), (3, 7, 2), (10, 84, 5), (84, 120, 8), (5, 33, 3), (120, 400, 8), (300, 784, 1),
                         (100, 300, 7), (10, 100, 4), (7, 9, 13), (4, 17, 2)]

    @Test(arguments: paths) func forwardEqualsNaive(path: KernelPath) {
        var noise = Noise(state: 3)
        for (rows, columns, batch) in Self.shapes {
            let w = noise.values(rows * columns), b = noise.values(rows), x = noise.values(batch * columns)
            var fast = [Float](repeating: .nan, count: batch * rows), naive = fast
            matrixForward(rows: rows, columns: columns, batch: batch, weights: w, bias: b, input: x, output: &fast, path: path)
            matrixForwardNaive(rows: rows, columns: columns, batch: batch, weights: w, bias: b, input: x, output: &naive)
            #expect(maxRelativeDifference(fast, naive) <= tolerance, "\(rows)x\(columns) batch \(batch)")
        }
    }

    @Test(arguments: paths) func backwardEqualsNaive(path: KernelPath) {
        var noise = Noise(state: 4)
        for (rows, columns, batch) in Self.shapes {
            let w = noise.values(rows * columns), x = noise.values(batch * columns), g = noise.values(batch * rows)
            var dwFast = noise.values(rows * columns), dwNaive = dwFast  // accumulated: start from non-zero
            var dbFast = noise.values(rows), dbNaive = dbFast, dxFast = noise.values(batch * columns), dxNaive = dxFast
            matrixBackward(rows: rows, columns: columns, batch: batch, weights: w, input: x, outputGradient: g,
                           weightGradient: &dwFast, biasGradient: &dbFast, inputGradient: &dxFast, path: path)
            matrixBackwardNaive(rows: rows, columns: columns, batch: batch, weights: w, input: x, outputGradient: g,
                                weightGradient: &dwNaive, biasGradient: &dbNaive, inputGradient: &dxNaive)
            #expect(maxRelativeDifference(dwFast, dwNaive) <= tolerance, "dW \(rows)x\(columns) batch \(batch)")
            #expect(maxRelativeDifference(dbFast, dbNaive) <= tolerance, "db \(rows)x\(columns) batch \(batch)")
            #expect(maxRelativeDifference(dxFast, dxNaive) <= tolerance, "dx \(rows)x\(columns) batch \(batch)")
        }
    }

    /// The fused online step must not change training by a single bit: compared with `==`, on
    /// shapes with column remainders, zeros in x and g (signed zero products) and a -0 weight.
    @Test(arguments: paths) func backwardStepIsBackwardThenScaledStepBitForBit(path: KernelPath) {
        var noise = Noise(state: 5)
        for (rows, columns, _) in Self.shapes {
            for withInputGradient in [true, false] {
                var x = noise.values(columns), g = noise.values(rows)
                x[0] = 0
                g[rows - 1] = 0
                var parameters = noise.values(rows * columns + rows)  // weights, then biases
                parameters[rows * columns / 2] = -0.0
                let rates = noise.values(rows * columns + rows).map { abs($0) * 0.01 }, scale: Float = 0.7
                let dx = noise.values(columns)

                var unfused = parameters, gradient = [Float](repeating: 0, count: parameters.count), dxUnfused = dx
                gradient.withUnsafeMutableBufferPointer { dp in
                    dxUnfused.withUnsafeMutableBufferPointer { dx in
                        matrixBackward(rows: rows, columns: columns, batch: 1, weights: unfused, input: x, outputGradient: g,
                                       weightGradient: dp.baseAddress!, biasGradient: dp.baseAddress! + rows * columns,
                                       inputGradient: withInputGradient ? dx.baseAddress! : nil, path: path)
                    }
                    scaledStep(&unfused, rates: rates, gradient: dp.baseAddress!, scale: scale, count: parameters.count)
                }
                var fused = parameters, dxFused = dx
                fused.withUnsafeMutableBufferPointer { p in
                    rates.withUnsafeBufferPointer { r in
                        dxFused.withUnsafeMutableBufferPointer { dx in
                            matrixBackwardStep(rows: rows, columns: columns, input: x, outputGradient: g, weights: p.baseAddress!,
                                               bias: p.baseAddress! + rows * columns, weightRates: r.baseAddress!,
                                               biasRates: r.baseAddress! + rows * columns, scale: scale,
                                               inputGradient: withInputGradient ? dx.baseAddress! : nil, path: path)
                        }
                    }
                }
                let same = zip(fused, unfused).allSatisfy { $0.bitPattern == $1.bitPattern }
                #expect(same, "parameters \(rows)x\(columns)")
                #expect(dxFused.map(\.bitPattern) == dxUnfused.map(\.bitPattern), "dx \(rows)x\(columns)")
            }
        }
    }

    @Test(arguments: paths) func backwardIsTheTransposeAndTheOuterProduct(path: KernelPath) {
        let w: [Float] = [1, 2, 3,
                          4, 5, 6]
        var dw = [Float](repeating: 0, count: 6), db: [Float] = [0, 0], dx: [Float] = [0, 0, 0]
        matrixBackward(rows: 2, columns: 3, batch: 1, weights: w, input: [1, 0, -1], outputGradient: [1, 2],
                             weightGradient: &dw, biasGradient: &db, inputGradient: &dx, path: path)
        #expect(dx == [9, 12, 15])
        #expect(dw == [1, 0, -1, 2, 0, -2])
        #expect(db == [1, 2])
    }
}
