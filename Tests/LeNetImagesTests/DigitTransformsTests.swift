import LeNet
import Testing
@testable import LeNetImages

@Suite struct DigitTransformsTests {
    /// An asymmetric pattern: pixel (x, y) = 10 x + y + 1 inside a 6x6 block, 0 elsewhere.
    let image = GrayImage(width: 12, height: 12, pixels: (0..<144).map { i in
        let x = i % 12, y = i / 12
        return (3..<9).contains(x) && (3..<9).contains(y) ? UInt8(10 * x + y + 1) : 0
    })

    @Test func theIdentityChangesNothing() {
        #expect(image.transformed() == image)
        #expect(image.transformed(dx: 0, dy: 0, degrees: 0, scale: 1) == image)
    }

    @Test func wholePixelShiftsAreExactAndLoseWhatLeaves() {
        let moved = image.transformed(dx: 4, dy: -2)
        for y in 0..<12 {
            for x in 0..<12 {
                let (sx, sy) = (x - 4, y + 2)
                let expected = (0..<12).contains(sx) && (0..<12).contains(sy) ? image[sx, sy] : 0
                #expect(moved[x, y] == expected, "(\(x), \(y))")
            }
        }
    }

    @Test func quarterTurnsAreExactAndClockwise() {
        // Clockwise on screen (y down): the pixel right of the centre goes below it. The centre
        // of a 12x12 field is (5.5, 5.5), so (x, y) -> (11 - y, x).
        let turned = image.transformed(degrees: 90)
        for y in 0..<12 {
            for x in 0..<12 { #expect(turned[11 - y, x] == image[x, y], "(\(x), \(y))") }
        }
    }

    @Test func halfScaleShrinksTowardsTheCentre() {
        let small = image.transformed(scale: 0.5)
        #expect(small.pixels.filter { $0 > 0 }.count < image.pixels.filter { $0 > 0 }.count / 2)
        #expect(small[0, 0] == 0 && small[5, 5] > 0)
    }

    @Test func noiseStaysWithinItsAmount() {
        var rng = SplitMix64(seed: 3)
        let noisy = image.withNoise(0.1, using: &rng)
        #expect(noisy != image)
        #expect(zip(noisy.pixels, image.pixels).allSatisfy { abs(Int($0) - Int($1)) <= 26 })
        var again = SplitMix64(seed: 3)
        #expect(image.withNoise(0.1, using: &again) == noisy, "seeded")
    }
}
