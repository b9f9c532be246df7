/// LeNet-1 as the seed describes it (after LeCun et al., "Handwritten Digit Recognition with a
/// Back-Propagation Network", NIPS 1989/1990):
///
///     28x28 -> C1 4@24x24 (5x5) -> pool 4@12x12 -> C2 12@8x8 (5x5, all 4 maps)
///           -> pool 12@4x4 -> fully connected 10
///
/// 3,220 weights without biases (100 + 1,200 + 1,920), 3,246 with. Scaled tanh after C1 and
/// C2, weights uniform in ±2.4/fan-in.
///
/// Where it differs from the paper:
/// - pooling: the paper averages, which is the default; `.max` is the seed's max-pooling;
/// - C2 reads all four C1 maps (the paper's H3 used a partial connection scheme);
/// - the output is trained with softmax cross-entropy, where the paper used mean squared error
///   against ±1 targets on squashed outputs.
public enum LeNet1 {
    public static func layers(pooling: Pooling.Kind) -> [Layer] {
        let c1 = Convolution(name: "c1", input: FeatureShape(channels: 1, height: 28, width: 28), outputChannels: 4, kernelSize: 5)
        let s1 = Pooling(name: "s1", kind: pooling, input: c1.outputShape)
        let c2 = Convolution(name: "c2", input: s1.outputShape, outputChannels: 12, kernelSize: 5)
        let s2 = Pooling(name: "s2", kind: pooling, input: c2.outputShape)
        let fc = FullyConnected(name: "fc", input: s2.outputShape, outputs: 10)
        return [
            .convolution(c1), .activation(ActivationLayer(name: "c1.tanh", function: .scaledTanh, shape: c1.outputShape)),
            .pooling(s1),
            .convolution(c2), .activation(ActivationLayer(name: "c2.tanh", function: .scaledTanh, shape: c2.outputShape)),
            .pooling(s2),
            .fullyConnected(fc),
        ]
    }
}
