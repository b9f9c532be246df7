import Dispatch
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
        _ = gradient.withUnsafeMutableBufferPointer { network.runGradient(inputs: x, labels: labels, batch: batch, into: $0.baseAddress!) }
        func loss() -> Double {
            var total = 0.0
            let out = network.runForward(x, batch: batch)
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

    /// A network (seed 3) and `batch` random inputs with cycling labels, a batch that runs in `chunks` chunks.
    private func chunkedBatch(_ architecture: Architecture, seed: UInt64, batch: Int, chunks: Int) -> (Network<Float>, [Float], [UInt8]) {
        let network = Network<Float>(architecture: architecture, seed: 3)
        var rng = SplitMix64(seed: seed)
        #expect(Network<Float>.chunkCount(batch: batch) == chunks)
        let x = (0..<batch * network.inputShape.count).map { _ in Float(rng.uniform(1)) }
        return (network, x, (0..<batch).map { UInt8($0 % 10) })
    }

    /// A batch large enough to run in parallel chunks (40: two of 20) sums the same gradient,
    /// curvature, loss and outputs as its samples one at a time, and the same bits every time.
    @Test(arguments: [Architecture.lenet5, .lenet5Modern])
    func parallelChunksEqualOneSampleAtATime(architecture: Architecture) {
        let batch = 40, (network, x, labels) = chunkedBatch(architecture, seed: 4, batch: batch, chunks: 2)
        let size = network.inputShape.count, n = network.parameterCount
        var chunked = [Float](repeating: 0, count: n), again = chunked, single = chunked
        var curvature = chunked, singleCurvature = chunked
        let result = chunked.withUnsafeMutableBufferPointer { network.accumulateGradient(inputs: x, labels: labels, batch: batch, into: $0.baseAddress!) }
        let outputs = Array(network.forward(x, batch: batch))
        _ = again.withUnsafeMutableBufferPointer { network.accumulateGradient(inputs: x, labels: labels, batch: batch, into: $0.baseAddress!) }
        curvature.withUnsafeMutableBufferPointer { network.accumulateCurvature(inputs: x, labels: labels, batch: batch, into: $0.baseAddress!) }
        var loss = 0.0, correct = 0, singleOutputs: [Float] = []
        for b in 0..<batch {
            let r = single.withUnsafeMutableBufferPointer {
                network.accumulateGradient(inputs: Array(x[b * size..<(b + 1) * size]), labels: [labels[b]], batch: 1, into: $0.baseAddress!)
            }
            loss += r.loss
            correct += r.correct
            singleOutputs += network.forward(Array(x[b * size..<(b + 1) * size]), batch: 1)
            singleCurvature.withUnsafeMutableBufferPointer {
                network.accumulateCurvature(inputs: Array(x[b * size..<(b + 1) * size]), labels: [labels[b]], batch: 1, into: $0.baseAddress!)
            }
        }
        #expect(chunked == again, "deterministic")
        #expect(outputs == singleOutputs, "a sample's outputs do not depend on its chunk")
        let scale = chunked.map(abs).max()!, curvatureScale = curvature.map(abs).max()!
        #expect(zip(chunked, single).allSatisfy { abs($0 - $1) <= 1e-5 * scale })
        #expect(zip(curvature, singleCurvature).allSatisfy { abs($0 - $1) <= 1e-5 * curvatureScale })
        #expect(abs(result.loss - loss) <= 1e-6 * abs(loss) && result.correct == correct)
    }

    /// A batch of 64 runs as four chunks of 16, each summing into its own buffer, added in chunk
    /// order: the gradient is, bit for bit, four batches of 16 from zero added one after another;
    /// and the same again on the next call (the chunk buffers were left clear).
    @Test(arguments: [Architecture.lenet5, .lenet5Modern])
    func chunksAddUpInOrderBitForBit(architecture: Architecture) {
        let batch = 64, (network, x, labels) = chunkedBatch(architecture, seed: 7, batch: batch, chunks: 4)
        let size = network.inputShape.count, n = network.parameterCount
        func gradient(_ samples: Range<Int>) -> [Float] {
            var g = [Float](repeating: 0, count: n)
            _ = g.withUnsafeMutableBufferPointer { g in
                x.withUnsafeBufferPointer { x in
                    labels.withUnsafeBufferPointer { y in
                        network.accumulateGradient(inputs: x.baseAddress! + samples.lowerBound * size, labels: y.baseAddress! + samples.lowerBound,
                                                   batch: samples.count, into: g.baseAddress!)
                    }
                }
            }
            return g
        }
        var expected = gradient(0..<16)
        for c in 1..<4 {
            let chunk = gradient(16 * c ..< 16 * (c + 1))
            for i in 0..<n { expected[i] += chunk[i] }
        }
        // Counted rather than compared as arrays: a failing == of 60,000 elements is diffed for minutes.
        func differing(_ g: [Float]) -> Int { zip(g, expected).filter { $0.bitPattern != $1.bitPattern }.count }
        #expect(differing(gradient(0..<batch)) == 0)
        #expect(differing(gradient(0..<batch)) == 0, "again")
    }

    /// The layers that apply the activation after them (C1, S2, C3, S4 of LeNet-5; C1 and C2 of
    /// LeNet-1; C1 and C3 of lenet5-modern, with ReLU) give the bits of the layer and the
    /// activation run one after the other: outputs, gradient, curvature, in the lanes kernels
    /// (batches of 21 and 40: 16-sample and 5- or 4-sample groups) and in the one-image kernels
    /// (batch 1). So does the front run in lanes from end to end (the first four layers and
    /// their activations, on the AVX2 and AVX-512 paths), against the same layers one by one.
    @Test(arguments: [Architecture.lenet5, .lenet1(pooling: .average), .lenet1(pooling: .max), .lenet5Modern])
    func fusedActivationsGiveTheSameBits(architecture: Architecture) {
        let network = Network<Float>(architecture: architecture, seed: 3)
        #expect((0..<network.layers.count).filter(network.isFused).count == (architecture == .lenet5 ? 4 : 2))
        var rng = SplitMix64(seed: 6)
        let size = network.inputShape.count, n = network.parameterCount
        for batch in [1, 21, 40, 64, 256] {
            let x = (0..<batch * size).map { _ in Float(rng.uniform(1)) }, labels = (0..<batch).map { UInt8($0 % 10) }
            func run(fused: Bool, lanes: Bool = false) -> (outputs: [Float], gradient: [Float], curvature: [Float], loss: Double) {
                network.fusesActivations = fused
                network.runsFrontInLanes = lanes
                var gradient = [Float](repeating: 0, count: n), curvature = gradient
                let r = gradient.withUnsafeMutableBufferPointer {
                    network.accumulateGradient(inputs: x, labels: labels, batch: batch, into: $0.baseAddress!)
                }
                curvature.withUnsafeMutableBufferPointer {
                    network.accumulateCurvature(inputs: x, labels: labels, batch: batch, into: $0.baseAddress!)
                }
                return (Array(network.forward(x, batch: batch)), gradient, curvature, r.loss)
            }
            let separate = run(fused: false)
            for (fused, way) in [(run(fused: true), "fused"), (run(fused: true, lanes: true), "front in lanes")] {
                #expect(fused.outputs == separate.outputs, "\(way), batch \(batch)")
                #expect(fused.gradient == separate.gradient, "\(way), batch \(batch)")
                #expect(fused.curvature == separate.curvature, "\(way), batch \(batch)")
                #expect(fused.loss == separate.loss, "\(way), batch \(batch)")
                #expect(fused.gradient.contains { $0 != 0 })
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

    /// The worker pool runs every index exactly once, for any count, and a call made from
    /// inside a job or from several threads at once finishes (it runs serially, no deadlock).
    @Test func parallelForRunsEveryIndexOnce() {
        for count in [0, 1, 2, 7, 100] {
            let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(count, 1))
            defer { hits.deallocate() }
            hits.initialize(repeating: 0)
            parallelFor(count) { i in hits[i] += 1 }  // each index its own element
            #expect(hits.prefix(count).allSatisfy { $0 == 1 }, "\(count)")
        }
        let nested = UnsafeMutableBufferPointer<Int>.allocate(capacity: 4 * 5)
        defer { nested.deallocate() }
        nested.initialize(repeating: 0)
        parallelFor(4) { i in parallelFor(5) { j in nested[i * 5 + j] += 1 } }
        #expect(nested.allSatisfy { $0 == 1 })
        let concurrent = UnsafeMutableBufferPointer<Int>.allocate(capacity: 6 * 50)
        defer { concurrent.deallocate() }
        concurrent.initialize(repeating: 0)
        let shared = UncheckedSendable(concurrent)  // each thread its own 50 elements
        DispatchQueue.concurrentPerform(iterations: 6) { t in parallelFor(50) { j in shared.value[t * 50 + j] += 1 } }
        #expect(concurrent.allSatisfy { $0 == 1 })
    }
}
