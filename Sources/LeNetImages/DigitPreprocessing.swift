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
    /// 2. Background: a plane fitted to the border (robustly: border pixels far from the first
    ///    fit, such as strokes touching the edge, are left out of the second) is subtracted, so
    ///    a photo's uneven light does not read as ink. The brightest ink maps to 255; anything
    ///    within 20% of that above the background counts as paper texture or noise and is
    ///    cleared, so the crop is not stretched by it. (Stretching from that 20% floor instead
    ///    thins strokes visibly; a constant background lets a lighting gradient into the crop.)
    /// 3. Crop to the ink's bounding box. Strokes much thinner than MNIST's (a pen photographed
    ///    from afar: under 1.7 pixels once scaled, MNIST's 5th percentile) are thickened to
    ///    MNIST's median of 2.3 pixels; MNIST had no such step, its strokes came from one
    ///    scanner. Scale to fit 20x20 keeping the aspect ratio.
    /// 4. Centre of mass to pixel (14, 14), counting pixels from 0 as MNIST does (a half-pixel
    ///    convention instead moves half of MNIST's own digits by one pixel), kept inside the field.
    public func mnistDigit() throws(NoDigitFound) -> GrayImage {
        var border = [UInt8]()
        for x in 0..<width { border += [self[x, 0], self[x, height - 1]] }
        for y in 0..<height { border += [self[0, y], self[width - 1, y]] }
        border.sort()
        let invert = border[border.count / 2] > 127
        let ink = invert ? pixels.map { 255 - Double($0) } : pixels.map(Double.init)
        let ground = Self.borderPlane(ink, width: width, height: height)
        var level = ink.indices.map { ink[$0] - ground($0 % width, $0 / width) }
        let peak = level.max()!
        guard peak >= 32 else { throw NoDigitFound() }
        level = level.map { $0 > 0.2 * peak ? min(1, $0 / peak) : 0 }

        var box = Self.boundingBox(level, width: width, height: height)
        let strokeWidth = Self.strokeWidth(level, width: width, height: height)
        let scale = 20 / Double(max(box.width, box.height))
        if strokeWidth * scale < 1.7 {
            level = Self.dilate(level, width: width, height: height, radius: (2.3 / scale - strokeWidth) / 2)
            box = Self.boundingBox(level, width: width, height: height)
        }
        let fit = 20 / Double(max(box.width, box.height))
        let fittedWidth = max(1, Int((Double(box.width) * fit).rounded()))
        let fittedHeight = max(1, Int((Double(box.height) * fit).rounded()))
        let fitted = Self.areaResample(level, width: width, box: box, to: (fittedWidth, fittedHeight))

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

    /// The least-squares plane a + b x + c y through the border pixels, fitted twice: the
    /// second time without the border pixels the first fit misses by more than 3 median deviations + 2.
    static func borderPlane(_ v: [Double], width: Int, height: Int) -> (Int, Int) -> Double {
        var points: [(x: Double, y: Double, v: Double)] = []
        for x in 0..<width { for y in Set([0, height - 1]) { points.append((Double(x), Double(y), v[y * width + x])) } }
        for y in 1..<max(1, height - 1) { for x in Set([0, width - 1]) { points.append((Double(x), Double(y), v[y * width + x])) } }
        func fit(_ p: [(x: Double, y: Double, v: Double)]) -> (Double, Double, Double) {
            // Normal equations of [1 x y] · (a b c) = v, solved by Cramer's rule.
            var m = [[Double]](repeating: [0, 0, 0], count: 3), r = [0.0, 0, 0]
            for q in p {
                let row = [1, q.x, q.y]
                for i in 0..<3 { r[i] += row[i] * q.v; for j in 0..<3 { m[i][j] += row[i] * row[j] } }
            }
            func det(_ a: [[Double]]) -> Double {
                let minor0: Double = a[1][1] * a[2][2] - a[1][2] * a[2][1]
                let minor1: Double = a[1][0] * a[2][2] - a[1][2] * a[2][0]
                let minor2: Double = a[1][0] * a[2][1] - a[1][1] * a[2][0]
                return a[0][0] * minor0 - a[0][1] * minor1 + a[0][2] * minor2
            }
            let d = det(m)
            guard abs(d) > 1e-9 else { return (p.map(\.v).reduce(0, +) / Double(p.count), 0, 0) }
            func replaced(_ c: Int) -> [[Double]] { m.indices.map { i in m[i].indices.map { j in j == c ? r[i] : m[i][j] } } }
            return (det(replaced(0)) / d, det(replaced(1)) / d, det(replaced(2)) / d)
        }
        let first = fit(points)
        let misses = points.map { abs($0.v - (first.0 + first.1 * $0.x + first.2 * $0.y)) }
        let limit = 3 * misses.sorted()[misses.count / 2] + 2
        let kept = points.indices.filter { misses[$0] <= limit }.map { points[$0] }
        let (a, b, c) = kept.count >= 3 ? fit(kept) : first
        return { x, y in a + b * Double(x) + c * Double(y) }
    }

    static func boundingBox(_ level: [Double], width: Int, height: Int) -> (x: Int, y: Int, width: Int, height: Int) {
        var x0 = width, x1 = -1, y0 = height, y1 = -1
        for y in 0..<height {
            for x in 0..<width where level[y * width + x] > 0 {
                x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y)
            }
        }
        return (x0, y0, x1 - x0 + 1, y1 - y0 + 1)
    }

    /// Mean stroke width in pixels: ink area over half the ink's edge length (a stroke of
    /// length L and width w has area wL and two edges of length L).
    static func strokeWidth(_ level: [Double], width: Int, height: Int) -> Double {
        var area = 0, edges = 0
        for y in 0..<height {
            for x in 0..<width {
                let on = level[y * width + x] > 0
                if on { area += 1 }
                if x + 1 < width, on != (level[y * width + x + 1] > 0) { edges += 1 }
                if y + 1 < height, on != (level[(y + 1) * width + x] > 0) { edges += 1 }
            }
        }
        return 2 * Double(area) / Double(max(edges, 1))
    }

    /// Gray-level dilation: each pixel becomes the maximum over a disc of `radius` around it.
    static func dilate(_ level: [Double], width: Int, height: Int, radius: Double) -> [Double] {
        let r = Int(radius.rounded(.up))
        var offsets: [(dx: Int, dy: Int)] = []
        for dy in -r...r {
            for dx in -r...r where Double(dx * dx + dy * dy) <= radius * radius { offsets.append((dx, dy)) }
        }
        var out = level
        for y in 0..<height {
            for x in 0..<width {
                var m = level[y * width + x]
                for (dx, dy) in offsets {
                    let u = x + dx, v = y + dy
                    if u >= 0, u < width, v >= 0, v < height { m = max(m, level[v * width + u]) }
                }
                out[y * width + x] = m
            }
        }
        return out
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
