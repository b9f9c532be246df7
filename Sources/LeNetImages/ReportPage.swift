import Foundation
import LeNet

/// `lenet report`: one HTML page about one trained model, for someone who has never read the
/// paper, with its pictures beside it in the same directory (plain relative `<img>` links, so
/// the page opens from disk and the pictures can be reused on their own).
public struct ReportPage: Sendable {
    public var model: Architecture
    public var evaluation: Evaluation
    public var training: TrainingState?
    public var robustness: [Robustness]
    /// The digit shown in the feature-map picture and the animation, and what the model read.
    public var digitName: String
    public var digitPrediction: Int
    public var mistakes: Int
    /// File names, relative to the page, of the pictures that exist (kernels: convolutional models only).
    public var pictures: Pictures

    public struct Pictures: Sendable {
        public var curves: String?
        public var confusion: String
        public var mistakes: String
        public var featureMaps: String
        public var shift: String
        public var kernels: String?
        public var robustness: String

        public init(curves: String?, confusion: String, mistakes: String, featureMaps: String, shift: String, kernels: String?, robustness: String) {
            self.curves = curves
            self.confusion = confusion
            self.mistakes = mistakes
            self.featureMaps = featureMaps
            self.shift = shift
            self.kernels = kernels
            self.robustness = robustness
        }
    }

    public init(model: Architecture, evaluation: Evaluation, training: TrainingState?, robustness: [Robustness],
                digitName: String, digitPrediction: Int, mistakes: Int, pictures: Pictures) {
        self.model = model
        self.evaluation = evaluation
        self.training = training
        self.robustness = robustness
        self.digitName = digitName
        self.digitPrediction = digitPrediction
        self.mistakes = mistakes
        self.pictures = pictures
    }

    public var html: String {
        let name = model.name, summary = Summary(model)
        let published = model.publishedTestError.map { String(format: " The paper reports %.2f%%.", $0) } ?? ""
        var sections: [String] = []
        sections.append("""
            <h1>\(escape(name)): a convolutional network reading handwritten digits</h1>
            <p class="lead">Test error on the 10,000 MNIST test digits: <b>\(String(format: "%.2f%%", evaluation.errorRate))</b> \
            (\(evaluation.errors) wrong).\(published) \(escape(Self.introduction(model)))</p>
            """)
        sections.append("""
            <h2>The layers</h2>
            <p>Each row is one layer: the shape of what it outputs (maps@height x width), how many numbers it learns, and how many \
            multiply-adds it performs per digit. Convolution layers reuse one small kernel at every position of a map, which is why \
            they have many more connections than parameters.</p>
            \(summaryTable(summary))
            """)
        if let training {
            let c = training.configuration
            var text = "<h2>Training</h2><p>\(c.epochs) passes over the 60,000 training digits with \(escape(c.optimizer.kind.rawValue)), "
                + "batch \(c.batchSize), seed \(c.seed). The train error is counted during each pass; the test error after it. "
                + "The gap between them is what the network memorised rather than learned.</p>"
            if let curves = pictures.curves { text += image(curves, "train and test error per pass") }
            sections.append(text)
        }
        sections.append("""
            <h2>What it confuses</h2>
            <p>Rows are the true digits, columns what the network answered; the green diagonal is right, red cells are mistakes \
            (darker: more).</p>
            \(image(pictures.confusion, "confusion matrix"))
            <p>All \(mistakes) mistakes, each labelled <i>true&gt;answer</i>. Many are hard for people too.</p>
            \(image(pictures.mistakes, "every misclassified test digit"))
            """)
        sections.append("""
            <h2>Inside the network</h2>
            <p>\(escape(digitName)), read as <b>\(digitPrediction)</b>. Each row is a layer's output maps, black (lowest) to white \
            (highest). The first layers find strokes and edges at every position; later layers combine them into parts of digits, \
            and the last layers no longer keep positions at all.</p>
            \(image(pictures.featureMaps, "feature maps of every layer"))
            <p>The same digit moved, turned, scaled and covered in noise. The early maps move with the digit; the answer (bottom \
            line) mostly does not: that is what weight sharing and pooling buy.</p>
            \(image(pictures.shift, "animation: the digit moving, with every layer's maps"))
            """)
        if let kernels = pictures.kernels {
            sections.append("""
                <h2>The learned kernels</h2>
                <p>The 5x5 weights each convolution slides over its input maps, red positive, blue negative, laid out as the \
                paper's Table I: a column per output map, a row per input map, empty where the two are not connected.</p>
                \(image(kernels, "learned convolution kernels"))
                """)
        }
        sections.append("""
            <h2>Moving and turning the digits</h2>
            <p>The test digits moved by up to 6 pixels (in 8 directions) and turned by up to 30 degrees, with the error measured \
            on the first \(robustness.first?.samples ?? 0) of them. A fully connected network treats every pixel separately, so \
            a moved digit looks new to it; convolution and pooling make a network degrade more slowly.</p>
            \(robustnessTable())
            \(image(pictures.robustness, "test error against shift and rotation"))
            """)
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(name)) report</title>
            <style>
            body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
            img { max-width: 100%; border: 1px solid #ddd; margin: 0.5em 0; }
            table { border-collapse: collapse; margin: 0.5em 0; font-variant-numeric: tabular-nums; }
            td, th { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: right; }
            td:first-child, th:first-child, td:nth-child(2), th:nth-child(2) { text-align: left; }
            .lead { font-size: 1.1em; }
            </style></head>
            <body>
            \(sections.joined(separator: "\n"))
            <p><small>Written by <code>lenet report</code> of swift-lenet.</small></p>
            </body></html>

            """
    }

    static func introduction(_ model: Architecture) -> String {
        switch model {
        case .lenet5:
            "LeNet-5 (LeCun, Bottou, Bengio and Haffner, 1998) as the paper built it: two convolution and subsampling stages, a "
                + "third convolution, a layer of 84 units, and ten outputs that compare those 84 numbers with a drawing of each digit."
        case .lenet1:
            "LeNet-1 (LeCun et al., 1989-1990), the first of the family: two small convolution and pooling stages and ten outputs, "
                + "with only \(Summary(model).parameters) parameters."
        case .lenet5Modern:
            "LeNet-5 as most modern reproductions build it: ReLU, max pooling, every C3 map connected to every S2 map, and "
                + "softmax outputs trained with cross-entropy."
        case .mlp:
            "A fully connected network, the 1998 paper's baseline: every input pixel is connected to every hidden unit, with no "
                + "notion of neighbouring pixels."
        }
    }

    private func summaryTable(_ s: Summary) -> String {
        let header = "<tr><th>layer</th><th>kind</th><th>output</th><th>parameters</th><th>connections</th></tr>"
        let rows = s.rows.map { r in
            "<tr><td>\(escape(r.name))</td><td>\(escape(r.kind))</td><td>\(escape(r.output.description))</td><td>\(r.parameters)</td><td>\(r.connections)</td></tr>"
        }
        let total = "<tr><th>total</th><th></th><th></th><th>\(s.parameters)</th><th>\(s.connections)</th></tr>"
        return "<table>\(header)\(rows.joined())\(total)</table>"
    }

    private func robustnessTable() -> String {
        func row(_ label: String, _ cells: [String], header: Bool = false) -> String {
            let tag = header ? "th" : "td"
            return "<tr><\(tag)>\(escape(label))</\(tag)>" + cells.map { "<\(tag)>\($0)</\(tag)>" }.joined() + "</tr>"
        }
        let shifts = row("shift (pixels)", Robustness.shifts.map(String.init), header: true)
            + robustness.map { r in row(r.model, r.shiftErrors.map { String(format: "%.2f%%", $0) }) }.joined()
        let angles = row("rotation (degrees)", Robustness.angles.map(String.init), header: true)
            + robustness.map { r in row(r.model, r.rotationErrors.map { String(format: "%.2f%%", $0) }) }.joined()
        return "<table>\(shifts)</table><table>\(angles)</table>"
    }

    private func image(_ file: String, _ alt: String) -> String {
        "<p><img src=\"\(escape(file))\" alt=\"\(escape(alt))\"></p>"
    }
}

/// Text made safe inside HTML elements and attribute values.
func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
