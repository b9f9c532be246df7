import LeNet
import Testing
@testable import LeNetImages

@Suite struct ConfusionPictureTests {
    @Test func diagonalIsGreenEmptyCellsWhiteErrorsRed() {
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
        for c in 0..<10 { confusion[c][c] = 100 }
        confusion[3][5] = 8
        let picture = ConfusionPicture.render(Evaluation(confusion: confusion, loss: 0), model: "c")
        let cell = 56, left = 12 + 40, top = 12 + Canvas.textHeight(scale: 3) + 2 * Canvas.textHeight() + 24
        func rgb(true t: Int, predicted p: Int) -> [UInt8] {
            let i = 3 * ((top + t * cell + 2) * picture.width + left + p * cell + 2)  // a corner, clear of the count
            return Array(picture.pixels[i..<i + 3])
        }
        #expect(rgb(true: 4, predicted: 4) == [200, 230, 200])
        #expect(rgb(true: 4, predicted: 5) == [255, 255, 255])
        let red = rgb(true: 3, predicted: 5)
        #expect(red[0] == 255 && red[1] < 100 && red[1] == red[2], "the largest error is the darkest red")
    }
}
