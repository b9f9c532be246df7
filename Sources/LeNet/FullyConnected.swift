import LeNetKernels

/// A fully connected layer (F6, the MLP layers, LeNet-1's output): y = W x + b.
/// Parameters: `weight [out, in]`, `bias [out]`, as `torch.nn.Linear`.
public struct FullyConnected: LayerDescription {
    public let name: String
    public let inputShape: FeatureShape
    public let outputs: Int

    public init(name: String, input: FeatureShape, outputs: Int) {
        self.name = name
        inputShape = input
        self.outputs = outputs
    }

    public var outputShape: FeatureShape { FeatureShape(channels: outputs) }
    var inputs: Int { inputShape.count }

    public var parameterTensors: [ParameterTensor] {
        [ParameterTensor(name: "\(name).weight", shape: [outputs, inputs], trainableCount: outputs * inputs, isBias: false),
         ParameterTensor(name: "\(name).bias", shape: [outputs], trainableCount: outputs, isBias: true)]
    }

    public var connections: Int { outputs * (inputs + 1) }

    public func initialize(_ p: UnsafeMutableBufferPointer<Double>, scheme: Initialization, using rng: inout SplitMix64) {
        let limit = scheme.limit(fanIn: inputs)
        for j in 0..<p.count { p[j] = rng.uniform(limit) }
    }

    func forward<S: NetworkScalar>(parameters: UnsafePointer<S>, input: UnsafePointer<S>, output: UnsafeMutablePointer<S>, batch: Int) {
        matrixForward(rows: outputs, columns: inputs, batch: batch, weights: parameters, bias: parameters + outputs * inputs,
                      input: input, output: output)
    }

    func backward<S: NetworkScalar>(
        parameters: UnsafePointer<S>, input: UnsafePointer<S>, outputGradient: UnsafePointer<S>,
        inputGradient: UnsafeMutablePointer<S>?, parameterGradient: UnsafeMutablePointer<S>, batch: Int
    ) {
        inputGradient?.update(repeating: 0, count: inputs * batch)
        matrixBackward(rows: outputs, columns: inputs, batch: batch, weights: parameters, input: input,
                       outputGradient: outputGradient, weightGradient: parameterGradient,
                       biasGradient: parameterGradient + outputs * inputs, inputGradient: inputGradient)
    }
}
