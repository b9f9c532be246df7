import LeNetKernels
import RealModule

/// An elementwise nonlinearity as its own layer (no parameters, no connections counted).
public struct ActivationLayer: LayerDescription {
    public enum Function: String, Sendable, Codable, CaseIterable {
        /// LeCun et al. 1998, Appendix A: f(a) = A tanh(S a), A = 1.7159, S = 2/3, so f(±1) = ±1
        /// and the second derivative peaks at ±1, where the RBF targets sit.
        case scaledTanh
        case relu
    }

    public static let tanhAmplitude = 1.7159
    public static let tanhSlope = 2.0 / 3.0

    public let name: String
    public let function: Function
    public let inputShape: FeatureShape

    public init(name: String, function: Function, shape: FeatureShape) {
        self.name = name
        self.function = function
        inputShape = shape
    }

    public var outputShape: FeatureShape { inputShape }
    public var parameterTensors: [ParameterTensor] { [] }
    public var connections: Int { 0 }
    public func initialize(_ p: UnsafeMutableBufferPointer<Double>, scheme: Initialization, using rng: inout SplitMix64) {}

    func forward<S: NetworkScalar>(input: UnsafePointer<S>, output: UnsafeMutablePointer<S>, batch: Int) {
        let n = inputShape.count * batch
        switch function {
        case .scaledTanh:
            let a = S(Self.tanhAmplitude), s = S(Self.tanhSlope)
            if S.self == Float.self {
                // Training and inference: the vectorised kernel (within 3.7e-7 of tanh).
                input.withMemoryRebound(to: Float.self, capacity: n) { x in
                    output.withMemoryRebound(to: Float.self, capacity: n) { y in
                        scaledTanh(x, into: y, count: n, amplitude: Float(a), slope: Float(s))
                    }
                }
            } else {
                for i in 0..<n { output[i] = a * S.tanh(s * input[i]) }      // y = A tanh(S x), Double checks
            }
        case .relu:
            relu(input, into: output, count: n)  // y = max(0, x)
        }
    }

    /// dx = f'(x) · g; for the curvature pass dx = f'(x)² · g.
    func backward<S: NetworkScalar>(
        input: UnsafePointer<S>, output: UnsafePointer<S>, outputGradient: UnsafePointer<S>,
        inputGradient: UnsafeMutablePointer<S>?, batch: Int, squared: Bool
    ) {
        guard let dx = inputGradient else { return }
        let n = inputShape.count * batch
        switch function {
        case .scaledTanh:
            // f'(x) = A S (1 - tanh²(S x)) = (S / A)(A² - y²), from the saved output y.
            scaledTanhBackward(output: output, outputGradient: outputGradient, into: dx, count: n,
                               amplitude: S(Self.tanhAmplitude), slope: S(Self.tanhSlope), squared: squared)
        case .relu:
            reluBackward(output: output, outputGradient: outputGradient, into: dx, count: n)  // f'² = f' ∈ {0, 1}
        }
    }
}
