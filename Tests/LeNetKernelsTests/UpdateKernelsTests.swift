import Foundation
import Testing
import LeNetKernels

/// Each update against its formula written out one parameter at a time, on 19 values (two
/// vectors and a tail of three).
@Suite struct UpdateKernelsTests {
    static let n = 19

    @Test func scaledStepIsWMinusRateTimesGradient() {
        var noise = Noise(state: 11)
        let start = noise.values(Self.n), rates = noise.values(Self.n).map(abs), g0 = noise.values(Self.n)
        var w = start, g = g0
        scaledStep(&w, rates: rates, gradient: &g, scale: 0.5, count: Self.n)
        #expect(maxRelativeDifference(w, (0..<Self.n).map { start[$0] - rates[$0] * 0.5 * g0[$0] }) <= tolerance)
        #expect(g.allSatisfy { $0 == 0 }, "cleared for the next step")
    }

    @Test func momentumStepKeepsTheVelocity() {
        var noise = Noise(state: 12)
        let start = noise.values(Self.n), v0 = noise.values(Self.n), g0 = noise.values(Self.n)
        var w = start, v = v0, g = g0
        momentumStep(&w, velocity: &v, gradient: &g, momentum: 0.9, scale: 0.25, learningRate: 0.1, count: Self.n)
        #expect(g.allSatisfy { $0 == 0 }, "cleared for the next step")
        let vExpected = (0..<Self.n).map { 0.9 * v0[$0] + 0.25 * g0[$0] }
        #expect(maxRelativeDifference(v, vExpected) <= tolerance)
        #expect(maxRelativeDifference(w, (0..<Self.n).map { start[$0] - 0.1 * vExpected[$0] }) <= tolerance)
    }

    @Test func adamStepFollowsKingmaAndBa() {
        var noise = Noise(state: 13)
        let start = noise.values(Self.n), m0 = noise.values(Self.n), v0 = noise.values(Self.n).map(abs), g0 = noise.values(Self.n)
        var w = start, m = m0, v = v0, g = g0
        let (b1, b2, t): (Float, Float, Float) = (0.9, 0.999, 3)
        let c1 = 1 - pow(b1, t), c2 = 1 - pow(b2, t)
        adamStep(&w, first: &m, second: &v, gradient: &g, scale: 0.5, beta1: b1, beta2: b2, correction1: c1, correction2: c2,
                 learningRate: 0.01, epsilon: 1e-8, count: Self.n)
        #expect(g.allSatisfy { $0 == 0 }, "cleared for the next step")
        for i in 0..<Self.n {
            let gi = 0.5 * g0[i], mi = b1 * m0[i] + (1 - b1) * gi, vi = b2 * v0[i] + (1 - b2) * gi * gi
            #expect(abs(m[i] - mi) <= tolerance && abs(v[i] - vi) <= tolerance)
            #expect(abs(w[i] - (start[i] - 0.01 * (mi / c1) / ((vi / c2).squareRoot() + 1e-8))) <= tolerance, "\(i)")
        }
    }
}
