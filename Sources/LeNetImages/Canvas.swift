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
        for v in max(0, y)..<min(height, y + h) {
            for u in max(0, x)..<min(width, x + w) {
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
