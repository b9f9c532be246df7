import LeNet

/// Every misclassified digit in a grid, each labelled "true>predicted", as Fig. 8 of the paper
/// shows LeNet-5's 82 mistakes.
public enum MistakesPicture {
    public struct Mistake: Sendable, Equatable {
        public var index: Int
        public var label: Int
        public var predicted: Int
    }

    /// The samples an evaluation of `data` got wrong, in `data`'s order (the evaluation that
    /// also gives the error rate and confusion matrix: one pass over the set for all three).
    public static func mistakes(_ evaluation: Evaluation, data: LabeledImages) -> [Mistake] {
        precondition(evaluation.predictions.count == data.count, "an evaluation of this data set")
        return zip(evaluation.predictions, data.labels).enumerated().compactMap { i, pair in
            pair.0 == Int(pair.1) ? nil : Mistake(index: i, label: Int(pair.1), predicted: pair.0)
        }
    }

    /// The grid, titled with `model`'s name and how many of the set it got wrong.
    public static func render(_ mistakes: [Mistake], data: LabeledImages, model: String, columns: Int = 16) -> Canvas {
        let title = "\(model): \(mistakes.count) mistakes in \(data.count) test digits"
        let zoom = 2, margin = 12, side = data.width * zoom, label = Canvas.textHeight() + 4
        let cellWidth = max(side, Canvas.textWidth("0>0")) + 10, cellHeight = side + label + 10
        let rows = (mistakes.count + columns - 1) / columns, top = margin + Canvas.textHeight(scale: 3) + 12
        let width = max(2 * margin + columns * cellWidth, 2 * margin + Canvas.textWidth(title, scale: 3))
        var canvas = Canvas(width: width, height: top + max(rows, 1) * cellHeight + margin)
        canvas.draw(text: title, x: margin, y: margin, scale: 3)
        let area = data.width * data.height
        for (n, m) in mistakes.enumerated() {
            let x = margin + (n % columns) * cellWidth, y = top + (n / columns) * cellHeight
            // Ink dark on white, as the digits were written.
            let digit = data.pixels[m.index * area..<(m.index + 1) * area].map { 255 - Float($0) }
            canvas.draw(map: digit, mapWidth: data.width, mapHeight: data.height, x: x, y: y, zoom: zoom, low: 0, high: 255)
            canvas.draw(text: "\(m.label)>\(m.predicted)", x: x, y: y + side + 3, color: (160, 0, 0))
        }
        return canvas
    }
}
