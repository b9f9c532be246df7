import Foundation
import LeNet

/// The confusion matrix as a heat map: true classes down, predictions across, each cell with
/// its count. Off the diagonal the shade grows with the logarithm of the count, so a single
/// confusion is visible next to a hundred.
public enum ConfusionPicture {
    /// The heat map, titled with `model`'s name and error rate.
    public static func render(_ evaluation: Evaluation, model: String) -> Canvas {
        let title = String(format: "%@: test error %.2f%%", model, evaluation.errorRate)
        let k = evaluation.confusion.count, cell = 56, margin = 12, text = Canvas.textHeight()
        let top = margin + Canvas.textHeight(scale: 3) + 2 * text + 24, left = margin + 40
        let width = max(left + k * cell + margin, 2 * margin + Canvas.textWidth(title, scale: 3))
        var canvas = Canvas(width: width, height: top + k * cell + text + 2 * margin)
        canvas.draw(text: title, x: margin, y: margin, scale: 3)
        canvas.draw(text: "PREDICTED ACROSS, TRUE DOWN", x: left, y: top - 2 * text - 12)
        let largestError = evaluation.confusion.enumerated().flatMap { t, row in row.enumerated().filter { $0.offset != t }.map(\.element) }.max() ?? 1
        for c in 0..<k {
            canvas.draw(text: "\(c)", x: left + c * cell + cell / 2 - 5, y: top - text - 6)
            canvas.draw(text: "\(c)", x: margin + 10, y: top + c * cell + cell / 2 - text / 2)
        }
        for t in 0..<k {
            for p in 0..<k {
                let count = evaluation.confusion[t][p]
                let color: Canvas.Color
                if t == p {
                    color = (200, 230, 200)
                } else if count == 0 {
                    color = Canvas.white
                } else {
                    let heat = log(1 + Double(count)) / log(1 + Double(largestError))
                    let fade = UInt8(((1 - 0.85 * heat) * 255).rounded())
                    color = (255, fade, fade)
                }
                canvas.fill(x: left + p * cell, y: top + t * cell, width: cell - 2, height: cell - 2, color: color)
                let label = "\(count)"
                canvas.draw(text: label, x: left + p * cell + (cell - 2 - Canvas.textWidth(label)) / 2,
                            y: top + t * cell + (cell - 2 - text) / 2)
            }
        }
        return canvas
    }
}
