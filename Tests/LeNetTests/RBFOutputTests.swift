import Testing
@testable import LeNet

@Suite struct RBFOutputTests {
    let layer = Layer.rbf(RBFOutput(input: FeatureShape(channels: 84)))

    @Test func gradientsMatchFiniteDifferences() { GradientCheck.checkGradients(layer, inputScale: 1.7) }

    /// The curvature pass equals the exact second derivative of E = Σ g ⊙ y + ½ Σ c ⊙ (y − y₀)²
    /// at y₀: Σ 4 (x − w)² c + 2 Σ g.
    @Test func curvatureMatchesSecondDifferences() {
        var rng = SplitMix64(seed: 11)
        let p = RBFOutput.prototypes, x = GradientCheck.random(84, &rng, scale: 1.7)
        let g = GradientCheck.random(10, &rng), c = GradientCheck.random(10, &rng).map(abs)
        let y0 = GradientCheck.forward(layer, p, x, batch: 1)
        var d2 = [Double](repeating: 0, count: 84), unused = [Double](repeating: 0, count: p.count)
        d2.withUnsafeMutableBufferPointer { d in
            unused.withUnsafeMutableBufferPointer { u in
                layer.backwardCurvature(parameters: p, input: x, output: y0, outputGradient: g, outputCurvature: c,
                                        inputCurvature: d.baseAddress!, parameterCurvature: u.baseAddress!, batch: 1)
            }
        }
        func energy(_ x: [Double]) -> Double {
            let y = GradientCheck.forward(layer, p, x, batch: 1)
            var e = 0.0
            for i in 0..<10 {
                let d: Double = y[i] - y0[i]
                e += g[i] * y[i] + c[i] * d * d / 2
            }
            return e
        }
        let h = 1e-3, e0 = energy(x)
        for j in 0..<84 {
            var xp = x, xm = x
            xp[j] += h
            xm[j] -= h
            GradientCheck.assertClose(d2[j], (energy(xp) - 2 * e0 + energy(xm)) / (h * h), tolerance: 1e-5, "d²E/dx[\(j)]²")
        }
    }

    @Test func prototypesAreSevenByTwelveBitmapsOfPlusMinusOne() {
        #expect(RBFOutput.bitmaps.count == 10)
        for (digit, rows) in RBFOutput.bitmaps.enumerated() {
            #expect(rows.count == 12, "digit \(digit)")
            #expect(rows.allSatisfy { $0.count == 7 && $0.allSatisfy { "X.".contains($0) } }, "digit \(digit)")
        }
        #expect(Set(RBFOutput.prototypes) == [1, -1])
        #expect(Set(RBFOutput.bitmaps).count == 10, "ten different bitmaps")
    }

    /// The forward sums the ten distances in one vector; each must be the plain loop's sum, bit
    /// for bit, in Float (as training runs) at a batch of several samples.
    @Test func forwardEqualsThePlainSumsBitForBit() {
        var rng = SplitMix64(seed: 5)
        let p = RBFOutput.prototypes.map(Float.init), batch = 7
        let x = (0..<batch * 84).map { _ in Float(rng.uniform(1.7)) }
        var y = [Float](repeating: .nan, count: batch * 10)
        p.withUnsafeBufferPointer { p in
            x.withUnsafeBufferPointer { x in
                y.withUnsafeMutableBufferPointer { layer.forward(parameters: p.baseAddress!, input: x.baseAddress!, output: $0.baseAddress!, batch: batch) }
            }
        }
        for b in 0..<batch {
            for i in 0..<10 {
                var sum: Float = 0
                for j in 0..<84 {
                    let d = x[b * 84 + j] - p[i * 84 + j]
                    sum += d * d
                }
                #expect(y[b * 10 + i].bitPattern == sum.bitPattern, "sample \(b), prototype \(i)")
            }
        }
    }

    @Test func penaltyIsSquaredDistanceToThePrototype() {
        let y = GradientCheck.forward(layer, RBFOutput.prototypes, Array(RBFOutput.prototypes[3 * 84..<4 * 84]), batch: 1)
        #expect(y[3] == 0)
        #expect(y.enumerated().allSatisfy { $0.offset == 3 || $0.element > 0 })
    }
}
