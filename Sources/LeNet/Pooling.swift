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
        let iw = inputShape.width, ow = outputShape.width, planes = batch * inputShape.channels
        for p in 0..<planes {
            let src = input + p * inputShape.planeCount, dst = output + p * outputShape.planeCount
            for y in 0..<outputShape.height {
                let r0 = src + 2 * y * iw, r1 = r0 + iw
                for x in 0..<ow {
                    let a = r0[2 * x], b = r0[2 * x + 1], c = r1[2 * x], d = r1[2 * x + 1]
                    dst[y * ow + x] = kind == .average ? (a + b + c + d) / 4 : Swift.max(Swift.max(a, b), Swift.max(c, d))
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
        let iw = inputShape.width, ow = outputShape.width, planes = batch * inputShape.channels
        let share: S = squared ? 1 / 16 : 1 / 4
        for p in 0..<planes {
            let src = input + p * inputShape.planeCount, dst = inputGradient + p * inputShape.planeCount
            let g = outputGradient + p * outputShape.planeCount, y0 = output + p * outputShape.planeCount
            for y in 0..<outputShape.height {
                for x in 0..<ow {
                    let gv = g[y * ow + x], top = y0[y * ow + x]
                    var routed = false
                    for row in 0..<2 {
                        for c in (2 * y + row) * iw + 2 * x...(2 * y + row) * iw + 2 * x + 1 {
                            switch kind {
                            case .average:
                                dst[c] = gv * share
                            case .max:
                                let isMax = !routed && src[c] == top
                                dst[c] = isMax ? gv : 0
                                routed = routed || isMax
                            }
                        }
                    }
                }
            }
        }
    }
}
