import LeNet
import Testing
@testable import LeNetImages

@Suite struct ReportPageTests {
    func page(kernels: String?, training: TrainingState?) -> ReportPage {
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
        for c in 0..<10 { confusion[c][c] = 99 }
        confusion[4][9] = 10
        let robustness = Robustness(network: Network<Float>(architecture: .lenet1(pooling: .average), seed: 1),
                                    test: LabeledImages(width: 28, height: 28, pixels: [UInt8](repeating: 0, count: 2 * 784), labels: [1, 2]))
        return ReportPage(model: .lenet5, evaluation: Evaluation(confusion: confusion, loss: 0), training: training,
                          robustness: [robustness], digitName: "digit <7>", digitPrediction: 7, mistakes: 10,
                          pictures: .init(curves: training == nil ? nil : "curves.png", confusion: "confusion.png", mistakes: "mistakes.png",
                                          featureMaps: "feature-maps.png", shift: "shift.png", kernels: kernels, robustness: "robustness.png"))
    }

    @Test func everyPictureIsLinkedAndTheNumbersAreShown() {
        let html = page(kernels: "kernels.png", training: TrainingState(configuration: .defaults(for: .lenet5))).html
        for file in ["curves.png", "confusion.png", "mistakes.png", "feature-maps.png", "shift.png", "kernels.png", "robustness.png"] {
            #expect(html.contains("src=\"\(file)\""), "\(file)")
        }
        #expect(html.contains("1.00%") && html.contains("(10 wrong)") && html.contains("The paper reports 0.95%"))
        #expect(html.contains("<td>60000</td>") || html.contains("<th>60000</th>"), "LeNet-5's parameter total")
        #expect(html.contains("<th>340908</th>"))
        #expect(html.contains("digit &lt;7&gt;") && !html.contains("digit <7>"), "text is escaped")
    }

    @Test func sectionsWithoutTheirPictureAreLeftOut() {
        let html = page(kernels: nil, training: nil).html
        #expect(!html.contains("kernels.png") && !html.contains("curves.png") && !html.contains("<h2>Training</h2>"))
    }
}
