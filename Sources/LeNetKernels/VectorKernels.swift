import LeNetAVX2Kernels

/// Vector primitives the other kernels are built from. The reductions use explicit SIMD
/// accumulators: without fast-math the compiler may not reorder a scalar sum, so a plain
/// `sum += a[i] * b[i]` loop runs one element at a time.

@inlinable @inline(__always)
func load8<S: SIMDScalar>(_ p: UnsafePointer<S>) -> SIMD8<S> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<S>.self)
}

@inlinable @inline(__always)
func store8<S: SIMDScalar>(_ v: SIMD8<S>, _ p: UnsafeMutablePointer<S>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<S>.self)
}

/// Σ_i a[i] · b[i]
@inlinable @inline(__always)
public func dot<S: BinaryFloatingPoint & SIMDScalar>(
    _ a: UnsafePointer<S>,   // [n]
    _ b: UnsafePointer<S>,   // [n]
    count n: Int,
    path: KernelPath = .best
) -> S {
    if path.usesAVX2(for: S.self) { return unsafeBitCast(lenet_avx2_dot(floats(a), floats(b), n), to: S.self) }
    var acc0 = SIMD8<S>(), acc1 = SIMD8<S>()
    var i = 0
    while i + 16 <= n {
        acc0 += load8(a + i) * load8(b + i)
        acc1 += load8(a + i + 8) * load8(b + i + 8)
        i += 16
    }
    if i + 8 <= n {
        acc0 += load8(a + i) * load8(b + i)
        i += 8
    }
    var sum = (acc0 + acc1).sum()
    while i < n {
        sum += a[i] * b[i]
        i += 1
    }
    return sum
}

/// Σ_i a[i]; the AVX2 kernel adds in this loop's order (the same bits).
@inlinable
public func sum<S: BinaryFloatingPoint & SIMDScalar>(
    _ a: UnsafePointer<S>,  // [n]
    count n: Int,
    path: KernelPath = .best
) -> S {
    if path.usesAVX2(for: S.self) { return unsafeBitCast(lenet_avx2_sum(floats(a), n), to: S.self) }
    var acc0 = SIMD8<S>(), acc1 = SIMD8<S>()
    var i = 0
    while i + 16 <= n {
        acc0 += load8(a + i)
        acc1 += load8(a + i + 8)
        i += 16
    }
    if i + 8 <= n {
        acc0 += load8(a + i)
        i += 8
    }
    var total = (acc0 + acc1).sum()
    while i < n {
        total += a[i]
        i += 1
    }
    return total
}

/// y[i] += α · x[i]
@inlinable @inline(__always)
public func axpy<S: BinaryFloatingPoint & SIMDScalar>(
    _ alpha: S,
    _ x: UnsafePointer<S>,         // [n]
    _ y: UnsafeMutablePointer<S>,  // [n], accumulated
    count n: Int,
    path: KernelPath = .best
) {
    if path.usesAVX2(for: S.self) {
        lenet_avx2_axpy(unsafeBitCast(alpha, to: Float.self), floats(x), floats(y), n)
        return
    }
    for i in 0..<n { y[i] += alpha * x[i] }  // no reduction: the compiler vectorises it
}

/// The plain reference for ``dot(_:_:count:path:)``.
@inlinable
public func dotNaive<S: BinaryFloatingPoint>(_ a: UnsafePointer<S>, _ b: UnsafePointer<S>, count n: Int) -> S {
    var sum = S.zero
    for i in 0..<n { sum += a[i] * b[i] }
    return sum
}
