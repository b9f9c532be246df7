import RealModule

/// Softmax cross-entropy over scores z (the modern models and the fully connected baselines):
///
///     E = −log p_D,   p_i = e^{z_i} / Σ_k e^{z_k}
///     dE/dz_i = p_i − δ_{iD},   curvature (diagonal of the Hessian) p_i (1 − p_i)
enum SoftmaxCrossEntropy {
    static func softmax<S: NetworkScalar>(_ z: UnsafePointer<S>, classes: Int, into p: UnsafeMutablePointer<S>) {
        var m = z[0]
        for i in 1..<classes { m = Swift.max(m, z[i]) }
        var sum = S.zero
        for i in 0..<classes {
            p[i] = S.exp(z[i] - m)
            sum += p[i]
        }
        for i in 0..<classes { p[i] /= sum }
    }

    static func evaluate<S: NetworkScalar>(logits z: UnsafePointer<S>, classes: Int, label: Int, gradient: UnsafeMutablePointer<S>?) -> S {
        var m = z[0]
        for i in 1..<classes { m = Swift.max(m, z[i]) }
        var sum = S.zero
        for i in 0..<classes { sum += S.exp(z[i] - m) }
        let logSum = m + S.log(sum)
        if let g = gradient {
            for i in 0..<classes { g[i] = S.exp(z[i] - logSum) - (i == label ? 1 : 0) }
        }
        return logSum - z[label]
    }
}
