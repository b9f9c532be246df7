import Testing
@testable import LeNet

@Suite struct SubsamplingTests {
    let layer = Layer.subsampling(Subsampling(name: "s", input: FeatureShape(channels: 3, height: 4, width: 6)))

    @Test func gradientsMatchFiniteDifferences() { GradientCheck.checkGradients(layer) }
    @Test func curvatureMatchesSecondDifferences() { GradientCheck.checkCurvature(layer) }

    @Test func sumsTimesCoefficientPlusBias() {
        let s = Subsampling(name: "s", input: FeatureShape(channels: 1, height: 2, width: 2))
        let y = GradientCheck.forward(.subsampling(s), [0.5, 0.25], [1, 2, 3, 4], batch: 1)
        #expect(y == [0.5 * 10 + 0.25])
    }
}
