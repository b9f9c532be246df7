import CZlib
import Foundation
import LeNet
import Testing
@testable import LeNetImages

@Suite struct PNGWriterTests {
    @Test func grayRoundTrips() throws {
        let pixels = (0..<37 * 23).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let png = try PNGWriter.encode(pixels, width: 37, height: 23, color: .gray)
        let parts = try chunks(png)
        #expect(parts.first?.type == "IHDR" && parts.last?.type == "IEND" && parts.contains { $0.type == "IDAT" })
        #expect(parts[0].data[8] == 8 && parts[0].data[9] == 0, "8-bit gray")
        #expect(try ImageFile.decode([UInt8](png), path: "x.png") == GrayImage(width: 37, height: 23, pixels: pixels))
    }

    @Test func rgbRoundTripsAsLuminance() throws {
        // Pure red, green, blue, white: the reader returns libpng's luminance, computed in linear
        // light (0.2126 R + 0.7152 G + 0.0722 B) and encoded back to sRGB: 127, 220, 76, 255.
        let pixels: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]
        let png = try PNGWriter.encode(pixels, width: 4, height: 1, color: .rgb)
        #expect(try chunks(png)[0].data[9] == 2, "colour type RGB")
        let gray = try ImageFile.decode([UInt8](png), path: "x.png").pixels
        let expected = [127, 220, 76, 255]
        #expect(zip(gray, expected).allSatisfy { abs(Int($0) - $1) <= 2 }, "\(gray)")
    }

    @Test func unwritablePathsNameThePath() {
        #expect(throws: FileError.self) { try PNGWriter.write([0], width: 1, height: 1, color: .gray, to: "/nonexistent/dir/x.png") }
    }
}
