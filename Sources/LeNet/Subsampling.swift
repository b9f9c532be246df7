import LeNetKernels

/// LeNet-5's trainable subsampling (S2, S4; LeCun et al. 1998, Section II-B): each unit adds its
/// 2x2 non-overlapping inputs, multiplies the sum by its map's trainable coefficient and adds its
/// map's trainable bias. The activation that follows is a separate ``ActivationLayer``.
/// Parameters: `weight [C]` (the coefficients), `bias [C]`.
///
///     a[c,y,x] = w[c] · Σ_{dy,dx ∈ {0,1}} in[c, 2y+dy, 2x+dx] + b[c]
public struct Subsampling: LayerDescription {
    public let name: String
    public let inputShape: FeatureShape

    public init(name: String, input: FeatureShape) {
        precondition(input.height % 2 == 0 && input.width % 2 == 0, "subsampling needs even map sizes")
        self.name = name
        inputShape = input
    }

    public var outputShape: FeatureShape { FeatureShape(channels: inputShape.channels, height: inputShape.height / 2, width: inputShape.width / 2) }
    var channels: Int { inputShape.channels }

    public var parameterTensors: [ParameterTensor] {
        [ParameterTensor(name: "\(name).weight", shape: [channels], trainableCount: channels, isBias: false),
         ParameterTensor(name: "\(name).bias", shape: [channels], trainableCount: channels, isBias: true)]
    }

    /// Four inputs and a bias per unit: the paper's 5,880 for S2.
    public var connections: Int { outputShape.count * 5 }

    public func initialize(_ p: UnsafeMutableBufferPointer<Double>, scheme: Initialization, using rng: inout SplitMix64) {
        for j in 0..<2 * channels { p[j] = rng.uniform(scheme.limit(fanIn: 4)) }
    }

    func forward<S: NetworkScalar>(parameters: UnsafePointer<S>, input: UnsafePointer<S>, output: UnsafeMutablePointer<S>, batch: Int) {
        subsamplingForward(planes: batch * channels, channels: channels, height: inputShape.height, width: inputShape.width,
                           input: input, coefficients: parameters, bias: parameters + channels, output: output)
    }

    /// See ``subsamplingBackward(planes:channels:height:width:squared:input:coefficients:outputGradient:coefficientGradient:biasGradient:inputGradient:path:)``;
    /// `squared` is the curvature pass.
    func backward<S: NetworkScalar>(
        parameters: UnsafePointer<S>, input: UnsafePointer<S>, outputGradient: UnsafePointer<S>,
        inputGradient: UnsafeMutablePointer<S>?, parameterGradient: UnsafeMutablePointer<S>, batch: Int, squared: Bool
    ) {
        subsamplingBackward(planes: batch * channels, channels: channels, height: inputShape.height, width: inputShape.width,
                            squared: squared, input: input, coefficients: parameters, outputGradient: outputGradient,
                            coefficientGradient: parameterGradient, biasGradient: parameterGradient + channels,
                            inputGradient: inputGradient)
    }

    func forward(
        parameters: UnsafePointer<Float>, input: UnsafePointer<Float>, activation: FusedActivation, output: UnsafeMutablePointer<Float>,
        batch: Int
    ) {
        subsamplingForward(planes: batch * channels, channels: channels, height: inputShape.height, width: inputShape.width,
                           input: input, coefficients: parameters, bias: parameters + channels, activation: activation, output: output)
    }

    func backward(
        parameters: UnsafePointer<Float>, input: UnsafePointer<Float>, activation: FusedActivation, activated: UnsafePointer<Float>,
        outputGradient: UnsafeMutablePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
        parameterGradient: UnsafeMutablePointer<Float>, batch: Int
    ) {
        subsamplingBackward(planes: batch * channels, channels: channels, height: inputShape.height, width: inputShape.width,
                            input: input, coefficients: parameters, activation: activation, activated: activated,
                            outputGradient: outputGradient, coefficientGradient: parameterGradient,
                            biasGradient: parameterGradient + channels, inputGradient: inputGradient)
    }
}
