import Foundation
import LeNet

/// Moving, turning, scaling and spoiling a digit, for the shift animation and the robustness
/// study: the same field (28x28 for MNIST), ink that leaves it is lost, background (0) enters.
extension GrayImage {
    /// The image moved by (`dx`, `dy`) pixels (right, down), turned by `degrees` (clockwise on
    /// screen) and scaled by `scale`, both about the centre of the field. Each output pixel
    /// samples the input bilinearly, so whole-pixel moves are exact and others blur a little.
    public func transformed(dx: Double = 0, dy: Double = 0, degrees: Double = 0, scale: Double = 1) -> GrayImage {
        let cx = Double(width - 1) / 2, cy = Double(height - 1) / 2
        let angle = degrees * .pi / 180, c = cos(angle) / scale, s = sin(angle) / scale
        var result = [UInt8](repeating: 0, count: pixels.count)
        for y in 0..<height {
            for x in 0..<width {
                // Inverse map: where in the input this output pixel comes from.
                let u = Double(x) - cx - dx, v = Double(y) - cy - dy
                let sx = c * u + s * v + cx, sy = -s * u + c * v + cy
                result[y * width + x] = sample(x: sx, y: sy)
            }
        }
        return GrayImage(width: width, height: height, pixels: result)
    }

    /// The image with uniform noise of ±`amount` x 255 added to every pixel (clamped), as a
    /// scanner or camera might add it.
    public func withNoise(_ amount: Double, using rng: inout SplitMix64) -> GrayImage {
        GrayImage(width: width, height: height, pixels: pixels.map { p in
            UInt8(max(0, min(255, (Double(p) + rng.uniform(amount * 255)).rounded())))
        })
    }

    private func sample(x: Double, y: Double) -> UInt8 {
        let x0 = Int(floor(x)), y0 = Int(floor(y)), fx = x - Double(x0), fy = y - Double(y0)
        func at(_ u: Int, _ v: Int) -> Double {
            (0..<width).contains(u) && (0..<height).contains(v) ? Double(pixels[v * width + u]) : 0
        }
        let top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx
        let bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx
        return UInt8(max(0, min(255, (top * (1 - fy) + bottom * fy).rounded())))
    }
}
