import RealModule

/// LeNet-5's maximum a posteriori criterion (LeCun et al. 1998, Section II-C, eq. 9):
///
///     E = y_D + log(e^{-j} + Σ_i e^{-y_i})
///
/// where y_i are the RBF penalties and D the correct class. The first term pulls the correct
/// penalty down; the second pushes the others up, but not past j, a "rubbish class" that keeps
/// penalties from being pushed apart without end and avoids the collapse of the plain MSE
/// criterion with trainable RBF centres.
///
///     dE/dy_i = δ_{iD} − q_i,   q_i = e^{-y_i} / (e^{-j} + Σ_k e^{-y_k})
///
/// For the Levenberg-Marquardt curvature we take the diagonal of the log term's Hessian,
/// q_i (1 − q_i) (the y_D term is linear in y_i, so it adds none).
public struct MAPLoss: Sendable, Hashable, Codable {
    /// The paper's constant j. It does not say the value; 0.1 is ours.
    public var j: Double

    public init(j: Double = 0.1) { self.j = j }

    func evaluate<S: NetworkScalar>(penalties y: UnsafePointer<S>, classes: Int, label: Int, gradient: UnsafeMutablePointer<S>?) -> S {
        let (m, z) = normalizer(y, classes: classes)
        if let g = gradient {
            for i in 0..<classes { g[i] = (i == label ? 1 : 0) - S.exp(-(y[i] - m)) / z }
        }
        return y[label] - m + S.log(z)
    }

    /// q_i as above: how the criterion shares probability between the classes.
    func posteriors<S: NetworkScalar>(penalties y: UnsafePointer<S>, classes: Int, into q: UnsafeMutablePointer<S>) {
        let (m, z) = normalizer(y, classes: classes)
        for i in 0..<classes { q[i] = S.exp(-(y[i] - m)) / z }
    }

    /// (m, z) with e^{-j} + Σ e^{-y_i} = e^{-m} z: shifted by the smallest exponent so no term
    /// underflows to zero (e^{-y} does in Float for y > ~104).
    private func normalizer<S: NetworkScalar>(_ y: UnsafePointer<S>, classes: Int) -> (m: S, z: S) {
        let jS = S(j)
        var m = jS
        for i in 0..<classes { m = Swift.min(m, y[i]) }
        var z = S.exp(-(jS - m))
        for i in 0..<classes { z += S.exp(-(y[i] - m)) }
        return (m, z)
    }
}
