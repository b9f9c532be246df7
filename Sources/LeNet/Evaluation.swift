/// A model's error on a labelled set, with the confusion matrix.
public struct Evaluation: Sendable, Equatable {
    /// `confusion[true][predicted]`: how many samples of class `true` were read as `predicted`.
    public var confusion: [[Int]]
    public var loss: Double

    public var count: Int { confusion.joined().reduce(0, +) }
    public var errors: Int { count - confusion.indices.reduce(0) { $0 + confusion[$1][$1] } }
    /// Percent of samples misclassified.
    public var errorRate: Double { 100 * Double(errors) / Double(max(count, 1)) }

    /// Runs `network` on every sample, `batch` at a time.
    public init(network: Network<Float>, data: LabeledImages, batch: Int = 100) {
        self.init(network: network, encoded: data.encoded(network.architecture.inputEncoding), labels: data.labels, batch: batch)
    }

    init(network: Network<Float>, encoded inputs: [Float], labels: [UInt8], batch: Int = 100) {
        let k = network.classes, size = network.inputShape.count
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        var total = 0.0
        inputs.withUnsafeBufferPointer { x in
            for start in stride(from: 0, to: labels.count, by: batch) {
                let n = min(batch, labels.count - start)
                let out = network.forward(x.baseAddress! + start * size, batch: n)
                for b in 0..<n {
                    let y = out.baseAddress! + b * k, label = Int(labels[start + b])
                    total += Double(network.loss.evaluate(output: y, classes: k, label: label, gradient: nil))
                    confusion[label][network.loss.predict(y, classes: k)] += 1
                }
            }
        }
        self.confusion = confusion
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
