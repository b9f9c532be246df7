import CZlib
import Foundation
import LeNet
import Testing
@testable import LeNetImages

@Suite struct AnimatedPNGWriterTests {
    func u32(_ b: [UInt8], _ i: Int) -> Int { b[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }

    /// Inflates one frame's zlib stream and undoes the Up filter.
    func unfiltered(_ compressed: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        let stride = width * 3
        var raw = [UInt8](repeating: 0, count: height * (stride + 1)), size = uLongf(raw.count)
        try #require(uncompress(&raw, &size, compressed, uLong(compressed.count)) == Z_OK)
        try #require(Int(size) == raw.count)
        var pixels = [UInt8](repeating: 0, count: height * stride)
        for y in 0..<height {
            try #require(raw[y * (stride + 1)] == 2, "row \(y) uses the Up filter")
            for x in 0..<stride {
                pixels[y * stride + x] = raw[y * (stride + 1) + 1 + x] &+ (y > 0 ? pixels[(y - 1) * stride + x] : 0)
            }
        }
        return pixels
    }

    @Test func framesRoundTripWithCRCsAndSequenceNumbers() throws {
        let width = 9, height = 5
        // Gray frames (R = G = B), so the still-PNG reader's luminance of frame 0 is exact.
        let frames = (0..<4).map { f in (0..<width * height).flatMap { i in Array(repeating: UInt8(truncatingIfNeeded: i * 11 + f * 60), count: 3) } }
        let apng = try AnimatedPNGWriter.encode(frames: frames, width: width, height: height, delay: 0.25)
        let parts = try chunks(apng)
        #expect(parts.map(\.type) == ["IHDR", "acTL", "fcTL", "IDAT", "fcTL", "fdAT", "fcTL", "fdAT", "fcTL", "fdAT", "IEND"])
        #expect(u32(parts[1].data, 0) == 4 && u32(parts[1].data, 4) == 0, "4 frames, looping forever")

        var sequence: [Int] = [], decoded: [[UInt8]] = []
        for part in parts {
            switch part.type {
            case "fcTL":
                sequence.append(u32(part.data, 0))
                #expect(u32(part.data, 4) == width && u32(part.data, 8) == height)
                #expect(Int(part.data[20]) << 8 | Int(part.data[21]) == 250 && Int(part.data[22]) << 8 | Int(part.data[23]) == 1000)
            case "IDAT": decoded.append(try unfiltered(part.data, width: width, height: height))
            case "fdAT":
                sequence.append(u32(part.data, 0))
                decoded.append(try unfiltered(Array(part.data.dropFirst(4)), width: width, height: height))
            default: break
            }
        }
        #expect(sequence == Array(0..<7), "fcTL and fdAT share one series from 0")
        #expect(decoded == frames)
        // A viewer without APNG support shows frame 0.
        let still = try ImageFile.decode([UInt8](apng), path: "a.png")
        #expect(still.pixels == stride(from: 0, to: frames[0].count, by: 3).map { frames[0][$0] })
    }

    @Test func unwritablePathsNameThePath() {
        #expect(throws: FileError.self) {
            try AnimatedPNGWriter.write(frames: [[0, 0, 0]], width: 1, height: 1, delay: 1, to: "/nonexistent/dir/x.png")
        }
    }
}
