import LeNetKernels

/// LeNet-5's trainable subsampling (S2, S4; LeCun et al. 1998, Section II-B): each unit adds its
/// 2x2 non-overlapping inputs, multiplies the sum by its map's trainable coefficient and adds its
/// map's trainable bias. The squashing that follows is a separate ``ActivationLayer``.
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

    /// dw[c] += Σ g · (sum of the unit's inputs);  db[c] += Σ g;  d in = w[c] · g  (each input of the unit).
    /// `squared` (the curvature pass): dw[c] += Σ g · (sum)²;  db[c] += Σ g;  d in = w[c]² · g.
    /// The coefficient enters each unit once, through the sum, so the sum is squared, not its
    /// four inputs one by one: the exact Gauss-Newton diagonal.
    func backward<S: NetworkScalar>(
        parameters: UnsafePointer<S>, input: UnsafePointer<S>, outputGradient: UnsafePointer<S>,
        inputGradient: UnsafeMutablePointer<S>?, parameterGradient: UnsafeMutablePointer<S>, batch: Int, squared: Bool
    ) {
        let oh = outputShape.height, iw = inputShape.width, units = outputShape.planeCount
        // Each unit's input sum (squared for the curvature) goes into a scratch plane, so the two
        // reductions are the vectorised dot and sum kernels (one unit at a time they were a chain
        // of dependent additions). The sums are the forward kernel with coefficient 1 and bias 0
        // (1 · s + 0 = s), and dx = w · g at all four inputs is average pooling's backward with
        // share w: stride-2 loops in Swift stayed scalar (3.7 µs of S2's backward per image).
        var one = S(1), zero = S(0)
        withUnsafeTemporaryAllocation(of: S.self, capacity: units) { sums in
            let s = sums.baseAddress!
            for b in 0..<batch {
                for c in 0..<channels {
                    let src = input + (b * channels + c) * inputShape.planeCount
                    let g = outputGradient + (b * channels + c) * units
                    let w = squared ? parameters[c] * parameters[c] : parameters[c]
                    subsamplingForward(planes: 1, channels: 1, height: inputShape.height, width: iw, input: src, coefficients: &one,
                                       bias: &zero, output: s)
                    if squared { for j in 0..<units { s[j] *= s[j] } }
                    parameterGradient[c] += dot(g, s, count: units)
                    parameterGradient[channels + c] += sum(g, count: units)
                    guard let dIn = inputGradient.map({ $0 + (b * channels + c) * inputShape.planeCount }) else { continue }
                    averagePoolingBackward(rows: oh, width: iw, outputGradient: g, share: w, inputGradient: dIn)
                }
            }
        }
    }
}
