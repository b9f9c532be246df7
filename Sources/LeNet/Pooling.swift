/// Parameter-free 2x2 pooling with stride 2: averaging (LeNet-1 as published, 1989-1990) or
/// taking the maximum (the seed's LeNet-1, and the modern LeNet-5).
public struct Pooling: LayerDescription {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case average, max
    }

    public let name: String
    public let kind: Kind
    public let inputShape: FeatureShape

    public init(name: String, kind: Kind, input: FeatureShape) {
        precondition(input.height % 2 == 0 && input.width % 2 == 0, "pooling needs even map sizes")
        self.name = name
        self.kind = kind
        inputShape = input
    }

    public var outputShape: FeatureShape { FeatureShape(channels: inputShape.channels, height: inputShape.height / 2, width: inputShape.width / 2) }
    public var parameterTensors: [ParameterTensor] { [] }
    public var connections: Int { outputShape.count * 4 }
    public func initialize(_ p: UnsafeMutableBufferPointer<Double>, scheme: Initialization, using rng: inout SplitMix64) {}

    /// average: y = (a + b + c + d) / 4;  max: y = max(a, b, c, d).
    func forward<S: NetworkScalar>(input: UnsafePointer<S>, output: UnsafeMutablePointer<S>, batch: Int) {
        let iw = inputShape.width, ow = outputShape.width, rows = batch * inputShape.channels * outputShape.height
        // Every output row reads two input rows; planes are whole rows, so all rows of the batch
        // run as one sequence. One loop per kind: the choice stays out of the inner loop.
        switch kind {
        case .average:
            for r in 0..<rows {
                let r0 = input + 2 * r * iw, r1 = r0 + iw, dst = output + r * ow
                for x in 0..<ow { dst[x] = (r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1]) * 0.25 }
            }
        case .max:
            for r in 0..<rows {
                let r0 = input + 2 * r * iw, r1 = r0 + iw, dst = output + r * ow
                for x in 0..<ow {
                    let a = r0[2 * x], b = r0[2 * x + 1], c = r1[2 * x], d = r1[2 * x + 1]
                    let ab = a > b ? a : b, cd = c > d ? c : d
                    dst[x] = ab > cd ? ab : cd
                }
            }
        }
    }

    /// average: dx = g / 4 (squared: g / 16);  max: dx = g at the first maximal input, 0 elsewhere.
    func backward<S: NetworkScalar>(
        input: UnsafePointer<S>, output: UnsafePointer<S>, outputGradient: UnsafePointer<S>,
        inputGradient: UnsafeMutablePointer<S>?, batch: Int, squared: Bool
    ) {
        guard let inputGradient else { return }
        let iw = inputShape.width, ow = outputShape.width, rows = batch * inputShape.channels * outputShape.height
        switch kind {
        case .average:
            let share: S = squared ? 1 / 16 : 1 / 4
            for r in 0..<rows {
                let d0 = inputGradient + 2 * r * iw, d1 = d0 + iw, g = outputGradient + r * ow
                for x in 0..<ow {
                    let v = g[x] * share
                    d0[2 * x] = v; d0[2 * x + 1] = v; d1[2 * x] = v; d1[2 * x + 1] = v
                }
            }
        case .max:
            for r in 0..<rows {
                let r0 = input + 2 * r * iw, r1 = r0 + iw, top = output + r * ow, g = outputGradient + r * ow
                let d0 = inputGradient + 2 * r * iw, d1 = d0 + iw
                for x in 0..<ow {
                    // The first of the four (row by row) equal to the maximum takes the gradient.
                    let m = top[x], gv = g[x]
                    let first = r0[2 * x] == m, second = !first && r0[2 * x + 1] == m
                    let third = !first && !second && r1[2 * x] == m, fourth = !first && !second && !third
                    d0[2 * x] = first ? gv : 0; d0[2 * x + 1] = second ? gv : 0
                    d1[2 * x] = third ? gv : 0; d1[2 * x + 1] = fourth ? gv : 0
                }
            }
        }
    }
}
