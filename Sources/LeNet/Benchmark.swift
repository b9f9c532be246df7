import Dispatch
import Foundation
import LeNetKernels

/// What `lenet bench` measures for one model: training and inference speed, where the time
/// goes, and how close that is to what this build can do. Inputs are seeded random values in
/// the input encoding's range (speed does not depend on the digits), labels random.
public struct BenchmarkResult: Sendable, Codable {
    public struct Training: Sendable, Codable {
        public var batchSize: Int
        public var imagesPerSecond: Double
        /// Counting 6 flops per connection per image (2 forward, 4 backward).
        public var gflops: Double
    }

    public struct LayerShare: Sendable, Codable {
        public var layer: String
        /// Percent of the forward (backward) time of one training step.
        public var forward: Double
        public var backward: Double
        /// The same times per image, in microseconds on one thread.
        public var forwardMicroseconds: Double
        public var backwardMicroseconds: Double
    }

    public var model: String
    /// Cores a batch of twice ``Network/parallelBatch`` or more runs on (smaller batches run on one).
    public var threads: Int
    public var training: [Training]
    /// One image through `forward`, microseconds (median of many).
    public var latencyMicroseconds: Double
    public var inferenceBatchSize: Int
    public var inferenceImagesPerSecond: Double
    /// Measured at batch `layerBatchSize`, on one thread (so the layers' times add up).
    public var layerBatchSize: Int
    public var layers: [LayerShare]
}

public enum Benchmark {
    /// The kernels this process runs (`avx512`, `avx2-fma` or `portable-simd`, see `KernelPath`).
    public static var kernels: String { KernelPath.best.rawValue }

    /// Multiply-add throughput of the kernels this process runs, GFLOP/s, on one core and on
    /// every core at once (see ``multiplyAddProbe(iterations:path:)``).
    public static func peak() -> (perCore: Double, allCores: Double, cores: Int) {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        func run(_ threads: Int) -> Double {
            _ = multiplyAddProbe(iterations: 1_000_000)  // warm-up: clocks up
            let iterations = 50_000_000
            let start = DispatchTime.now().uptimeNanoseconds
            let probes = UnsafeMutableBufferPointer<(flops: Double, checksum: Float)>.allocate(capacity: threads)
            defer { probes.deallocate() }
            let shared = UncheckedSendable(probes)  // each thread writes its own element
            DispatchQueue.concurrentPerform(iterations: threads) { t in shared.value[t] = multiplyAddProbe(iterations: iterations) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            precondition(probes.allSatisfy(\.checksum.isFinite))
            return probes.reduce(0) { $0 + $1.flops } / seconds / 1e9
        }
        return (run(1), run(cores), cores)
    }

    /// Measures `architecture` with its default optimizer; each figure runs about `seconds`
    /// after a warm-up.
    public static func run(_ architecture: Architecture, batchSizes: [Int] = [1, 16, 64, 256], seconds: Double = 1,
                           inferenceBatch: Int = 256, layerBatch: Int = 64) -> BenchmarkResult {
        let network = Network<Float>(architecture: architecture, seed: 1)
        let size = network.inputShape.count, largest = ([inferenceBatch, layerBatch] + batchSizes).max()!
        var rng = SplitMix64(seed: 42)
        let inputs = (0..<size * largest).map { _ in Float(0.5375 + rng.uniform(0.6375)) }  // -0.1 ... 1.175
        let labels = (0..<largest).map { _ in UInt8(rng.next() % 10) }
        let flopsPerImage = Double(Summary(architecture).connections) * 2
        var settings = TrainingConfiguration.defaults(for: architecture).optimizer
        settings.curvatureSamples = 100
        let optimizer = Optimizer<Float>(settings: settings, parameterCount: network.parameterCount)
        var gradient = [Float](repeating: 0, count: network.parameterCount)

        func step(_ batch: Int) {
            gradient.withUnsafeMutableBufferPointer { g in  // zero: the optimizer's step clears it
                _ = optimizer.trainingStep(network, inputs: inputs, labels: labels, batch: batch, gradient: g.baseAddress!)
            }
        }
        /// Repeats `body` (which handles `images` images) for about `seconds`; images per second.
        func rate(images: Int, _ body: () -> Void) -> Double {
            let warmup = DispatchTime.now().uptimeNanoseconds
            while DispatchTime.now().uptimeNanoseconds - warmup < UInt64(seconds * 0.2e9) { body() }
            var count = 0
            let start = DispatchTime.now().uptimeNanoseconds
            while DispatchTime.now().uptimeNanoseconds - start < UInt64(seconds * 1e9) { body(); count += 1 }
            return Double(count * images) / (Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }

        inputs.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { y in
                optimizer.beginEpoch(0, network: network, inputs: x.baseAddress!, labels: y.baseAddress!, samples: 100)
            }
        }
        let training = batchSizes.map { b in
            let r = rate(images: b) { step(b) }
            return BenchmarkResult.Training(batchSize: b, imagesPerSecond: r, gflops: r * flopsPerImage * 3 / 1e9)
        }
        var latencies: [Double] = []
        for _ in 0..<2_000 {
            let start = DispatchTime.now().uptimeNanoseconds
            inputs.withUnsafeBufferPointer { _ = network.forward($0.baseAddress!, batch: 1) }
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-3)
        }
        let throughput = rate(images: inferenceBatch) { inputs.withUnsafeBufferPointer { _ = network.forward($0.baseAddress!, batch: inferenceBatch) } }

        let clock = LayerClock(layers: network.layers.count)
        network.layerClock = clock
        var clocked = 0
        _ = rate(images: layerBatch) { step(layerBatch); clocked += layerBatch }
        network.layerClock = nil
        let forwardTotal = clock.forward.reduce(0, +), backwardTotal = clock.backward.reduce(0, +)
        // A layer that applies the activation after it is timed with it, named after both.
        let layers = network.layers.enumerated().filter { l, _ in !network.isFused(l) }.map { l, layer in
            let name = network.isFused(l + 1) ? "\(layer.description.name)+\(network.layers[l + 1].description.name)" : layer.description.name
            return BenchmarkResult.LayerShare(layer: name, forward: 100 * clock.forward[l] / forwardTotal,
                                              backward: 100 * clock.backward[l] / backwardTotal,
                                              forwardMicroseconds: 1e6 * clock.forward[l] / Double(clocked),
                                              backwardMicroseconds: 1e6 * clock.backward[l] / Double(clocked))
        }
        return BenchmarkResult(model: architecture.name, threads: ProcessInfo.processInfo.activeProcessorCount, training: training,
                               latencyMicroseconds: latencies.sorted()[latencies.count / 2],
                               inferenceBatchSize: inferenceBatch, inferenceImagesPerSecond: throughput,
                               layerBatchSize: layerBatch, layers: layers)
    }
}
