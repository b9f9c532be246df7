/// The shape of one sample's activations: `channels` maps of `height` x `width`
/// (a vector of n units is `n@1x1`).
public struct FeatureShape: Sendable, Hashable, Codable, CustomStringConvertible {
    public var channels: Int
    public var height: Int
    public var width: Int

    public init(channels: Int, height: Int = 1, width: Int = 1) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    public var count: Int { channels * height * width }
    public var planeCount: Int { height * width }

    public var description: String {
        height == 1 && width == 1 ? "\(channels)" : "\(channels)@\(height)x\(width)"
    }
}
