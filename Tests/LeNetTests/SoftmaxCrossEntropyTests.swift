import Foundation
import Testing
@testable import LeNet

@Suite struct SoftmaxCrossEntropyTests {
    @Test func gradientAndCurvatureMatchFiniteDifferences() {
        var rng = SplitMix64(seed: 2)
        for label in [0, 5, 9] {
            checkLoss(.softmaxCrossEntropy, outputs: (0..<10).map { _ in rng.uniform(4) }, label: label)
        }
    }

    @Test func isMinusLogSoftmax() {
        let z: [Double] = [1, 2, 3]
        let e = SoftmaxCrossEntropy.evaluate(logits: z, classes: 3, label: 0, gradient: nil)
        #expect(abs(e - -log(exp(1) / (exp(1) + exp(2) + exp(3)))) < 1e-12)
        let big: [Float] = [1000, 0, -1000]
        #expect(SoftmaxCrossEntropy.evaluate(logits: big, classes: 3, label: 0, gradient: nil) == 0)
    }
}
