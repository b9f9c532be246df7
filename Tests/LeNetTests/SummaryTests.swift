import Testing
@testable import LeNet

@Suite struct SummaryTests {
    @Test func lenet5CountsAreThePapers() {
        let s = Summary(.lenet5)
        #expect(s.parameters == 60_000)
        #expect(s.connections == 340_908)
        let byName = Dictionary(uniqueKeysWithValues: s.rows.map { ($0.name, $0) })
        // Section II-B, layer by layer.
        #expect(byName["c1"]!.parameters == 156 && byName["c1"]!.connections == 122_304)
        #expect(byName["s2"]!.parameters == 12 && byName["s2"]!.connections == 5_880)
        #expect(byName["c3"]!.parameters == 1_516 && byName["c3"]!.connections == 151_600)
        #expect(byName["s4"]!.parameters == 32 && byName["s4"]!.connections == 2_000)
        #expect(byName["c5"]!.parameters == 48_120 && byName["c5"]!.connections == 48_120)
        #expect(byName["f6"]!.parameters == 10_164)
        #expect(s.table.contains("60,000") && s.table.contains("340,908"))
    }

    @Test(arguments: Pooling.Kind.allCases)
    func lenet1Has3220WeightsWithoutBiases(pooling: Pooling.Kind) {
        let s = Summary(.lenet1(pooling: pooling))
        #expect(s.weights == 3_220)
        #expect(s.biases == 26)
        #expect(s.rows.map(\.output) == [
            FeatureShape(channels: 4, height: 24, width: 24), FeatureShape(channels: 4, height: 24, width: 24),
            FeatureShape(channels: 4, height: 12, width: 12), FeatureShape(channels: 12, height: 8, width: 8),
            FeatureShape(channels: 12, height: 8, width: 8), FeatureShape(channels: 12, height: 4, width: 4),
            FeatureShape(channels: 10),
        ])
    }

    @Test func baselinesAreFullyConnected() {
        #expect(Summary(.mlp(hidden: [300])).parameters == 784 * 300 + 300 + 300 * 10 + 10)
        #expect(Summary(.mlp(hidden: [300, 100])).parameters == 784 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10)
        #expect(Summary(.lenet5Modern).parameters == 156 + 2_416 + 48_120 + 10_164 + 850)
    }
}
