import Testing
@testable import LeNet

@Suite struct NetworkTests {
    /// The whole network, loss included, against central differences: a sample of every tensor's
    /// parameters (a full sweep of 60,000 would take minutes in unspecialised Double code).
    @Test(arguments: [Architecture.lenet5, .lenet1(pooling: .average), .lenet1(pooling: .max), .lenet5Modern, .mlp(hidden: [30, 20])])
    func endToEndGradientMatchesFiniteDifferences(architecture: Architecture) {
        let network = Network<Double>(architecture: architecture, seed: 5)
        var rng = SplitMix64(seed: 8)
        let batch = 2, size = network.inputShape.count
        let x = (0..<batch * size).map { _ in rng.uniform(1) }, labels: [UInt8] = [3, 7]
        var gradient = [Double](repeating: 0, count: network.parameterCount)
        _ = gradient.withUnsafeMutableBufferPointer { network.accumulateGradient(inputs: x, labels: labels, batch: batch, into: $0.baseAddress!) }
        func loss() -> Double {
            var total = 0.0
            let out = network.forward(x, batch: batch)
            for b in 0..<batch {
                total += network.loss.evaluate(output: out.baseAddress! + b * network.classes, classes: network.classes,
                                               label: Int(labels[b]), gradient: nil)
            }
            return total
        }
        let h = 1e-6
        for (t, offset) in network.parameterTensors where t.trainableCount > 0 {
            for _ in 0..<6 {
                let k = offset + Int(rng.next() % UInt64(t.count))
                let saved = network.parameters[k]
                network.withParameters { $0[k] = saved + h }
                let plus = loss()
                network.withParameters { $0[k] = saved - h }
                let minus = loss()
                network.withParameters { $0[k] = saved }
                GradientCheck.assertClose(gradient[k], (plus - minus) / (2 * h), "\(architecture.name) \(t.name)[\(k - offset)]")
            }
        }
    }

    @Test func sameSeedSameParameters() {
        let a = Network<Float>(architecture: .lenet5, seed: 42), b = Network<Float>(architecture: .lenet5, seed: 42)
        let c = Network<Float>(architecture: .lenet5, seed: 43)
        #expect(a.parameters == b.parameters)
        #expect(a.parameters != c.parameters)
    }

    @Test func lecunInitialisationStaysWithinTwoPointFourOverFanIn() {
        let network = Network<Double>(architecture: .lenet5, seed: 1)
        for (t, offset) in network.parameterTensors where t.name == "f6.weight" || t.name == "c1.weight" {
            let limit = t.name == "f6.weight" ? 2.4 / 120 : 2.4 / 25
            let values = network.parameters[offset..<offset + t.count]
            #expect(values.allSatisfy { abs($0) <= limit })
            #expect(values.contains { abs($0) > 0.9 * limit }, "uses the whole range")
        }
    }
}
