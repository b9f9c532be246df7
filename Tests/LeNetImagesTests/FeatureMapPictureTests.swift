import LeNet
import Testing
@testable import LeNetImages

@Suite struct FeatureMapPictureTests {
    @Test func everyStageIsDrawnWithItsMaps() throws {
        let network = Network<Float>(architecture: .lenet5, seed: 1)
        var pixels = [UInt8](repeating: 0, count: 784)
        for y in 4..<24 { pixels[y * 28 + 14] = 255 }
        let prediction = network.predict(pixels: pixels)
        let stages = network.featureMaps()
        #expect(stages.map(\.name) == ["C1", "S2", "C3", "S4", "C5", "F6", "OUTPUT"])
        let picture = FeatureMapPicture.render(input: GrayImage(width: 28, height: 28, pixels: pixels), stages: stages,
                                               prediction: prediction, title: "test")
        // The widest row is C3's sixteen 10x10 maps at 8 pixels per value, plus gaps and margins.
        #expect(picture.width == 16 * (10 * 8 + 4) + 2 * 12)
        // The input is drawn at 4x, white where the stroke is: column 14 of the digit.
        let inputTop = 12 + Canvas.textHeight(scale: 3) + 10 + Canvas.textHeight() + 6
        func rgb(_ x: Int, _ y: Int) -> [UInt8] { Array(picture.pixels[3 * (y * picture.width + x)..<3 * (y * picture.width + x) + 3]) }
        #expect(rgb(12 + 14 * 4 + 1, inputTop + 10 * 4 + 1) == [255, 255, 255])
        #expect(rgb(12 + 3 * 4, inputTop + 10 * 4) == [0, 0, 0])
    }

    @Test func textUsesTheFontsGlyphs() {
        var canvas = Canvas(width: 12, height: 14)
        canvas.draw(text: "1", x: 0, y: 0, scale: 2)
        // "1"'s top row is "..#..": font pixel 2 is ink, 0 is not.
        #expect(canvas.pixels[3 * 4] == 0 && canvas.pixels[0] == 255)
        #expect(BitmapFont.glyphs.values.allSatisfy { $0.count == BitmapFont.height && $0.allSatisfy { $0.count == BitmapFont.width } })
    }
}
