/// LeNet-5 as LeCun, Bottou, Bengio and Haffner describe it in "Gradient-Based Learning Applied
/// to Document Recognition" (Proc. IEEE, 1998), Section II-B.
///
/// | layer | output    | what                                                             | paper |
/// |-------|-----------|------------------------------------------------------------------|-------|
/// | input | 1@32x32   | 28x28 digit padded by 2, background -0.1, ink 1.175               | same  |
/// | C1    | 6@28x28   | 5x5 convolution, scaled tanh                                      | same  |
/// | S2    | 6@14x14   | 2x2 sum x trainable coefficient + trainable bias, scaled tanh     | same  |
/// | C3    | 16@10x10  | 5x5 convolution over Table I's subsets of S2, scaled tanh         | same  |
/// | S4    | 16@5x5    | as S2                                                             | same  |
/// | C5    | 120@1x1   | 5x5 convolution over all 16 maps, scaled tanh                     | same  |
/// | F6    | 84        | fully connected, scaled tanh f(a) = 1.7159 tanh(2a/3)             | same  |
/// | output| 10        | Euclidean RBF units over fixed 7x12 digit bitmaps                 | same  |
///
/// 60,000 trainable parameters and 340,908 connections, as the paper states. Trained with the
/// MAP criterion (``MAPLoss``) by stochastic diagonal Levenberg-Marquardt
/// (``StochasticDiagonalLevenbergMarquardt``), weights starting uniform in ±2.4/fan-in.
///
/// Where the paper is silent we chose: the constant j of the criterion (0.1), the exact
/// shapes of the 7x12 bitmaps (redrawn after Fig. 3, see ``RBFOutput/bitmaps``), and the
/// curvature of the criterion used by the Levenberg-Marquardt step (see ``MAPLoss``).
///
/// Where the default training departs from the paper (each a named setting, see
/// ``TrainingConfiguration/defaults(for:)``): μ = 0.5 instead of 0.02, a warm-up of the step
/// over the first 10,000 samples, and curvature re-estimated every 1,000 samples in the first
/// pass. `lenet train --mu 0.02 --warmup 0 --curvature-interval 0` is the paper to the letter
/// (it diverges here).
public enum LeNet5 {
    /// Table I: which S2 maps (rows) each C3 map (columns) reads. Maps 0-5 read three
    /// contiguous S2 maps, 6-11 four contiguous, 12-14 four non-contiguous, 15 all six.
    /// Breaking the symmetry this way forces the maps to learn different features, and it
    /// keeps the connections to 151,600.
    public static let c3Table = ConnectionTable(drawn: [
        //  0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
        "   X . . . X X X . . X X  X  X  .  X  X", // S2 map 0
        "   X X . . . X X X . . X  X  X  X  .  X", // S2 map 1
        "   X X X . . . X X X . .  X  .  X  X  X", // S2 map 2
        "   . X X X . . X X X X .  .  X  .  X  X", // S2 map 3
        "   . . X X X . . X X X X  .  X  X  .  X", // S2 map 4
        "   . . . X X X . . X X X  X  .  X  X  X", // S2 map 5
    ])

    public static var layers: [Layer] {
        let input = FeatureShape(channels: 1, height: 32, width: 32)
        let c1 = Convolution(name: "c1", input: input, outputChannels: 6, kernelSize: 5)
        let s2 = Subsampling(name: "s2", input: c1.outputShape)
        let c3 = Convolution(name: "c3", input: s2.outputShape, outputChannels: 16, kernelSize: 5, table: c3Table)
        let s4 = Subsampling(name: "s4", input: c3.outputShape)
        let c5 = Convolution(name: "c5", input: s4.outputShape, outputChannels: 120, kernelSize: 5)
        let f6 = FullyConnected(name: "f6", input: c5.outputShape, outputs: 84)
        func squash(_ l: some LayerDescription) -> Layer {
            .activation(ActivationLayer(name: "\(l.name).tanh", function: .scaledTanh, shape: l.outputShape))
        }
        return [
            .convolution(c1), squash(c1),
            .subsampling(s2), squash(s2),
            .convolution(c3), squash(c3),
            .subsampling(s4), squash(s4),
            .convolution(c5), squash(c5),
            .fullyConnected(f6), squash(f6),
            .rbf(RBFOutput(input: f6.outputShape)),
        ]
    }
}
