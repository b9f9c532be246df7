import Testing
@testable import LeNet

@Suite struct FullyConnectedTests {
    let layer = Layer.fullyConnected(FullyConnected(name: "f", input: FeatureShape(channels: 7), outputs: 5))

    @Test func gradientsMatchFiniteDifferences() { GradientCheck.checkGradients(layer, batch: 3) }
    @Test func curvatureMatchesSecondDifferences() { GradientCheck.checkCurvature(layer, batch: 3) }
}
