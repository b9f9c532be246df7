/// The stochastic diagonal Levenberg-Marquardt method of LeCun et al. 1998 (Appendix C):
/// each parameter w_k gets its own step
///
///     ε_k = ε / (μ + h_kk)
///
/// where h_kk is a running estimate of the diagonal of the Gauss-Newton approximation of the
/// Hessian, d²E/dw_k², summed over the connections that share w_k and averaged over a few
/// hundred samples, and μ keeps the step bounded where the curvature is small. The paper
/// re-estimates h on 500 samples before each pass, with μ = 0.02 and the global ε following
/// ``paperSchedule(epoch:)``; between estimates the method costs no more than plain stochastic
/// gradient descent.
public enum StochasticDiagonalLevenbergMarquardt {
    /// The paper's global step: 0.0005 for passes 1-2, 0.0002 for 3-5, 0.0001 for 6-8,
    /// 0.00005 for 9-12, 0.00001 after (`epoch` counts from 0).
    public static func paperSchedule(epoch: Int) -> Double {
        switch epoch {
        case ..<2: 0.0005
        case ..<5: 0.0002
        case ..<8: 0.0001
        case ..<12: 0.00005
        default: 0.00001
        }
    }

    /// Estimates h over `samples` samples and writes ε / (μ + h_k) for every parameter.
    static func estimateSteps<S: NetworkScalar>(
        network: Network<S>, inputs: UnsafePointer<S>, labels: UnsafePointer<UInt8>, samples: Int,
        epsilon: S, mu: S, into steps: inout [S]
    ) {
        var h = [S](repeating: 0, count: network.parameterCount)
        let chunk = 50, size = network.inputShape.count
        h.withUnsafeMutableBufferPointer { hp in
            for start in stride(from: 0, to: samples, by: chunk) {
                let n = min(chunk, samples - start)
                network.runCurvature(inputs: inputs + start * size, labels: labels + start, batch: n, into: hp.baseAddress!)
            }
        }
        let scale = 1 / S(max(samples, 1))
        for k in 0..<steps.count { steps[k] = epsilon / (mu + h[k] * scale) }
    }
}
