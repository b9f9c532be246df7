import Testing
@testable import LeNet

@Suite struct PoolingTests {
    @Test(arguments: Pooling.Kind.allCases)
    func gradientsMatchFiniteDifferences(kind: Pooling.Kind) {
        GradientCheck.checkGradients(.pooling(Pooling(name: "p", kind: kind, input: FeatureShape(channels: 2, height: 4, width: 4))))
    }

    @Test func averageCurvatureIsExact() {
        GradientCheck.checkCurvature(.pooling(Pooling(name: "p", kind: .average, input: FeatureShape(channels: 2, height: 4, width: 4))))
    }

    @Test func poolsTwoByTwo() {
        let x: [Double] = [1, 2, 3, 4,
                           5, 6, 7, 8]
        let shape = FeatureShape(channels: 1, height: 2, width: 4)
        #expect(GradientCheck.forward(.pooling(Pooling(name: "p", kind: .average, input: shape)), [], x, batch: 1) == [3.5, 5.5])
        #expect(GradientCheck.forward(.pooling(Pooling(name: "p", kind: .max, input: shape)), [], x, batch: 1) == [6, 8])
    }
}
