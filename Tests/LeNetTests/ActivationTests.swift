import Foundation
import Testing
@testable import LeNet

@Suite struct ActivationTests {
    let shape = FeatureShape(channels: 3, height: 2, width: 2)

    @Test(arguments: ActivationLayer.Function.allCases)
    func gradientsMatchFiniteDifferences(function: ActivationLayer.Function) {
        GradientCheck.checkGradients(.activation(ActivationLayer(name: "a", function: function, shape: shape)), inputScale: 3)
    }

    @Test func scaledTanhIsThePapers() {
        let layer = Layer.activation(ActivationLayer(name: "a", function: .scaledTanh, shape: FeatureShape(channels: 3)))
        let y = GradientCheck.forward(layer, [], [1, -1, 0.3], batch: 1)
        #expect(abs(y[0] - 1.7159 * tanh(2.0 / 3)) < 1e-12)
        #expect(abs(y[0] - 1) < 1e-4, "f(1) = 1, the point of the constants")
        #expect(y[1] == -y[0])
    }

    /// Gauss-Newton through a nonlinearity: d²E/dx² = f'(x)² d²E/dy².
    @Test(arguments: ActivationLayer.Function.allCases)
    func curvatureIsSquaredSlope(function: ActivationLayer.Function) {
        let layer = Layer.activation(ActivationLayer(name: "a", function: function, shape: shape))
        var rng = SplitMix64(seed: 5)
        let x = GradientCheck.random(shape.count, &rng, scale: 3), c = GradientCheck.random(shape.count, &rng).map(abs)
        let y = GradientCheck.forward(layer, [], x, batch: 1)
        var d2 = [Double](repeating: 0, count: x.count), unused = [Double]()
        d2.withUnsafeMutableBufferPointer { d in
            unused.withUnsafeMutableBufferPointer { u in
                layer.backwardCurvature(parameters: [], input: x, output: y, outputGradient: nil, outputCurvature: c,
                                        inputCurvature: d.baseAddress!, parameterCurvature: u.baseAddress ?? d.baseAddress!, batch: 1)
            }
        }
        let h = 1e-6
        for i in x.indices {
            var xp = x, xm = x
            xp[i] += h
            xm[i] -= h
            let slope = (GradientCheck.forward(layer, [], xp, batch: 1)[i] - GradientCheck.forward(layer, [], xm, batch: 1)[i]) / (2 * h)
            GradientCheck.assertClose(d2[i], slope * slope * c[i], "d²E/dx[\(i)]²")
        }
    }
}
