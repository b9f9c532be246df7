/// MNIST-style preprocessing: any picture of one digit becomes what the networks were trained
/// on, following LeCun and Cortes' description of MNIST: the digit's ink fitted into a 20x20
/// box keeping its aspect ratio (with gray levels from area averaging, as their anti-aliasing
/// did), then placed in a 28x28 field so that its centre of mass is the field's centre.
extension GrayImage {
    public struct NoDigitFound: Error, CustomStringConvertible {
        public var description: String { "no digit found: the image is blank (no ink stands out from the background)" }
    }

    /// The digit in MNIST's form: 28x28, 0 background ... 255 ink.
    ///
    /// 1. Polarity: the border is taken as background; if it is light (dark ink on paper),
    ///    the image is inverted so ink is bright, as in MNIST.
    /// 2. Contrast: the background level (the border's median) maps to 0 and the brightest ink
    ///    to 255; anything within 20% of that range above the background counts as paper
    ///    texture, shadow or noise and is cleared, so the crop is not stretched by it.
    ///    (Stretching from that 20% floor instead thins strokes visibly; not clearing at all
    ///    lets a photo's uneven light reach the crop box.)
    /// 3. Crop to the ink's bounding box; scale to fit 20x20 keeping the aspect ratio.
    /// 4. Centre of mass to pixel (14, 14), counting pixels from 0 as MNIST does (a half-pixel
    ///    convention instead moves half of MNIST's own digits by one pixel), kept inside the field.
    public func mnistDigit() throws(NoDigitFound) -> GrayImage {
        var border = [UInt8]()
        for x in 0..<width { border += [self[x, 0], self[x, height - 1]] }
        for y in 0..<height { border += [self[0, y], self[width - 1, y]] }
        border.sort()
        let invert = border[border.count / 2] > 127
        let ink = invert ? pixels.map { 255 - $0 } : pixels
        let ground = Double(invert ? 255 - border[border.count / 2] : border[border.count / 2])
        let peak = Double(ink.max()!)
        guard peak - ground >= 32 else { throw NoDigitFound() }
        let floor = ground + 0.2 * (peak - ground)
        let level = ink.map { Double($0) > floor ? (Double($0) - ground) / (peak - ground) : 0 }

        var x0 = width, x1 = -1, y0 = height, y1 = -1
        for y in 0..<height {
            for x in 0..<width where level[y * width + x] > 0 {
                x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y)
            }
        }
        let boxWidth = x1 - x0 + 1, boxHeight = y1 - y0 + 1
        let scale = 20 / Double(max(boxWidth, boxHeight))
        let fittedWidth = max(1, Int((Double(boxWidth) * scale).rounded()))
        let fittedHeight = max(1, Int((Double(boxHeight) * scale).rounded()))
        let fitted = Self.areaResample(level, width: width, box: (x0, y0, boxWidth, boxHeight), to: (fittedWidth, fittedHeight))

        var mass = 0.0, cx = 0.0, cy = 0.0
        for y in 0..<fittedHeight {
            for x in 0..<fittedWidth {
                let v = fitted[y * fittedWidth + x]
                mass += v; cx += Double(x) * v; cy += Double(y) * v
            }
        }
        let left = min(max(Int((14 - cx / mass).rounded()), 0), 28 - fittedWidth)
        let top = min(max(Int((14 - cy / mass).rounded()), 0), 28 - fittedHeight)
        var out = [UInt8](repeating: 0, count: 28 * 28)
        for y in 0..<fittedHeight {
            for x in 0..<fittedWidth {
                out[(top + y) * 28 + left + x] = UInt8((min(1, fitted[y * fittedWidth + x]) * 255).rounded())
            }
        }
        return GrayImage(width: 28, height: 28, pixels: out)
    }

    /// Each output pixel is the mean of the input area it covers (fractional overlaps
    /// weighted), which anti-aliases when shrinking and stays sharp when enlarging.
    static func areaResample(_ level: [Double], width: Int, box: (x: Int, y: Int, width: Int, height: Int),
                             to size: (width: Int, height: Int)) -> [Double] {
        // Overlap of output cell i with input cell j along one axis, in input units.
        func weights(input: Int, output: Int) -> [[(Int, Double)]] {
            let step = Double(input) / Double(output)
            return (0..<output).map { i in
                let a = Double(i) * step, b = a + step
                return (Int(a)..<min(input, Int(b.rounded(.up)))).compactMap { j in
                    let overlap = min(b, Double(j + 1)) - max(a, Double(j))
                    return overlap > 0 ? (j, overlap / step) : nil
                }
            }
        }
        let wx = weights(input: box.width, output: size.width), wy = weights(input: box.height, output: size.height)
        var out = [Double](repeating: 0, count: size.width * size.height)
        for oy in 0..<size.height {
            for ox in 0..<size.width {
                var sum = 0.0
                for (j, v) in wy[oy] {
                    for (i, u) in wx[ox] { sum += u * v * level[(box.y + j) * width + box.x + i] }
                }
                out[oy * size.width + ox] = sum
            }
        }
        return out
    }
}
