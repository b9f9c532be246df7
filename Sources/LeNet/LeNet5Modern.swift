/// What most reproductions (and most tutorials) call LeNet-5: the 1998 shapes with today's
/// parts. It is not the paper's model; ``LeNet5`` is.
///
/// | layer | output   | modern choice                 | the paper's                          |
/// |-------|----------|-------------------------------|--------------------------------------|
/// | C1    | 6@28x28  | 5x5 convolution, ReLU         | scaled tanh                          |
/// | S2    | 6@14x14  | 2x2 max-pooling               | trainable subsampling + tanh         |
/// | C3    | 16@10x10 | all 6 maps feed every map     | Table I's partial connections        |
/// | S4    | 16@5x5   | 2x2 max-pooling               | trainable subsampling + tanh         |
/// | C5    | 120      | 5x5 convolution, ReLU         | scaled tanh                          |
/// | F6    | 84       | fully connected, ReLU         | scaled tanh                          |
/// | output| 10       | fully connected scores        | Euclidean RBF                        |
///
/// Softmax cross-entropy, PyTorch's default initialisation, and Adam by default.
public enum LeNet5Modern {
    public static var layers: [Layer] {
        let c1 = Convolution(name: "c1", input: FeatureShape(channels: 1, height: 32, width: 32), outputChannels: 6, kernelSize: 5)
        let s2 = Pooling(name: "s2", kind: .max, input: c1.outputShape)
        let c3 = Convolution(name: "c3", input: s2.outputShape, outputChannels: 16, kernelSize: 5)
        let s4 = Pooling(name: "s4", kind: .max, input: c3.outputShape)
        let c5 = Convolution(name: "c5", input: s4.outputShape, outputChannels: 120, kernelSize: 5)
        let f6 = FullyConnected(name: "f6", input: c5.outputShape, outputs: 84)
        let output = FullyConnected(name: "output", input: f6.outputShape, outputs: 10)
        func relu(_ l: some LayerDescription) -> Layer {
            .activation(ActivationLayer(name: "\(l.name).relu", function: .relu, shape: l.outputShape))
        }
        return [
            .convolution(c1), relu(c1), .pooling(s2),
            .convolution(c3), relu(c3), .pooling(s4),
            .convolution(c5), relu(c5),
            .fullyConnected(f6), relu(f6),
            .fullyConnected(output),
        ]
    }
}
