import Testing
@testable import LeNet

@Suite struct ConvolutionTests {
    @Test func gradientsMatchFiniteDifferences() {
        let layer = Convolution(name: "c", input: FeatureShape(channels: 2, height: 6, width: 7), outputChannels: 3, kernelSize: 3)
        GradientCheck.checkGradients(.convolution(layer))
    }

    @Test func gradientsWithAConnectionTable() {
        let table = ConnectionTable(drawn: ["X . X", ". X X"])
        let layer = Convolution(name: "c", input: FeatureShape(channels: 2, height: 5, width: 5), outputChannels: 3, kernelSize: 3, table: table)
        GradientCheck.checkGradients(.convolution(layer))
        GradientCheck.checkCurvature(.convolution(layer))
    }

    @Test func leftOutKernelsGetNoGradientAndStayZero() {
        let c3 = Convolution(name: "c3", input: FeatureShape(channels: 6, height: 14, width: 14), outputChannels: 16, kernelSize: 5,
                             table: LeNet5.c3Table)
        var rng = SplitMix64(seed: 3)
        let p = GradientCheck.parameters(.convolution(c3), &rng)
        let x = GradientCheck.random(c3.inputShape.count, &rng)
        let g = GradientCheck.random(c3.outputShape.count, &rng)
        var dp = [Double](repeating: 0, count: p.count)
        dp.withUnsafeMutableBufferPointer { c3.backward(parameters: p, input: x, outputGradient: g, inputGradient: nil, parameterGradient: $0.baseAddress!, batch: 1) }
        for (pair, on) in LeNet5.c3Table.connected.enumerated() where !on {
            #expect(p[pair * 25..<(pair + 1) * 25].allSatisfy { $0 == 0 })
            #expect(dp[pair * 25..<(pair + 1) * 25].allSatisfy { $0 == 0 })
        }
    }

    @Test func tableIMatchesThePaper() {
        let t = LeNet5.c3Table
        let inputs = (0..<16).map { o in (0..<6).filter { t.connected[o * 6 + $0] } }
        for o in 0..<6 { #expect(inputs[o] == (0..<3).map { (o + $0) % 6 }.sorted(), "map \(o)") }
        for o in 6..<12 { #expect(inputs[o] == (0..<4).map { (o - 6 + $0) % 6 }.sorted(), "map \(o)") }
        #expect(inputs[12] == [0, 1, 3, 4])
        #expect(inputs[13] == [1, 2, 4, 5])
        #expect(inputs[14] == [0, 2, 3, 5])
        #expect(inputs[15] == [0, 1, 2, 3, 4, 5])
        #expect(t.connectionCount == 60)
    }
}
