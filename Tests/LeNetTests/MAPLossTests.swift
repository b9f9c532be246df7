import Foundation
import Testing
@testable import LeNet

/// Checks a loss's gradient and diagonal curvature against central differences.
func checkLoss(_ loss: Loss, outputs y: [Double], label: Int, sourceLocation: SourceLocation = #_sourceLocation) {
    let k = y.count
    var g = [Double](repeating: 0, count: k), c = [Double](repeating: 0, count: k)
    _ = g.withUnsafeMutableBufferPointer { loss.evaluate(output: y, classes: k, label: label, gradient: $0.baseAddress!) }
    c.withUnsafeMutableBufferPointer { loss.curvature(output: y, classes: k, label: label, into: $0.baseAddress!) }
    func e(_ y: [Double]) -> Double { loss.evaluate(output: y, classes: k, label: label, gradient: nil) }
    for i in 0..<k {
        var yp = y, ym = y
        let h1 = 1e-6, h2 = 1e-4
        yp[i] += h1
        ym[i] -= h1
        GradientCheck.assertClose(g[i], (e(yp) - e(ym)) / (2 * h1), "dE/dy[\(i)]", sourceLocation: sourceLocation)
        yp = y
        ym = y
        yp[i] += h2
        ym[i] -= h2
        GradientCheck.assertClose(c[i], (e(yp) - 2 * e(y) + e(ym)) / (h2 * h2), tolerance: 1e-5, "d²E/dy[\(i)]²",
                                  sourceLocation: sourceLocation)
    }
}

@Suite struct MAPLossTests {
    @Test func gradientAndCurvatureMatchFiniteDifferences() {
        var rng = SplitMix64(seed: 1)
        for label in [0, 4, 9] {
            checkLoss(.map(MAPLoss()), outputs: (0..<10).map { _ in abs(rng.uniform(3)) }, label: label)
        }
    }

    @Test func isEquationNine() {
        let y: [Double] = [5, 1, 7, 3, 9, 2, 8, 4, 6, 0.5], j = 0.1
        let expected = y[3] + log(exp(-j) + y.reduce(0) { $0 + exp(-$1) })
        #expect(abs(MAPLoss(j: j).evaluate(penalties: y, classes: 10, label: 3, gradient: nil) - expected) < 1e-12)
    }

    @Test func staysFiniteForLargePenalties() {
        // e^{-y} underflows Float for y > ~104; the criterion must not turn into log(0).
        let y: [Float] = [300, 250, 400, 500, 320, 280, 260, 330, 310, 290]
        let e = MAPLoss().evaluate(penalties: y, classes: 10, label: 1, gradient: nil)
        #expect(e.isFinite && abs(e - 249.9) < 1e-3, "y_D - j + log(1 + ...)")
    }
}
