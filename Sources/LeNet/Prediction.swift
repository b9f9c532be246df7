/// What a network makes of one digit: its answer, how sure it is, and what each layer saw.
public struct Prediction: Sendable, Equatable, Codable {
    /// The class the network picks (smallest RBF penalty, or largest score).
    public var digit: Int
    /// One per class, summing to 1 (see ``Loss/probabilities(output:classes:into:)``).
    public var probabilities: [Double]
    /// The network's raw outputs: RBF penalties for `lenet5`, scores (logits) for the others.
    public var outputs: [Double]

    public struct Ranked: Sendable, Equatable, Codable {
        public var digit: Int
        public var probability: Double
    }

    /// The `k` likeliest classes, likeliest first.
    public func top(_ k: Int) -> [Ranked] {
        probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }.prefix(k).map { Ranked(digit: $0, probability: probabilities[$0]) }
    }
}

/// The maps one stage of a network produced for one input: after the stage's own layer and
/// the activation that follows it, named as the paper names the stage (C1, S2, ...).
public struct FeatureMaps: Sendable, Equatable, Codable {
    public var name: String
    public var shape: FeatureShape
    /// `shape.channels` maps of `shape.height` x `shape.width`, one after another.
    public var values: [Float]
}

extension Network where S == Float {
    /// Classifies one 28x28 digit (0 background ... 255 ink, as ``LabeledImages`` holds them).
    public func predict(pixels: [UInt8]) -> Prediction {
        precondition(pixels.count == 28 * 28, "a digit is 28x28 pixels, not \(pixels.count)")
        let encoding = architecture.inputEncoding
        var input = [Float](repeating: 0, count: encoding.shape(width: 28, height: 28).count)
        pixels.withUnsafeBufferPointer { encoding.encode($0, width: 28, height: 28, into: &input) }
        let out = input.withUnsafeBufferPointer { forward($0.baseAddress!, batch: 1) }
        var p = [Float](repeating: 0, count: classes)
        loss.probabilities(output: out.baseAddress!, classes: classes, into: &p)
        return Prediction(digit: loss.predict(out.baseAddress!, classes: classes),
                          probabilities: p.map(Double.init), outputs: out.map(Double.init))
    }

    /// The input as the network saw it and every stage's maps, from the last ``predict(pixels:)``
    /// (or forward pass, sample `b`).
    public func featureMaps(sample b: Int = 0) -> [FeatureMaps] {
        var stages: [FeatureMaps] = []
        for (l, layer) in layers.enumerated() {
            if case .activation = layer, !stages.isEmpty {
                stages[stages.count - 1].values = Array(output(ofLayer: l, sample: b))
                continue
            }
            // A layer that applies the activation after it keeps only the activation's outputs, read next.
            stages.append(FeatureMaps(name: layer.description.name.uppercased(), shape: layer.description.outputShape,
                                      values: isFused(l + 1) ? [] : Array(output(ofLayer: l, sample: b))))
        }
        return stages
    }
}
