import Testing
@testable import LeNet

/// Finite-difference checks in Double, shared by the per-layer test files.
enum GradientCheck {
    static func random(_ n: Int, _ rng: inout SplitMix64, scale: Double = 1) -> [Double] {
        (0..<n).map { _ in rng.uniform(scale) }
    }

    static func forward(_ layer: Layer, _ p: [Double], _ x: [Double], batch: Int) -> [Double] {
        var y = [Double](repeating: 0, count: layer.description.outputShape.count * batch)
        y.withUnsafeMutableBufferPointer { layer.forward(parameters: p, input: x, output: $0.baseAddress!, batch: batch) }
        return y
    }

    /// Random parameters: the layer's own initialisation (zeros where a table leaves kernels
    /// out, the RBF bitmaps), plus noise on the trainable ones so nothing sits at a special value.
    static func parameters(_ layer: Layer, _ rng: inout SplitMix64) -> [Double] {
        var p = [Double](repeating: 0, count: layer.description.parameterCount)
        p.withUnsafeMutableBufferPointer { layer.description.initialize($0, scheme: .pytorch, using: &rng) }
        if case .rbf = layer { return p }
        return p.map { $0 == 0 ? 0 : $0 + rng.uniform(0.3) }
    }

    static func assertClose(_ analytic: Double, _ numeric: Double, tolerance: Double = 1e-6, _ what: @autoclosure () -> String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        let scale = max(1, abs(analytic), abs(numeric))
        #expect(abs(analytic - numeric) <= tolerance * scale, "\(what()): analytic \(analytic), numeric \(numeric)",
                sourceLocation: sourceLocation)
    }

    /// Checks backward against central differences of E = Σ r ⊙ layer(p, x), for every input
    /// and every parameter (trainable or not: a fixed one must get no gradient... but its
    /// derivative is still what backward would give, so fixed tensors are skipped).
    static func checkGradients(_ layer: Layer, batch: Int = 2, seed: UInt64 = 7, inputScale: Double = 1,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        var rng = SplitMix64(seed: seed)
        let d = layer.description
        let p = parameters(layer, &rng)
        let x = random(d.inputShape.count * batch, &rng, scale: inputScale)
        let r = random(d.outputShape.count * batch, &rng)
        let y = forward(layer, p, x, batch: batch)
        var dx = [Double](repeating: .nan, count: x.count), dp = [Double](repeating: 0, count: p.count)
        dx.withUnsafeMutableBufferPointer { dxp in
            dp.withUnsafeMutableBufferPointer { dpp in
                layer.backward(parameters: p, input: x, output: y, outputGradient: r, inputGradient: dxp.baseAddress!,
                               parameterGradient: dpp.baseAddress!, batch: batch)
            }
        }
        func energy(_ p: [Double], _ x: [Double]) -> Double { zip(forward(layer, p, x, batch: batch), r).reduce(0) { $0 + $1.0 * $1.1 } }
        let h = 1e-6
        for i in x.indices {
            var xp = x, xm = x
            xp[i] += h
            xm[i] -= h
            assertClose(dx[i], (energy(p, xp) - energy(p, xm)) / (2 * h), "\(d.name) dE/dx[\(i)]", sourceLocation: sourceLocation)
        }
        for k in trainableIndices(d) {
            var pp = p, pm = p
            pp[k] += h
            pm[k] -= h
            assertClose(dp[k], (energy(pp, x) - energy(pm, x)) / (2 * h), "\(d.name) dE/dp[\(k)]", sourceLocation: sourceLocation)
        }
    }

    /// For layers linear in their inputs and in their parameters, the curvature pass is exact for
    /// E = ½ Σ c ⊙ y² (c ≥ 0): check it against central second differences.
    static func checkCurvature(_ layer: Layer, batch: Int = 2, seed: UInt64 = 9, sourceLocation: SourceLocation = #_sourceLocation) {
        var rng = SplitMix64(seed: seed)
        let d = layer.description
        let p = parameters(layer, &rng)
        let x = random(d.inputShape.count * batch, &rng)
        let c = random(d.outputShape.count * batch, &rng).map { abs($0) }
        let y = forward(layer, p, x, batch: batch)
        var dx = [Double](repeating: .nan, count: x.count), dp = [Double](repeating: 0, count: p.count)
        dx.withUnsafeMutableBufferPointer { dxp in
            dp.withUnsafeMutableBufferPointer { dpp in
                layer.backwardCurvature(parameters: p, input: x, output: y, outputGradient: nil, outputCurvature: c,
                                        inputCurvature: dxp.baseAddress!, parameterCurvature: dpp.baseAddress!, batch: batch)
            }
        }
        func energy(_ p: [Double], _ x: [Double]) -> Double { zip(forward(layer, p, x, batch: batch), c).reduce(0) { $0 + $1.1 * $1.0 * $1.0 / 2 } }
        let h = 1e-3, e0 = energy(p, x)
        for i in x.indices {
            var xp = x, xm = x
            xp[i] += h
            xm[i] -= h
            assertClose(dx[i], (energy(p, xp) - 2 * e0 + energy(p, xm)) / (h * h), tolerance: 1e-5, "\(d.name) d²E/dx[\(i)]²",
                        sourceLocation: sourceLocation)
        }
        for k in trainableIndices(d) {
            var pp = p, pm = p
            pp[k] += h
            pm[k] -= h
            assertClose(dp[k], (energy(pp, x) - 2 * e0 + energy(pm, x)) / (h * h), tolerance: 1e-5, "\(d.name) d²E/dp[\(k)]²",
                        sourceLocation: sourceLocation)
        }
    }

    /// Indices of parameters training changes (left-out C3 kernels and RBF prototypes are fixed).
    static func trainableIndices(_ d: any LayerDescription) -> [Int] {
        var result: [Int] = [], offset = 0
        for t in d.parameterTensors {
            if t.trainableCount == t.count { result += offset..<offset + t.count }
            else if t.trainableCount > 0, let conv = d as? Convolution {
                let area = conv.shape.kernelSize * conv.shape.kernelSize
                for (pair, on) in conv.table.connected.enumerated() where on { result += offset + pair * area..<offset + (pair + 1) * area }
            }
            offset += t.count
        }
        return result
    }
}
