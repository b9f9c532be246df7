import Testing
@testable import LeNet

@Suite struct MeanSquaredErrorTests {
    @Test func gradientAndCurvatureMatchFiniteDifferences() {
        var rng = SplitMix64(seed: 3)
        for label in [0, 6, 9] {
            checkLoss(.meanSquared, outputs: (0..<10).map { _ in rng.uniform(1.7) }, label: label)
        }
    }

    @Test func isTheSquaredDistanceToPlusOneAndMinusOnes() {
        let y: [Double] = [1, -1, 0.5]
        // (1 - (-1))² + (-1 - 1)² + (0.5 - (-1))²: label 1.
        #expect(MeanSquaredError.evaluate(outputs: y, classes: 3, label: 1, gradient: nil) == 4 + 4 + 2.25)
        #expect(MeanSquaredError.evaluate(outputs: [1.0, -1, -1], classes: 3, label: 0, gradient: nil) == 0)
    }
}
