/// A model's error on a labelled set, with the confusion matrix.
public struct Evaluation: Sendable, Equatable {
    /// `confusion[true][predicted]`: how many samples of class `true` were read as `predicted`.
    public var confusion: [[Int]]
    public var loss: Double
    /// The class picked for each sample, in order (empty when built from a matrix alone).
    public var predictions: [Int]

    public var count: Int { confusion.joined().reduce(0, +) }
    public var errors: Int { count - confusion.indices.reduce(0) { $0 + confusion[$1][$1] } }
    /// Percent of samples misclassified.
    public var errorRate: Double { 100 * Double(errors) / Double(max(count, 1)) }

    public init(confusion: [[Int]], loss: Double, predictions: [Int] = []) {
        self.confusion = confusion
        self.loss = loss
        self.predictions = predictions
    }

    /// Samples per forward pass by default: 256 splits into 8 chunks of 32, whole groups of 16
    /// for the lanes kernels (100 gave every chunk of 16 or 17 a group of one sample).
    public static let defaultBatch = 256

    /// Runs `network` on every sample, `batch` at a time.
    public init(network: Network<Float>, data: LabeledImages, batch: Int = defaultBatch) {
        self.init(network: network, encoded: data.encoded(network.architecture.inputEncoding), labels: data.labels, batch: batch)
    }

    init(network: Network<Float>, encoded inputs: [Float], labels: [UInt8], batch: Int = defaultBatch) {
        let k = network.classes
        let outputs = network.outputs(encoded: inputs, count: labels.count, batch: batch)
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        var total = 0.0, predictions: [Int] = []
        predictions.reserveCapacity(labels.count)
        outputs.withUnsafeBufferPointer { out in
            for (i, label) in labels.map(Int.init).enumerated() {
                let y = out.baseAddress! + i * k
                total += Double(network.loss.evaluate(output: y, classes: k, label: label, gradient: nil))
                predictions.append(network.loss.predict(y, classes: k))
                confusion[label][predictions[i]] += 1
            }
        }
        self.confusion = confusion
        self.predictions = predictions
        loss = total / Double(max(labels.count, 1))
    }

    /// The matrix as text, true classes down, predictions across.
    public var confusionTable: String {
        let k = confusion.count
        var lines = ["true\\pred" + (0..<k).map { pad("\($0)", 6) }.joined()]
        for t in 0..<k { lines.append(pad("\(t)", 9) + confusion[t].map { pad("\($0)", 6) }.joined()) }
        return lines.joined(separator: "\n")
    }
}

func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }

extension Network where S == Float {
    /// The last layer's outputs for every image (`classes` per image, image after image):
    /// RBF penalties for `lenet5`, scores for the others.
    public func outputs(for data: LabeledImages, batch: Int = Evaluation.defaultBatch) -> [Float] {
        outputs(encoded: data.encoded(architecture.inputEncoding), count: data.count, batch: batch)
    }

    func outputs(encoded inputs: [Float], count: Int, batch: Int) -> [Float] {
        let k = classes, size = inputShape.count
        var result = [Float](repeating: 0, count: count * k)
        inputs.withUnsafeBufferPointer { x in
            for start in stride(from: 0, to: count, by: batch) {
                let n = min(batch, count - start)
                let out = forward(x.baseAddress! + start * size, batch: n)
                for i in 0..<n * k { result[start * k + i] = out[i] }
            }
        }
        return result
    }
}
