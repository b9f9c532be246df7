import Foundation
import LeNet

/// Shift invariance seen happening, after LeCun's animated LeNet-5 demonstrations: one digit
/// moved across the field, turned, scaled and drowned in noise, each frame a
/// ``FeatureMapPicture`` of every stage's maps and the prediction. The C1 and C3 maps move
/// with the digit; the answer does not.
public enum ShiftAnimation {
    public struct Step: Sendable, Equatable {
        public var dx = 0.0, dy = 0.0, degrees = 0.0, scale = 1.0, noise = 0.0

        public var caption: String {
            if noise > 0 { return "NOISE \(Int((noise * 100).rounded()))%" }
            if scale != 1 { return "SCALE \(String(format: "%.1f", scale))" }
            if degrees != 0 { return "TURN \(Int(degrees)) DEG" }
            if dx != 0 || dy != 0 { return "SHIFT \(Self.signed(dx)),\(Self.signed(dy)) PX" }
            return "AS WRITTEN"
        }

        private static func signed(_ v: Double) -> String { v > 0 ? "+\(Int(v))" : "\(Int(v))" }
    }

    /// Right to 6 pixels, left to -6 and back; down and up by 2s; turned to ±30 degrees; shrunk
    /// to 0.6 and grown to 1.4; noise up to ±50%.
    public static let steps: [Step] = {
        func sweep(_ top: Int, by step: Int) -> [Int] {
            Array(stride(from: 0, to: top, by: step)) + Array(stride(from: top, to: -top, by: -step)) + Array(stride(from: -top, to: 0, by: step))
        }
        return sweep(6, by: 1).map { Step(dx: Double($0)) }
            + sweep(6, by: 2).map { Step(dy: Double($0)) }
            + sweep(30, by: 10).map { Step(degrees: Double($0)) }
            + [1.0, 0.8, 0.6, 0.8, 1.0, 1.2, 1.4, 1.2].map { Step(scale: $0) }
            + [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.4, 0.3, 0.2, 0.1].map { Step(noise: $0) }
    }()

    public struct Frames: Sendable {
        /// RGB, all `width` x `height`, one per step.
        public var frames: [[UInt8]]
        public var width: Int
        public var height: Int
        /// What the network read in each frame.
        public var predictions: [Int]

        /// Writes the frames as an animated PNG, `delay` seconds each.
        public func write(delay: Double = 0.3, to path: String) throws {
            try AnimatedPNGWriter.write(frames: frames, width: width, height: height, delay: delay, to: path)
        }
    }

    /// The frames for `digit` as `network` sees it through ``steps`` (noise seeded by `seed`).
    public static func render(network: Network<Float>, digit: GrayImage, title: String, seed: UInt64 = 1) -> Frames {
        var rng = SplitMix64(seed: seed)
        var predictions: [Int] = []
        let pictures = steps.map { step in
            var input = digit.transformed(dx: step.dx, dy: step.dy, degrees: step.degrees, scale: step.scale)
            if step.noise > 0 { input = input.withNoise(step.noise, using: &rng) }
            let prediction = network.predict(pixels: input.pixels)
            predictions.append(prediction.digit)
            return FeatureMapPicture.render(input: input, stages: network.featureMaps(), prediction: prediction,
                                            title: "\(title): \(step.caption)")
        }
        let width = pictures.map(\.width).max()!, height = pictures.map(\.height).max()!
        let frames = pictures.map { picture in
            var frame = Canvas(width: width, height: height)
            frame.draw(canvas: picture, x: 0, y: 0)
            return frame.pixels
        }
        return Frames(frames: frames, width: width, height: height, predictions: predictions)
    }
}
