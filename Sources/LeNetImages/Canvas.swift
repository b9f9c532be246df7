/// An RGB picture to draw into: filled rectangles, gray maps scaled up, labels in ``BitmapFont``.
public struct Canvas: Sendable {
    public typealias Color = (r: UInt8, g: UInt8, b: UInt8)
    public static let white: Color = (255, 255, 255), black: Color = (0, 0, 0)

    public let width: Int
    public let height: Int
    /// `height` rows of `width` RGB triples.
    public private(set) var pixels: [UInt8]

    public init(width: Int, height: Int, background: Color = Canvas.white) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(x: 0, y: 0, width: width, height: height, color: background)
    }

    /// Fills a rectangle, clipped to the canvas.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: Color) {
        let x0 = max(0, x), x1 = min(width, x + w), y0 = max(0, y), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for v in y0..<y1 {
            for u in x0..<x1 {
                let i = 3 * (v * width + u)
                pixels[i] = color.r; pixels[i + 1] = color.g; pixels[i + 2] = color.b
            }
        }
    }

    /// Draws a `mapWidth` x `mapHeight` map of values, `zoom` pixels per value: `low` black,
    /// `high` white.
    public mutating func draw<C: Collection<Float>>(map values: C, mapWidth: Int, mapHeight: Int, x: Int, y: Int,
                                                    zoom: Int, low: Float, high: Float) {
        let span = high > low ? high - low : 1
        for (i, value) in values.enumerated() {
            let level = UInt8((max(0, min(1, (value - low) / span)) * 255).rounded())
            fill(x: x + (i % mapWidth) * zoom, y: y + (i / mapWidth) * zoom, width: zoom, height: zoom, color: (level, level, level))
        }
    }

    /// Draws values on a blue-white-red scale: `-limit` blue, 0 white, `limit` red, so the sign
    /// of a weight reads at a glance.
    public mutating func draw<C: Collection<Float>>(diverging values: C, mapWidth: Int, x: Int, y: Int, zoom: Int, limit: Float) {
        for (i, value) in values.enumerated() {
            let t = max(-1, min(1, value / max(limit, .leastNormalMagnitude)))
            let fade = UInt8(((1 - abs(t)) * 255).rounded())
            fill(x: x + (i % mapWidth) * zoom, y: y + (i / mapWidth) * zoom, width: zoom, height: zoom,
                 color: t >= 0 ? (255, fade, fade) : (fade, fade, 255))
        }
    }

    /// A straight line `thickness` pixels wide from (x0, y0) to (x1, y1).
    public mutating func drawLine(from x0: Int, _ y0: Int, to x1: Int, _ y1: Int, color: Color, thickness: Int = 2) {
        let steps = max(abs(x1 - x0), abs(y1 - y0), 1)
        for k in 0...steps {
            let x = x0 + (x1 - x0) * k / steps, y = y0 + (y1 - y0) * k / steps
            fill(x: x - thickness / 2, y: y - thickness / 2, width: thickness, height: thickness, color: color)
        }
    }

    /// Copies `other` with its top-left corner at (x, y), clipped to this canvas.
    public mutating func draw(canvas other: Canvas, x: Int, y: Int) {
        let u0 = max(0, -x), u1 = min(other.width, width - x), v0 = max(0, -y), v1 = min(other.height, height - y)
        guard u0 < u1, v0 < v1 else { return }
        for v in v0..<v1 {
            for u in u0..<u1 {
                let from = 3 * (v * other.width + u), to = 3 * ((y + v) * width + x + u)
                pixels[to] = other.pixels[from]; pixels[to + 1] = other.pixels[from + 1]; pixels[to + 2] = other.pixels[from + 2]
            }
        }
    }

    /// Writes `text` with its top-left corner at (x, y), `scale` pixels per font pixel.
    public mutating func draw(text: String, x: Int, y: Int, scale: Int = 2, color: Color = Canvas.black) {
        for (k, c) in text.enumerated() {
            for (row, line) in BitmapFont.glyph(c).enumerated() {
                for (column, bit) in line.enumerated() where bit == "#" {
                    fill(x: x + (k * (BitmapFont.width + 1) + column) * scale, y: y + row * scale, width: scale, height: scale, color: color)
                }
            }
        }
    }

    /// The width `text` takes at `scale`.
    public static func textWidth(_ text: String, scale: Int = 2) -> Int { text.count * (BitmapFont.width + 1) * scale }
    public static func textHeight(scale: Int = 2) -> Int { BitmapFont.height * scale }

    public func writePNG(to path: String) throws {
        try PNGWriter.write(pixels, width: width, height: height, color: .rgb, to: path)
    }
}
