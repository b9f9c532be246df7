import Dispatch
import Foundation
import LeNet

/// The seed's central claim measured: how a network's test error grows as digits move and
/// turn. A convolutional net, whose weights are shared across positions and whose pooling
/// discards exact positions, should degrade slowly; a fully connected one, which learned each
/// input pixel separately, should not.
public struct Robustness: Sendable, Codable, Equatable {
    /// Translation distances, in pixels.
    public static let shifts = Array(0...6)
    /// Rotation angles, in degrees.
    public static let angles = Array(stride(from: 0, through: 30, by: 5))
    /// Directions a digit is moved in: every 45 degrees. Diagonal moves of d pixels are
    /// d/√2 along each axis, so they resample between pixels.
    public static let directions = 8

    public var model: String
    /// Test digits each error is measured on.
    public var samples: Int
    /// Error (%) at each of ``shifts``, averaged over the eight directions.
    public var shiftErrors: [Double]
    /// The worst of the eight directions at each shift.
    public var worstShiftErrors: [Double]
    /// Error (%) at each of ``angles``, averaged over clockwise and anticlockwise.
    public var rotationErrors: [Double]

    /// Measures `network` on the first `samples` test digits moved and turned, using every core
    /// (each with its own copy of the network).
    public init(network: Network<Float>, test: LabeledImages, samples: Int = 10_000) {
        let data = test.prefix(samples)
        let digits = (0..<data.count).map { i in
            GrayImage(width: data.width, height: data.height, pixels: Array(data.pixels[i * data.width * data.height..<(i + 1) * data.width * data.height]))
        }
        struct Condition { var dx = 0.0, dy = 0.0, degrees = 0.0 }
        // The original, then every shift in every direction, then every angle both ways.
        let conditions = [Condition()]
            + Self.shifts.dropFirst().flatMap { d in
                (0..<Self.directions).map { k in
                    let angle = Double(k) * 2 * .pi / Double(Self.directions)
                    return Condition(dx: Double(d) * cos(angle), dy: Double(d) * sin(angle))
                }
            }
            + Self.angles.dropFirst().flatMap { [Condition(degrees: Double($0)), Condition(degrees: -Double($0))] }

        let errors = UnsafeMutableBufferPointer<Double>.allocate(capacity: conditions.count)
        defer { errors.deallocate() }
        let threads = max(1, min(ProcessInfo.processInfo.activeProcessorCount, conditions.count))
        let architecture = network.architecture, parameters = network.parameters
        let shared = UncheckedSendable(errors)  // each condition is written by exactly one thread
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let copy = Network<Float>(architecture: architecture, parameters: parameters)
            for c in stride(from: t, to: conditions.count, by: threads) {
                let condition = conditions[c]
                var moved = [UInt8]()
                moved.reserveCapacity(data.pixels.count)
                for digit in digits {
                    moved += digit.transformed(dx: condition.dx, dy: condition.dy, degrees: condition.degrees).pixels
                }
                let set = LabeledImages(width: data.width, height: data.height, pixels: moved, labels: data.labels)
                shared.value[c] = Evaluation(network: copy, data: set).errorRate
            }
        }
        model = architecture.name
        self.samples = data.count
        let perShift = (0..<Self.shifts.count).map { s in
            s == 0 ? [errors[0]] : Array(errors[1 + (s - 1) * Self.directions..<1 + s * Self.directions])
        }
        shiftErrors = perShift.map { $0.reduce(0, +) / Double($0.count) }
        worstShiftErrors = perShift.map { $0.max()! }
        let rotationStart = 1 + (Self.shifts.count - 1) * Self.directions
        rotationErrors = (0..<Self.angles.count).map { a in
            a == 0 ? errors[0] : (errors[rotationStart + 2 * (a - 1)] + errors[rotationStart + 2 * (a - 1) + 1]) / 2
        }
    }

    /// The table `lenet inspect robustness` prints: one row per model.
    public static func table(_ results: [Robustness]) -> String {
        func cell(_ s: String) -> String { String(repeating: " ", count: max(0, 7 - s.count)) + s }
        let name = max(14, results.map(\.model.count).max() ?? 0)
        func padded(_ s: String) -> String { s + String(repeating: " ", count: name - s.count) }
        var lines = [
            "test error (%) on \(results.first?.samples ?? 0) test digits",
            padded("shift (px)") + shifts.map { cell("\($0)") }.joined() + "   | " + padded("rotation (deg)") + angles.map { cell("\($0)") }.joined(),
        ]
        for r in results {
            lines.append(padded(r.model) + r.shiftErrors.map { cell(String(format: "%.2f", $0)) }.joined() + "   | "
                + padded(r.model) + r.rotationErrors.map { cell(String(format: "%.2f", $0)) }.joined())
        }
        return lines.joined(separator: "\n")
    }

    /// Two line charts side by side: error against shift and against rotation, a line per model.
    public static func plot(_ results: [Robustness]) -> Canvas {
        let shift = LinePlot(title: "TEST ERROR WHEN DIGITS MOVE", xLabel: "SHIFT (PIXELS, MEAN OF 8 DIRECTIONS)", yLabel: "ERROR %",
                             series: results.map { r in .init(name: r.model, points: zip(shifts, r.shiftErrors).map { (Double($0), $1) }) },
                             xTicks: shifts.map(Double.init))
        let turn = LinePlot(title: "TEST ERROR WHEN DIGITS TURN", xLabel: "ROTATION (DEGREES, BOTH WAYS)", yLabel: "ERROR %",
                            series: results.map { r in .init(name: r.model, points: zip(angles, r.rotationErrors).map { (Double($0), $1) }) },
                            xTicks: angles.map(Double.init))
        let left = shift.render(), right = turn.render()
        var canvas = Canvas(width: left.width + right.width, height: max(left.height, right.height))
        canvas.draw(canvas: left, x: 0, y: 0)
        canvas.draw(canvas: right, x: left.width, y: 0)
        return canvas
    }
}
