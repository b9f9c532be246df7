import LeNet
import Testing
@testable import LeNetImages

@Suite struct MistakesPictureTests {
    @Test func theMistakesAreTheSamplesReadWrongly() {
        let network = Network<Float>(architecture: .lenet1(pooling: .average), seed: 3)
        let pixels = (0..<20 * 784).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        let data = LabeledImages(width: 28, height: 28, pixels: pixels, labels: (0..<20).map { UInt8($0 % 10) })
        let predictions = Evaluation(network: network, data: data).predictions
        let mistakes = MistakesPicture.mistakes(Evaluation(network: network, data: data), data: data)
        let wrong: [Int] = (0..<20).filter { predictions[$0] != $0 % 10 }
        #expect(mistakes.map { $0.index } == wrong)
        #expect(mistakes.allSatisfy { $0.predicted == predictions[$0.index] && $0.label == $0.index % 10 })
        #expect(mistakes.count == Evaluation(network: network, data: data).errors)

        let picture = MistakesPicture.render(mistakes, data: data, model: "m", columns: 4)
        let rows = max((mistakes.count + 3) / 4, 1), top = 12 + Canvas.textHeight(scale: 3) + 12
        let cellHeight = 56 + Canvas.textHeight() + 4 + 10
        #expect(picture.height == top + rows * cellHeight + 12)
    }
}
