/// A set of gray images with class labels, as MNIST stores them: `count` images of
/// `height` x `width` bytes (0 background ... 255 ink), one after another.
public struct LabeledImages: Sendable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]
    public var labels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8], labels: [UInt8]) {
        precondition(pixels.count == width * height * labels.count, "pixel count does not match label count")
        self.width = width
        self.height = height
        self.pixels = pixels
        self.labels = labels
    }

    public var count: Int { labels.count }

    /// The first `n` samples (all of them when `n` is larger).
    public func prefix(_ n: Int) -> LabeledImages {
        let n = min(n, count)
        return LabeledImages(width: width, height: height, pixels: Array(pixels[0..<n * width * height]), labels: Array(labels[0..<n]))
    }

    /// Every image encoded for a network's input, one after another.
    public func encoded<S: NetworkScalar>(_ encoding: InputEncoding, as: S.Type = S.self) -> [S] {
        let size = encoding.shape(width: width, height: height).count, area = width * height
        let levels: [S] = encoding.levels()
        return [S](unsafeUninitializedCapacity: size * count) { out, initialized in
            pixels.withUnsafeBufferPointer { px in
                for i in 0..<count {
                    encoding.encode(px.baseAddress! + i * area, width: width, height: height, levels: levels, into: out.baseAddress! + i * size)
                }
            }
            initialized = size * count
        }
    }
}
