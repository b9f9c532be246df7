import LeNetKernels

/// Parameter-free 2x2 pooling with stride 2: averaging (LeNet-1 as published, 1989-1990) or
/// taking the maximum (the seed's LeNet-1, and the modern LeNet-5).
public struct Pooling: LayerDescription {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case average, max
    }

    public let name: String
    public let kind: Kind
    public let inputShape: FeatureShape

    public init(name: String, kind: Kind, input: FeatureShape) {
        precondition(input.height % 2 == 0 && input.width % 2 == 0, "pooling needs even map sizes")
        self.name = name
        self.kind = kind
        inputShape = input
    }

    public var outputShape: FeatureShape { FeatureShape(channels: inputShape.channels, height: inputShape.height / 2, width: inputShape.width / 2) }
    public var parameterTensors: [ParameterTensor] { [] }
    public var connections: Int { outputShape.count * 4 }
    public func initialize(_ p: UnsafeMutableBufferPointer<Double>, scheme: Initialization, using rng: inout SplitMix64) {}

    /// average: y = (a + b + c + d) / 4;  max: y = max(a, b, c, d). Planes are whole rows, so all
    /// rows of the batch run as one sequence.
    func forward<S: NetworkScalar>(input: UnsafePointer<S>, output: UnsafeMutablePointer<S>, batch: Int) {
        let rows = batch * outputShape.channels * outputShape.height, width = inputShape.width
        poolingForward(maximum: kind == .max, rows: rows, width: width, input: input, output: output)
    }

    /// average: dx = g / 4 (squared: g / 16);  max: dx = g at the first maximal input, 0 elsewhere.
    func backward<S: NetworkScalar>(
        input: UnsafePointer<S>, output: UnsafePointer<S>, outputGradient: UnsafePointer<S>,
        inputGradient: UnsafeMutablePointer<S>?, batch: Int, squared: Bool
    ) {
        guard let inputGradient else { return }
        let rows = batch * outputShape.channels * outputShape.height, width = inputShape.width
        switch kind {
        case .average:
            averagePoolingBackward(rows: rows, width: width, outputGradient: outputGradient, share: squared ? 1 / 16 : 1 / 4,
                                   inputGradient: inputGradient)
        case .max:
            maxPoolingBackward(rows: rows, width: width, input: input, output: output, outputGradient: outputGradient,
                               inputGradient: inputGradient)
        }
    }
}
