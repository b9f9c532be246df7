import Testing
import LeNetKernels

@Suite struct VectorKernelsTests {
    static let counts = [0, 1, 7, 8, 15, 16, 17, 31, 33, 400, 1001]

    @Test(arguments: paths, counts)
    func dotEqualsNaive(path: KernelPath, count: Int) {
        var noise = Noise(state: UInt64(count) + 5)
        let a = noise.values(count), b = noise.values(count)
        let fast = dot(a, b, count: count, path: path), naive = dotNaive(a, b, count: count)
        #expect(abs(fast - naive) <= tolerance * max(1, abs(naive)))
    }

    /// Within the tolerance of the sequential sum, and on every path the portable loop's bits.
    @Test(arguments: paths, counts)
    func sumEqualsTheSequentialSum(path: KernelPath, count: Int) {
        var noise = Noise(state: UInt64(count) + 7)
        let a = noise.values(count), naive = a.reduce(0, +)
        #expect(abs(sum(a, count: count, path: path) - naive) <= tolerance * max(1, abs(naive)))
        #expect(sum(a, count: count, path: path).bitPattern == sum(a, count: count, path: .portableSIMD).bitPattern)
    }

    @Test(arguments: paths, counts)
    func axpyAddsTheScaledVector(path: KernelPath, count: Int) {
        var noise = Noise(state: UInt64(count) + 6)
        let x = noise.values(count), start = noise.values(count)
        var y = start
        axpy(0.75, x, &y, count: count, path: path)
        #expect(maxRelativeDifference(y, zip(start, x).map { $0 + 0.75 * $1 }) <= tolerance)
    }
}
