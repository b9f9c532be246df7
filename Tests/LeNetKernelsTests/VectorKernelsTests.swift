import Testing
import LeNetKernels

@Suite struct VectorKernelsTests {
    @Test(arguments: [0, 1, 7, 8, 15, 16, 17, 31, 400, 1001])
    func dotEqualsNaive(count: Int) {
        var noise = Noise(state: UInt64(count) + 5)
        let a = noise.values(count), b = noise.values(count)
        let fast = dot(a, b, count: count), naive = dotNaive(a, b, count: count)
        #expect(abs(fast - naive) <= tolerance * max(1, abs(naive)))
    }
}
