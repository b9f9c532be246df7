import Foundation
import Testing
import LeNetKernels

@Suite struct TanhKernelsTests {
    /// Every Float in [-10, 10] at steps of 2^-12, plus tiny, huge and signed-zero values.
    static let points: [Float] = stride(from: Float(-10), through: 10, by: 1.0 / 4096).map { $0 }
        + [0, -0, 1e-30, -1e-30, 3.9e-4, 4.1e-4, -4.1e-4, 7.9, 7.91, -7.91, 20, -20, 1e30, -1e30, .greatestFiniteMagnitude]

    @Test(arguments: paths) func absoluteErrorAgainstDoubleTanhIsBelowFourTenMillionths(path: KernelPath) {
        var y = [Float](repeating: .nan, count: Self.points.count)
        scaledTanh(Self.points, into: &y, count: y.count, amplitude: 1, slope: 1, path: path)
        let worst = zip(Self.points, y).map { abs(Double($1) - Foundation.tanh(Double($0))) }.max()!
        #expect(worst <= 4e-7, "max |error| \(worst)")  // measured 3.63e-7
        #expect(zip(Self.points, y).allSatisfy { abs($1) <= 1 && ($0 == 0 || ($1 > 0) == ($0 > 0)) }, "bounded, odd")
    }

    @Test(arguments: paths) func scaledMatchesTheLibmTwinIncludingTheTail(path: KernelPath) {
        var state: UInt64 = 5
        let x: [Float] = (0..<1_003).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1
            return Float(Int64(bitPattern: state) >> 40) / Float(1 << 21)  // about ±4
        }
        var fast = [Float](repeating: .nan, count: x.count), naive = fast
        scaledTanh(x, into: &fast, count: x.count, amplitude: 1.7159, slope: 2.0 / 3, path: path)
        scaledTanhNaive(x, into: &naive, count: x.count, amplitude: 1.7159, slope: 2.0 / 3)
        #expect(maxRelativeDifference(fast, naive) <= 1e-6)
    }

    /// AVX-512 does AVX2's operations on twice the lanes, its tail in a masked vector.
    @Test(.enabled(if: KernelPath.isAvailable(.avx512), "needs AVX-512")) func avx512EqualsAVX2BitForBit() {
        let x = Array(Self.points.prefix(1_011))
        var wide = [Float](repeating: .nan, count: x.count), narrow = wide
        scaledTanh(x, into: &wide, count: x.count, amplitude: 1.7159, slope: 2.0 / 3, path: .avx512)
        scaledTanh(x, into: &narrow, count: x.count, amplitude: 1.7159, slope: 2.0 / 3, path: .avx2FMA)
        #expect(wide == narrow)
    }

    /// The backward from the output: every path gives the portable loop's bits (tails of 3
    /// values past the vectors included), and those are A S (1 - tanh²(S x)) g, squared for the
    /// curvature pass, within the forward's own error.
    @Test(arguments: paths) func backwardIsTheDerivativeFromTheOutput(path: KernelPath) {
        let a: Float = 1.7159, s: Float = 2.0 / 3
        var noise = Noise(state: 17)
        let x = noise.values(1_011).map { $0 * 6 }, g = noise.values(1_011)
        var y = [Float](repeating: 0, count: x.count)
        scaledTanh(x, into: &y, count: x.count, amplitude: a, slope: s, path: path)
        for squared in [false, true] {
            var fast = [Float](repeating: .nan, count: x.count), portable = fast
            scaledTanhBackward(output: y, outputGradient: g, into: &fast, count: x.count, amplitude: a, slope: s,
                               squared: squared, path: path)
            scaledTanhBackward(output: y, outputGradient: g, into: &portable, count: x.count, amplitude: a, slope: s,
                               squared: squared, path: .portableSIMD)
            #expect(fast == portable, "squared: \(squared)")
            let worst = (0..<x.count).map { i in
                let t = Foundation.tanh(Double(s) * Double(x[i])), d = Double(a) * Double(s) * (1 - t * t)
                return abs(Double(fast[i]) - (squared ? d * d : d) * Double(g[i]))
            }.max()!
            #expect(worst <= 2e-6, "squared: \(squared), max |error| \(worst)")
        }
    }
}
