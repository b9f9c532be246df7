import Foundation
import LeNetAVX2Kernels

/// LeNet's squashing function y = A tanh(S x) over a buffer, eight values at a time.
///
/// tanh is a rational function of x on [-7.905, 7.905] (odd degree-13 numerator over even
/// degree-6 denominator, the minimax fit Eigen uses), ±1 beyond, where Float's tanh is ±1
/// anyway; x itself below 4e-4, where tanh x = x to Float precision. Measured against Double's
/// tanh on [-10, 10] at steps of 2^-12 and near zero: at most 3.7e-7 absolute
/// (6 ulp of 1.0), see the tests. glibc's tanhf costs ~20 ns a call and does not vectorise;
/// this is ~1 ns a value. ``scaledTanhNaive`` (libm) is its reference.
@inlinable
public func scaledTanh(
    _ x: UnsafePointer<Float>,            // [n]
    into y: UnsafeMutablePointer<Float>,  // [n]
    count n: Int, amplitude: Float, slope: Float,
    path: KernelPath = .best
) {
    switch path {
    case .avx512: return lenet_avx512_scaled_tanh(x, y, n, amplitude, slope)
    case .avx2FMA: return lenet_avx2_scaled_tanh(x, y, n, amplitude, slope)
    case .portableSIMD: break
    }
    var i = 0
    while i + 8 <= n {
        store8(amplitude * tanh8(slope * load8(x + i)), y + i)
        i += 8
    }
    if i < n {
        // The tail through a zero-padded vector: same arithmetic, no reads past the end.
        var tail = SIMD8<Float>()
        for j in 0..<n - i { tail[j] = x[i + j] }
        let r = amplitude * tanh8(slope * tail)
        for j in 0..<n - i { y[i + j] = r[j] }
    }
}

/// The backward of y = A tanh(S x) from the saved output y: f'(x) = A S (1 - tanh²(S x)) =
/// (S / A)(A² - y²), so dx = f'(x) · g, or f'(x)² · g for the curvature pass (`squared`). Every
/// path does the loop's operations in its order, none fused: the same bits on each.
@inlinable
public func scaledTanhBackward<S: BinaryFloatingPoint>(
    output y: UnsafePointer<S>,            // [n]
    outputGradient g: UnsafePointer<S>,    // [n]
    into dx: UnsafeMutablePointer<S>,      // [n]
    count n: Int, amplitude: S, slope: S, squared: Bool,
    path: KernelPath = .best
) {
    let k = slope / amplitude, a2 = amplitude * amplitude
    if path.usesAVX2(for: S.self) {
        let run = path == .avx512 ? lenet_avx512_scaled_tanh_backward : lenet_avx2_scaled_tanh_backward
        return run(floats(y), floats(g), floats(dx), n, Float(k), Float(a2), squared)
    }
    // One loop per case: a branch inside the loop would keep it from vectorising.
    if squared {
        for i in 0..<n { let d = k * (a2 - y[i] * y[i]); dx[i] = d * d * g[i] }
    } else {
        for i in 0..<n { dx[i] = k * (a2 - y[i] * y[i]) * g[i] }
    }
}

/// tanh of eight values (see ``scaledTanh(_:into:count:amplitude:slope:)``).
@inlinable @inline(__always)
public func tanh8(_ v: SIMD8<Float>) -> SIMD8<Float> {
    let clamp: Float = 7.905_311_107_635_498_05
    var x = v.replacing(with: clamp, where: v .> clamp)
    x = x.replacing(with: -clamp, where: x .< -clamp)
    let x2 = x * x
    // Horner steps: acc · x² + c.
    func step(_ acc: SIMD8<Float>, _ c: Float) -> SIMD8<Float> { acc * x2 + SIMD8(repeating: c) }
    let highest = SIMD8<Float>(repeating: -2.760_768_477_423_55e-16)
    let p = x * step(step(step(step(step(step(highest, 2.000_187_904_824_77e-13), -8.604_671_522_137_35e-11),
                                          5.122_297_090_371_14e-08), 1.485_722_357_179_79e-05), 6.372_619_288_754_36e-04),
                     4.893_524_558_917_86e-03)
    let q = step(step(step(SIMD8(repeating: 1.198_258_394_667_02e-06), 1.185_347_056_866_54e-04), 2.268_434_632_439_00e-03),
                 4.893_525_185_543_85e-03)
    return (p / q).replacing(with: v, where: (v .< 0.0004) .& (v .> -0.0004))
}

/// The plain reference: libm's tanhf, one value at a time.
@inlinable
public func scaledTanhNaive(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count n: Int, amplitude: Float, slope: Float) {
    for i in 0..<n { y[i] = amplitude * Foundation.tanh(slope * x[i]) }
}
