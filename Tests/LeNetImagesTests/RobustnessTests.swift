import Foundation
import LeNet
import Testing
@testable import LeNetImages

@Suite struct RobustnessTests {
    /// Twelve 28x28 digits: a bar at a different place each, labelled 0...9, 0, 1.
    let data: LabeledImages = {
        var pixels = [UInt8](repeating: 0, count: 12 * 784)
        for n in 0..<12 {
            for y in 6..<22 { for x in (4 + n)..<(8 + n) { pixels[n * 784 + y * 28 + x] = 255 } }
        }
        return LabeledImages(width: 28, height: 28, pixels: pixels, labels: (0..<12).map { UInt8($0 % 10) })
    }()

    func error(_ network: Network<Float>, dx: Double = 0, dy: Double = 0, degrees: Double = 0) -> Double {
        let moved = (0..<data.count).flatMap { n in
            GrayImage(width: 28, height: 28, pixels: Array(data.pixels[n * 784..<(n + 1) * 784])).transformed(dx: dx, dy: dy, degrees: degrees).pixels
        }
        return Evaluation(network: network, data: LabeledImages(width: 28, height: 28, pixels: moved, labels: data.labels)).errorRate
    }

    @Test func eachErrorIsTheMeanOfItsConditions() {
        let network = Network<Float>(architecture: .lenet1(pooling: .average), seed: 7)
        let r = Robustness(network: network, test: data)
        #expect(r.model == "lenet1" && r.samples == 12)
        #expect(r.shiftErrors.count == Robustness.shifts.count && r.rotationErrors.count == Robustness.angles.count)
        #expect(r.shiftErrors[0] == Evaluation(network: network, data: data).errorRate)
        #expect(r.rotationErrors[0] == r.shiftErrors[0])
        // Shift 3: the eight directions, every 45 degrees.
        let directions: [Double] = (0..<8).map { k in
            let angle = Double(k) * Double.pi / 4
            return error(network, dx: 3 * cos(angle), dy: 3 * sin(angle))
        }
        #expect(abs(r.shiftErrors[3] - directions.reduce(0, +) / 8) < 1e-9)
        #expect(r.worstShiftErrors[3] == directions.max())
        #expect(abs(r.rotationErrors[4] - (error(network, degrees: 20) + error(network, degrees: -20)) / 2) < 1e-9)
    }

    @Test func theTableHasARowPerModel() {
        let r = Robustness(network: Network<Float>(architecture: .lenet1(pooling: .average), seed: 7), test: data, samples: 4)
        let lines = Robustness.table([r, r]).split(separator: "\n")
        #expect(lines.count == 4 && lines[0].contains("4 test digits") && lines[2].hasPrefix("lenet1"))
    }
}
