/// An 8-bit gray image, row-major, as read from a file (0 black ... 255 white) or as the
/// networks see digits (0 background ... 255 ink, see ``GrayImage/mnistDigit()``).
public struct GrayImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// `height` rows of `width` values.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height, "\(pixels.count) pixels for \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public subscript(x: Int, y: Int) -> UInt8 { pixels[y * width + x] }
}
