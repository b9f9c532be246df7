import CZlib
import Foundation
import LeNet
import Testing
@testable import LeNetImages

@Suite struct PNGWriterTests {
    /// Splits a PNG into chunks, checking the signature, every length and every CRC.
    func chunks(_ png: Data) throws -> [(type: String, data: [UInt8])] {
        let bytes = [UInt8](png)
        try #require(Array(bytes.prefix(8)) == ImageFile.pngSignature)
        var result: [(String, [UInt8])] = [], i = 8
        while i < bytes.count {
            try #require(i + 12 <= bytes.count, "chunk header past the end")
            let length = bytes[i..<i + 4].reduce(0) { $0 << 8 | Int($1) }
            try #require(i + 12 + length <= bytes.count, "chunk data past the end")
            let typeAndData = Array(bytes[i + 4..<i + 8 + length])
            let stored = bytes[i + 8 + length..<i + 12 + length].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let computed = UInt32(typeAndData.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) })
            #expect(stored == computed, "CRC of \(String(decoding: typeAndData.prefix(4), as: UTF8.self))")
            result.append((String(decoding: typeAndData.prefix(4), as: UTF8.self), Array(typeAndData.dropFirst(4))))
            i += 12 + length
        }
        return result
    }

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
