import Foundation
import Testing
import LeNetKernels

@Suite struct KernelPathTests {
    #if os(Linux) && arch(x86_64)
    /// The CPUID/XGETBV check against the kernel's own reading of the CPU flags.
    @Test func availabilityAgreesWithProcCpuinfo() throws {
        let info = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = Set(info.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? [])
        #expect(KernelPath.isAvailable(.avx2FMA) == (flags.contains("avx2") && flags.contains("fma")))
        #expect(KernelPath.isAvailable(.avx512) == (flags.contains("avx512f") && KernelPath.isAvailable(.avx2FMA)))
    }
    #endif

    #if arch(x86_64)
    /// A denormal read inside the block is zero, and the thread's mode is back afterwards. The
    /// arithmetic writes memory (through `axpy`), so the compiler cannot move it across the
    /// mode switches as it may a pure expression.
    @Test(arguments: paths) func denormalsFlushInsideTheBlockOnly(path: KernelPath) {
        let tiny: [Float] = [1e-39]  // below Float.leastNormalMagnitude (1.18e-38)
        func doubled() -> Float {
            var y: [Float] = [0]
            axpy(2, tiny, &y, count: 1, path: path)
            return y[0]
        }
        #expect(doubled() == 2e-39)
        #expect(withDenormalsFlushedToZero { doubled() } == 0)
        #expect(doubled() == 2e-39)
    }
    #endif
}
