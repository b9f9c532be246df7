import Foundation
import Testing
@testable import LeNet

@Suite struct OptimizerTests {
    @Test func sgdWithMomentum() {
        let o = Optimizer<Double>(settings: OptimizerSettings(kind: .sgd, learningRate: 0.1), parameterCount: 1)
        var w: [Double] = [1], g: [Double] = [4]
        w.withUnsafeMutableBufferPointer { p in
            o.runStep(p, gradient: &g, batch: 2)    // mean gradient 2: v = 2, w = 1 - 0.2
            #expect(g == [0], "the step clears the gradient for the next sum")
            g = [4]
            o.runStep(p, gradient: &g, batch: 2)    // v = 0.9 * 2 + 2 = 3.8, w = 0.8 - 0.38
        }
        #expect(abs(w[0] - 0.42) < 1e-12)
    }

    @Test func adamFirstStepIsTheLearningRate() {
        let o = Optimizer<Double>(settings: OptimizerSettings(kind: .adam, learningRate: 0.01), parameterCount: 2)
        var w: [Double] = [1, 1], g: [Double] = [3, -0.5]
        w.withUnsafeMutableBufferPointer { o.runStep($0, gradient: &g, batch: 1) }
        #expect(abs(w[0] - 0.99) < 1e-9 && abs(w[1] - 1.01) < 1e-9, "bias-corrected m/sqrt(v) = sign(g)")
        #expect(o.steps == 1)
    }

    @Test func theStepSchedules() {
        #expect((0..<20).map(StochasticDiagonalLevenbergMarquardt.paperSchedule) ==
            [5e-4, 5e-4, 2e-4, 2e-4, 2e-4, 1e-4, 1e-4, 1e-4, 5e-5, 5e-5, 5e-5, 5e-5] + Array(repeating: 1e-5, count: 8))
        var adam = OptimizerSettings(kind: .adam, learningRate: 0.002)
        adam.decay = 0.5
        #expect(adam.learningRate(epoch: 0) == 0.002 && adam.learningRate(epoch: 2) == 0.0005)
        var sdlm = OptimizerSettings(kind: .sdlm)
        sdlm.warmupSamples = 100
        #expect(sdlm.warmupFactor(samplesSeen: 0) == 0.01 && sdlm.warmupFactor(samplesSeen: 49) == 0.5)
        #expect(sdlm.warmupFactor(samplesSeen: 100) == 1 && OptimizerSettings(kind: .sdlm).warmupFactor(samplesSeen: 0) == 1)
        #expect([0, 50, 100].map { sdlm.scheduleFactor(samplesSeen: $0, totalSamples: 100) } == [1, 1, 1], "per-pass")
        adam.schedule = .linearToZero
        #expect([0, 25, 50, 100].map { adam.scheduleFactor(samplesSeen: $0, totalSamples: 100) } == [1, 0.75, 0.5, 0])
    }

    /// Model files written before a setting existed lack its key: it keeps its default. The
    /// settings a file holds come back as they were.
    @Test func settingsReadFromOlderFilesKeepTheDefaults() throws {
        let older = #"{"kind":"adam","learningRate":0.002,"decay":0.7,"momentum":0.9,"mu":0.02,"curvatureSamples":500,"#
            + #""firstPassCurvatureInterval":0,"curvatureRefreshSamples":100,"warmupSamples":0,"beta1":0.9,"beta2":0.999,"epsilon":1e-8}"#
        let decoded = try JSONDecoder().decode(OptimizerSettings.self, from: Data(older.utf8))
        var expected = OptimizerSettings(kind: .adam, learningRate: 0.002)
        expected.decay = 0.7
        #expect(decoded == expected && decoded.schedule == .perPass)

        var settings = OptimizerSettings(kind: .sgd, learningRate: 0.05)
        settings.schedule = .linearToZero
        settings.momentum = 0.5
        settings.warmupSamples = 7
        #expect(try JSONDecoder().decode(OptimizerSettings.self, from: JSONEncoder().encode(settings)) == settings)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(OptimizerSettings.self, from: Data(#"{"decay":0.7}"#.utf8)) }
    }

    /// Online SDLM's fused step (C5, F6 and an MLP's layers stepped inside backward) gives the
    /// weights of gradient-then-step bit for bit, through the warm-up factor, on both layer kinds
    /// (LeNet-5's C5 convolution, fully connected layers) and on a layer without an input gradient.
    @Test(arguments: [Architecture.lenet5, .mlp(hidden: [300, 100]), .lenet1(pooling: .average)])
    func onlineTrainingStepIsGradientThenStepBitForBit(architecture: Architecture) {
        let network = Network<Float>(architecture: architecture, seed: 3), copy = Network<Float>(architecture: architecture, seed: 3)
        var rng = SplitMix64(seed: 4)
        let samples = 12, size = network.inputShape.count
        let x = (0..<samples * size).map { _ in Float(rng.uniform(1)) }, labels = (0..<samples).map { UInt8($0 % 10) }
        var settings = OptimizerSettings(kind: .sdlm)
        settings.warmupSamples = 5
        let fused = Optimizer<Float>(settings: settings, parameterCount: network.parameterCount)
        let unfused = Optimizer<Float>(settings: settings, parameterCount: network.parameterCount)
        fused.beginEpoch(0, network: network, inputs: x, labels: labels, samples: samples)
        unfused.beginEpoch(0, network: copy, inputs: x, labels: labels, samples: samples)
        var g1 = [Float](repeating: 0, count: network.parameterCount), g2 = g1
        for i in 0..<samples {
            let factor = Float(settings.warmupFactor(samplesSeen: i))
            let a = fused.trainingStep(network, inputs: x.withUnsafeBufferPointer { $0.baseAddress! } + i * size,
                                       labels: labels.withUnsafeBufferPointer { $0.baseAddress! } + i, batch: 1,
                                       gradient: &g1, factor: factor)
            let b = x.withUnsafeBufferPointer { xs in
                labels.withUnsafeBufferPointer { ys in
                    copy.accumulateGradient(inputs: xs.baseAddress! + i * size, labels: ys.baseAddress! + i, batch: 1, into: &g2)
                }
            }
            copy.withParameters { unfused.step($0, gradient: &g2, batch: 1, factor: factor) }
            #expect(a.loss == b.loss && a.correct == b.correct)
        }
        #expect(network.parameters.map(\.bitPattern) == copy.parameters.map(\.bitPattern))
        #expect(network.parameters != Network<Float>(architecture: architecture, seed: 3).parameters, "it trained")
        #expect(g1.allSatisfy { $0 == 0 } && g2.allSatisfy { $0 == 0 }, "both leave the gradient cleared")
    }

    /// A batched training step adds the chunks' gradients inside the update, block by block; it
    /// must give the weights of accumulateGradient (which sums them first) then step, bit for
    /// bit, for every optimizer, at batches of four, two and one chunk, step after step (so the
    /// chunk buffers it clears are clean for the next batch).
    @Test(arguments: OptimizerSettings.Kind.allCases)
    func batchedTrainingStepIsGradientThenStepBitForBit(kind: OptimizerSettings.Kind) {
        let network = Network<Float>(architecture: .lenet5, seed: 5), copy = Network<Float>(architecture: .lenet5, seed: 5)
        var rng = SplitMix64(seed: 6)
        let batches = [64, 40, 20, 64], size = network.inputShape.count, samples = batches.reduce(0, +)
        let x = (0..<samples * size).map { _ in Float(rng.uniform(1)) }, labels = (0..<samples).map { UInt8($0 % 10) }
        let settings = OptimizerSettings(kind: kind, learningRate: kind == .sdlm ? 0.0005 : nil)
        let fused = Optimizer<Float>(settings: settings, parameterCount: network.parameterCount)
        let unfused = Optimizer<Float>(settings: settings, parameterCount: network.parameterCount)
        fused.beginEpoch(0, network: network, inputs: x, labels: labels, samples: 100)
        unfused.beginEpoch(0, network: copy, inputs: x, labels: labels, samples: 100)
        var g1 = [Float](repeating: 0, count: network.parameterCount), g2 = g1, start = 0
        for batch in batches {
            x.withUnsafeBufferPointer { xs in
                labels.withUnsafeBufferPointer { ys in
                    let a = fused.trainingStep(network, inputs: xs.baseAddress! + start * size, labels: ys.baseAddress! + start,
                                               batch: batch, gradient: &g1)
                    let b = copy.accumulateGradient(inputs: xs.baseAddress! + start * size, labels: ys.baseAddress! + start,
                                                    batch: batch, into: &g2)
                    copy.withParameters { unfused.step($0, gradient: &g2, batch: batch) }
                    #expect(a.loss == b.loss && a.correct == b.correct, "batch of \(batch)")
                }
            }
            start += batch
        }
        #expect(zip(network.parameters, copy.parameters).filter { $0.bitPattern != $1.bitPattern }.isEmpty)
        #expect(network.parameters != Network<Float>(architecture: .lenet5, seed: 5).parameters, "it trained")
        #expect(g1.allSatisfy { $0 == 0 } && g2.allSatisfy { $0 == 0 }, "both leave the gradient cleared")
    }

    /// SDLM's step for each parameter is ε / (μ + h), h the curvature averaged over the samples.
    @Test func sdlmStepsFollowTheCurvature() {
        let network = Network<Double>(architecture: .mlp(hidden: [4]), seed: 1)
        var rng = SplitMix64(seed: 2)
        let x = (0..<3 * 784).map { _ in rng.uniform(1) }, labels: [UInt8] = [1, 2, 3]
        var h = [Double](repeating: 0, count: network.parameterCount)
        h.withUnsafeMutableBufferPointer { network.runCurvature(inputs: x, labels: labels, batch: 3, into: $0.baseAddress!) }
        let o = Optimizer<Double>(settings: OptimizerSettings(kind: .sdlm), parameterCount: network.parameterCount)
        o.runBeginEpoch(0, network: network, inputs: x, labels: labels, samples: 3)
        for k in stride(from: 0, to: network.parameterCount, by: 97) {
            #expect(abs(o.first[k] - 0.0005 / (0.02 + h[k] / 3)) < 1e-15)
        }
        #expect(o.first.contains { $0 < 0.02 }, "some parameters have curvature")
    }
}
