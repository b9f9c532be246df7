/// The rectifier and its backward over a buffer: the loops `ActivationLayer` and the unfused
/// paths of ``FusedActivation`` share. Both values are read before the select, so the loops
/// vectorise (a conditional load does not).

/// y = max(0, x), written x > 0 ? x : 0 (NaN and -0 give +0), in place or not.
@inlinable
public func relu<S: BinaryFloatingPoint>(
    _ x: UnsafePointer<S>,              // [n]
    into y: UnsafeMutablePointer<S>,    // [n]
    count n: Int
) {
    for i in 0..<n { let v = x[i]; y[i] = v > 0 ? v : 0 }
}

/// dx = g where y > 0, +0 elsewhere: from the output, since y > 0 exactly where x > 0 (a
/// convolution that applies the ReLU itself keeps no x). f' ∈ {0, 1}, so f'² g is the same.
@inlinable
public func reluBackward<S: BinaryFloatingPoint>(
    output y: UnsafePointer<S>,              // [n]
    outputGradient g: UnsafePointer<S>,      // [n]
    into dx: UnsafeMutablePointer<S>,        // [n], may be g
    count n: Int
) {
    for i in 0..<n { let gi = g[i]; dx[i] = y[i] > 0 ? gi : 0 }
}
