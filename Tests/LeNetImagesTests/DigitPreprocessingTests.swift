import Foundation
import LeNetData
import Testing
@testable import LeNetImages

@Suite struct DigitPreprocessingTests {
    /// A bright bar, off centre in a larger dark picture.
    func bar(width: Int = 90, height: Int = 60, inverted: Bool = false) -> GrayImage {
        var pixels = [UInt8](repeating: 10, count: width * height)
        for y in 5..<45 { for x in 60..<70 { pixels[y * width + x] = 240 } }
        if inverted { pixels = pixels.map { 255 - $0 } }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    func box(_ image: GrayImage) -> (x: ClosedRange<Int>, y: ClosedRange<Int>) {
        let on = image.pixels.indices.filter { image.pixels[$0] > 0 }
        let xs = on.map { $0 % image.width }, ys = on.map { $0 / image.width }
        return (xs.min()!...xs.max()!, ys.min()!...ys.max()!)
    }

    func centreOfMass(_ image: GrayImage) -> (x: Double, y: Double) {
        var m = 0.0, x = 0.0, y = 0.0
        for (i, v) in image.pixels.enumerated() {
            m += Double(v); x += Double(i % 28) * Double(v); y += Double(i / 28) * Double(v)
        }
        return (x / m, y / m)
    }

    @Test func fitsTheInkInTwentyByTwentyAndCentresItsMass() throws {
        let digit = try bar().mnistDigit()
        #expect(digit.width == 28 && digit.height == 28)
        let (bx, by) = box(digit)
        #expect(by.count == 20, "the long side becomes 20 pixels")
        #expect(bx.count == 5, "aspect ratio kept: 10x40 -> 5x20")
        let c = centreOfMass(digit)
        #expect(abs(c.x - 14) <= 0.5 && abs(c.y - 14) <= 0.5, "centre of mass \(c)")
        #expect(digit.pixels.max() == 255)
    }

    @Test func darkInkOnLightPaperIsInverted() throws {
        #expect(try bar(inverted: true).mnistDigit() == (try bar().mnistDigit()))
    }

    @Test func blankImagesAreRefused() {
        let flat = GrayImage(width: 30, height: 30, pixels: [UInt8](repeating: 200, count: 900))
        #expect(throws: GrayImage.NoDigitFound.self) { try flat.mnistDigit() }
        var faint = flat.pixels
        faint[400] = 180 // 20 levels: paper texture, not ink
        #expect(throws: GrayImage.NoDigitFound.self) { try GrayImage(width: 30, height: 30, pixels: faint).mnistDigit() }
    }

    @Test func smallDigitsAreEnlarged() throws {
        var pixels = [UInt8](repeating: 0, count: 100)
        pixels[44] = 255; pixels[45] = 255; pixels[54] = 255; pixels[55] = 255
        let digit = try GrayImage(width: 10, height: 10, pixels: pixels).mnistDigit()
        #expect(box(digit).x.count == 20 && box(digit).y.count == 20)
    }

    /// MNIST's digits were made this way, so preprocessing one again changes it little
    /// (measured: mean correlation 0.98 over the first 200 test digits).
    @Test func mnistDigitsSurviveUnchanged() throws {
        let test = try MNIST.load(directory: try #require(MNIST.defaultDirectory()), prefix: "t10k").prefix(200)
        var correlations: [Double] = []
        for i in 0..<test.count {
            let original = Array(test.pixels[i * 784..<(i + 1) * 784])
            let again = try GrayImage(width: 28, height: 28, pixels: original).mnistDigit().pixels
            let a = original.map(Double.init), b = again.map(Double.init)
            let ma = a.reduce(0, +) / 784, mb = b.reduce(0, +) / 784
            let cov = zip(a, b).reduce(0) { $0 + ($1.0 - ma) * ($1.1 - mb) }
            let va = a.reduce(0) { $0 + ($1 - ma) * ($1 - ma) }, vb = b.reduce(0) { $0 + ($1 - mb) * ($1 - mb) }
            correlations.append(cov / (va * vb).squareRoot())
        }
        let mean = correlations.reduce(0, +) / Double(correlations.count)
        #expect(mean > 0.95, "mean correlation \(mean)")
    }

    /// A thin dark line on paper lit unevenly (much darker at one side than the line's contrast).
    @Test func lightingGradientsAreNotInkAndThinStrokesAreThickened() throws {
        let width = 200, height = 150
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let paper = 230 - 90 * Double(x) / Double(width) - 30 * Double(y) / Double(height)
                let line = x == 100 && (30..<120).contains(y)
                pixels[y * width + x] = UInt8(line ? paper - 70 : paper)
            }
        }
        let digit = try GrayImage(width: width, height: height, pixels: pixels).mnistDigit()
        let (bx, by) = box(digit)
        #expect(by.count == 20, "only the line is ink: \(by)")
        #expect(bx.count <= 4, "only the line is ink: \(bx)")
        let level = digit.pixels.map { Double($0) / 255 }
        #expect(GrayImage.strokeWidth(level.map { $0 > 0.2 ? $0 : 0 }, width: 28, height: 28) >= 1.7)
    }

    @Test func everyExampleDigitIsFound() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Examples/digits").path
        let names = try FileManager.default.contentsOfDirectory(atPath: examples).filter { $0.hasSuffix(".png") }
        #expect(names.count == 30)
        for name in names {
            let digit = try ImageFile.read("\(examples)/\(name)").mnistDigit()
            #expect(max(box(digit).x.count, box(digit).y.count) == 20, "\(name)")
        }
    }
}
