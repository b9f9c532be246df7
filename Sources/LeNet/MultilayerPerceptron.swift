/// The fully connected baselines of LeCun et al. 1998 (Section III-C): 784 inputs, hidden
/// layers of scaled tanh units, 10 scaled tanh outputs trained towards ±1 targets
/// (``MeanSquaredError``), as the paper's nets were. The paper reports 4.7% (300 hidden),
/// 4.5% (1000) and 3.05% (300-100) test error on MNIST without distortions.
///
/// Files written before the output was squashed (trained with softmax cross-entropy) load
/// and predict the same: the squashing has no parameters and keeps the order of the outputs.
public enum MultilayerPerceptron {
    public static func layers(hidden: [Int]) -> [Layer] {
        var layers: [Layer] = []
        var input = FeatureShape(channels: 1, height: 28, width: 28)
        for (n, width) in (hidden + [10]).enumerated() {
            let fc = FullyConnected(name: "fc\(n + 1)", input: input, outputs: width)
            layers.append(.fullyConnected(fc))
            do {
                layers.append(.activation(ActivationLayer(name: "fc\(n + 1).tanh", function: .scaledTanh, shape: fc.outputShape)))
            }
            input = fc.outputShape
        }
        return layers
    }
}
