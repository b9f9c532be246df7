import LeNetAVX2Kernels

/// How fast this machine multiply-adds on one core with the kernels of `path`: eight
/// independent chains of `acc = acc * x + y` in the path's widest vectors (16 lanes fused for
/// AVX-512, 8 fused for AVX2, the unfused 8-lane form the portable kernels use otherwise), long
/// enough that loop overhead and the chains' latency disappear. Returns the flop count (2 per
/// lane per multiply-add) and a value the caller must use so the loop is not optimised away.
public func multiplyAddProbe(iterations: Int, path: KernelPath = .best) -> (flops: Double, checksum: Float) {
    let flops = Double(iterations) * 8 * 8 * 2
    switch path {
    case .avx512: return (flops * 2, lenet_avx512_fma_probe(iterations))
    case .avx2FMA: return (flops, lenet_avx2_fma_probe(iterations))
    case .portableSIMD: return (flops, portableMultiplyAddProbe(iterations: iterations))
    }
}

@inline(never)
func portableMultiplyAddProbe(iterations: Int) -> Float {
    let x = SIMD8<Float>(repeating: 0.999_9), y = SIMD8<Float>(repeating: 1e-4)
    var a0 = SIMD8<Float>(repeating: 1), a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4, a5 = a0 + 5, a6 = a0 + 6, a7 = a0 + 7
    for _ in 0..<iterations {
        a0 = a0 * x + y; a1 = a1 * x + y; a2 = a2 * x + y; a3 = a3 * x + y
        a4 = a4 * x + y; a5 = a5 * x + y; a6 = a6 * x + y; a7 = a7 * x + y
    }
    let sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7
    return sum.sum()
}
