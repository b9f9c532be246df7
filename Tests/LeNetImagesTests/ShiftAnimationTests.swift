import LeNet
import Testing
@testable import LeNetImages

@Suite struct ShiftAnimationTests {
    @Test func theStepsSweepEveryTransformAndReturn() {
        let steps = ShiftAnimation.steps
        #expect(steps.first == ShiftAnimation.Step())
        #expect(steps.map(\.dx).max() == 6 && steps.map(\.dx).min() == -6)
        #expect(steps.map(\.dy).max() == 6 && steps.map(\.degrees).max() == 30 && steps.map(\.degrees).min() == -30)
        #expect(steps.map(\.scale).min() == 0.6 && steps.map(\.scale).max() == 1.4 && steps.map(\.noise).max() == 0.5)
        #expect(steps.first.map(\.caption) == "AS WRITTEN" && steps[3].caption == "SHIFT +3,0 PX")
    }

    @Test func everyFrameHasOneSizeAndAPrediction() {
        let network = Network<Float>(architecture: .lenet1(pooling: .average), seed: 2)
        var pixels = [UInt8](repeating: 0, count: 784)
        for y in 6..<22 { for x in 12..<16 { pixels[y * 28 + x] = 255 } }
        let digit = GrayImage(width: 28, height: 28, pixels: pixels)
        let animation = ShiftAnimation.render(network: network, digit: digit, title: "t")
        #expect(animation.frames.count == ShiftAnimation.steps.count && animation.predictions.count == animation.frames.count)
        #expect(animation.frames.allSatisfy { $0.count == animation.width * animation.height * 3 })
        #expect(animation.predictions[0] == network.predict(pixels: pixels).digit)
        // The digit moves: frame 3 (shift +3) differs from frame 0.
        #expect(animation.frames[3] != animation.frames[0])
    }
}
