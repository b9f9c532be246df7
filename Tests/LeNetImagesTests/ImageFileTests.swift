import Foundation
import LeNet
import Testing
@testable import LeNetImages

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

func fixture(_ name: String) -> String { "\(fixtures)/\(name)" }

@Suite struct ImageFileTests {
    /// The same 40x40 drawing in every PNG kind and both PGM forms reads as the same gray image.
    @Test(arguments: ["seven-palette.png", "seven-gray16.png", "seven-rgba.png", "seven-interlaced.png",
                      "seven-binary.pgm", "seven-plain.pgm"])
    func everyKindReadsAlike(name: String) throws {
        let reference = try ImageFile.read(fixture("seven-gray8.png"))
        let image = try ImageFile.read(fixture(name))
        #expect(image.width == 40 && image.height == 40)
        let worst = zip(image.pixels, reference.pixels).map { abs(Int($0) - Int($1)) }.max()!
        #expect(worst <= 1, "\(name) differs from the 8-bit gray PNG by up to \(worst) levels")
        #expect(Set(reference.pixels).count > 1, "the fixture is not blank")
    }

    @Test func transparentGroundTakesTheContrastingShade() {
        // Light strokes on a transparent ground composite over black, dark ones over white.
        let ga: [UInt8] = [255, 255, 0, 0, 255, 255, 0, 0]
        #expect(ImageFile.composite(grayAlpha: ga, width: 4, height: 1).pixels == [255, 0, 255, 0])
        let dark: [UInt8] = [0, 255, 0, 0, 0, 255, 0, 0]
        #expect(ImageFile.composite(grayAlpha: dark, width: 4, height: 1).pixels == [0, 255, 0, 255])
    }

    func problem(_ bytes: [UInt8]) -> String? {
        do {
            _ = try ImageFile.decode(bytes, path: "digit.img")
            return nil
        } catch let error as FileError {
            #expect(error.path == "digit.img")
            return error.problem
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func badPNGsAreNamedErrors() throws {
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture("seven-gray8.png"))))
        #expect(problem(Array(good.prefix(40)))?.hasPrefix("bad PNG") == true)
        #expect(problem(Array(good.prefix(8)))?.hasPrefix("bad PNG") == true)
        var damaged = good
        damaged[20] ^= 0xFF // inside IHDR: its CRC no longer matches
        #expect(problem(damaged)?.hasPrefix("bad PNG") == true)
        var data = good
        data[good.count - 20] ^= 0xFF // inside the compressed pixels
        #expect(problem(data) != nil)
    }

    @Test func badPGMsAreNamedErrors() {
        #expect(problem(Array("P5\n4 4\n255\n".utf8) + [1, 2, 3]) == "bad PGM: truncated: 4x4 needs 16 bytes of samples, the file has 3")
        #expect(problem(Array("P2\n2 1\n255\n7 300\n".utf8)) == "bad PGM: sample 300 is above the maximum value 255")
        #expect(problem(Array("P2\n2 1\n255\n7".utf8)) == "bad PGM: expected the sample 1 of 2, found the end of the file")
        #expect(problem(Array("P5\nx 1\n255\n".utf8)) == "bad PGM: expected the width, found byte 120")
        #expect(problem(Array("P5\n0 1\n255\n".utf8)) == "bad PGM: size 0x1")
        #expect(problem(Array("P5\n1 1\n0\n\0".utf8)) == "bad PGM: maximum value 0 is outside 1...65535")
    }

    @Test func otherFilesAreRefused() {
        #expect(problem([]) == "not a PNG or PGM image (the file starts with )")
        #expect(problem(Array("GIF89a".utf8)) == "not a PNG or PGM image (the file starts with 47494638)")
        #expect(throws: FileError.self) { try ImageFile.read("/nonexistent/digit.png") }
    }

    @Test func sixteenBitPGMScalesToEightBits() throws {
        let image = try ImageFile.decode(Array("P5 2 1 65535\n".utf8) + [0xFF, 0xFF, 0x80, 0x00], path: "x.pgm")
        #expect(image.pixels == [255, 128])
    }
}
