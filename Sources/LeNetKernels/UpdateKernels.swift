/// Parameter updates of the optimizers, eight parameters at a time. They run once per step over
/// every parameter (61,706 for LeNet-5), on one thread: done one value at a time, Adam's square
/// root and two divisions per parameter took ~0.3 ms a step, longer than the forward and
/// backward passes of a small batch. Each also sets the gradient it used to zero, ready for the
/// next step to accumulate into: in online training a separate pass to clear it cost 4% of the
/// time.

/// total[i] += g[i];  g[i] = 0  (a chunk's gradient added into a batch's, leaving its buffer
/// ready for the next batch).
@inlinable
public func addAndClear<S: BinaryFloatingPoint & SIMDScalar>(
    _ g: UnsafeMutablePointer<S>,              // [n], zeroed
    into total: UnsafeMutablePointer<S>,       // [n]
    count n: Int
) {
    var i = 0
    while i + 8 <= n {
        store8(load8(total + i) + load8(g + i), total + i)
        store8(SIMD8(), g + i)
        i += 8
    }
    while i < n { total[i] += g[i]; g[i] = 0; i += 1 }
}

/// w[i] -= s · rate[i] · g[i];  g[i] = 0  (SDLM: `rate` holds ε/(μ + h) per parameter).
@inlinable
public func scaledStep<S: BinaryFloatingPoint & SIMDScalar>(
    _ w: UnsafeMutablePointer<S>,    // [n]
    rates: UnsafePointer<S>,         // [n]
    gradient g: UnsafeMutablePointer<S>,  // [n], zeroed
    scale s: S, count n: Int
) {
    var i = 0
    while i + 8 <= n {
        store8(load8(w + i) - load8(rates + i) * s * load8(g + i), w + i)
        store8(SIMD8(), g + i)
        i += 8
    }
    while i < n { w[i] -= rates[i] * s * g[i]; g[i] = 0; i += 1 }
}

/// v = m v + s g;  w -= lr v;  g = 0  (SGD with heavy-ball momentum; `s` averages a batch's summed gradient).
@inlinable
public func momentumStep<S: BinaryFloatingPoint & SIMDScalar>(
    _ w: UnsafeMutablePointer<S>,          // [n]
    velocity v: UnsafeMutablePointer<S>,   // [n]
    gradient g: UnsafeMutablePointer<S>,   // [n], zeroed
    momentum m: S, scale s: S, learningRate lr: S, count n: Int
) {
    var i = 0
    while i + 8 <= n {
        let vi = m * load8(v + i) + s * load8(g + i)
        store8(vi, v + i)
        store8(load8(w + i) - lr * vi, w + i)
        store8(SIMD8(), g + i)
        i += 8
    }
    while i < n { v[i] = m * v[i] + s * g[i]; w[i] -= lr * v[i]; g[i] = 0; i += 1 }
}

/// Adam (Kingma and Ba 2015, Algorithm 1) with gradient s·g and bias corrections c1 = 1 - β1ᵗ,
/// c2 = 1 - β2ᵗ:  m = β1 m + (1-β1) g;  v = β2 v + (1-β2) g²;  w -= lr (m / c1) / (√(v / c2) + ε);  g = 0.
@inlinable
public func adamStep<S: BinaryFloatingPoint & SIMDScalar>(
    _ w: UnsafeMutablePointer<S>,        // [n]
    first m: UnsafeMutablePointer<S>,    // [n]
    second v: UnsafeMutablePointer<S>,   // [n]
    gradient g: UnsafeMutablePointer<S>, // [n], zeroed
    scale s: S, beta1 b1: S, beta2 b2: S, correction1 c1: S, correction2 c2: S, learningRate lr: S, epsilon eps: S,
    count n: Int
) {
    let step = lr / c1, r2 = 1 / c2
    var i = 0
    while i + 8 <= n {
        let gi = s * load8(g + i)
        let mi = b1 * load8(m + i) + (1 - b1) * gi, vi = b2 * load8(v + i) + (1 - b2) * gi * gi
        store8(mi, m + i)
        store8(vi, v + i)
        store8(load8(w + i) - step * mi / ((vi * r2).squareRoot() + eps), w + i)
        store8(SIMD8(), g + i)
        i += 8
    }
    while i < n {
        let gi = s * g[i]
        m[i] = b1 * m[i] + (1 - b1) * gi
        v[i] = b2 * v[i] + (1 - b2) * gi * gi
        w[i] -= step * m[i] / ((v[i] * r2).squareRoot() + eps)
        g[i] = 0
        i += 1
    }
}
