/// The criterion of the 1998 paper's fully connected baselines: the squared distance of the
/// squashed outputs y (scaled tanh, so f(±1) = ±1) to +1 for the correct class and -1 for
/// the others.
///
///     E = Σ_i (y_i − t_i)²,   dE/dy_i = 2 (y_i − t_i),   d²E/dy_i² = 2 (exact)
enum MeanSquaredError {
    static let curvature = 2.0

    static func evaluate<S: NetworkScalar>(outputs y: UnsafePointer<S>, classes: Int, label: Int, gradient: UnsafeMutablePointer<S>?) -> S {
        var sum = S.zero
        for i in 0..<classes {
            let d = y[i] - (i == label ? 1 : -1)
            sum += d * d                    // E = Σ (y − t)²
            gradient?[i] = 2 * d            // dE/dy = 2 (y − t)
        }
        return sum
    }
}
