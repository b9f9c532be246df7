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
}
