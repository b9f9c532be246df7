import ArgumentParser
import Foundation
import LeNet

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Training and inference speed on this machine: images/s per batch size, single-image latency, each layer's "
            + "share of the time, GFLOP/s against what the kernels' multiply-add loop reaches.",
        discussion: "Build in release (swift run -c release lenet bench). scripts/bench-pytorch.py runs the same models in PyTorch. "
            + "LENET_KERNELS=avx2-fma or LENET_KERNELS=portable-simd measures those kernels on a machine with AVX-512."
    )

    @Option(parsing: .upToNextOption, help: "The models to measure.")
    var model: [String] = ["lenet5", "lenet5-modern", "lenet1"]

    @Option(parsing: .upToNextOption, help: "The training batch sizes to measure.")
    var batch: [Int] = [1, 16, 64, 256]

    @Option(help: "Seconds each figure is measured for (after a warm-up of a fifth of that).")
    var seconds = 1.0

    @Flag(help: "Print JSON instead of tables.")
    var json = false

    func validate() throws {
        for name in model { _ = try Architecture.named(name) }
        guard seconds > 0 else { throw ValidationError("--seconds must be positive") }
        guard !batch.isEmpty, batch.allSatisfy({ $0 > 0 }) else { throw ValidationError("--batch needs positive sizes") }
    }

    struct Output: Codable {
        var kernels: String
        var peakGFLOPsPerCore: Double
        var peakGFLOPsAllCores: Double
        var cores: Int
        var models: [BenchmarkResult]
    }

    func run() throws {
        let peak = Benchmark.peak()
        if !json {
            print(String(format: "kernels: %@; their multiply-add peak: %.1f GFLOP/s on one core, %.1f on all %d", Benchmark.kernels,
                         peak.perCore, peak.allCores, peak.cores))
        }
        var results: [BenchmarkResult] = []
        for name in model {
            let result = Benchmark.run(try Architecture.named(name), batchSizes: batch, seconds: seconds)
            results.append(result)
            guard !json else { continue }
            print("\n\(result.model) (batches of \(2 * Network<Float>.parallelBatch) or more on \(result.threads) cores, smaller on one)")
            print("  training   batch   images/s   s/epoch   GFLOP/s   % of the peak of the cores used")
            for t in result.training {
                let cores = min(peak.cores, Network<Float>.chunkCount(batch: t.batchSize))
                let usedPeak = cores >= peak.cores ? peak.allCores : peak.perCore * Double(cores)
                print(String(format: "           %6d  %9.0f  %8.2f  %8.2f   %5.1f%%", t.batchSize, t.imagesPerSecond, 60_000 / t.imagesPerSecond,
                             t.gflops, 100 * t.gflops / usedPeak))
            }
            print(String(format: "  inference  one image %.1f µs; batch %d: %.0f images/s", result.latencyMicroseconds,
                         result.inferenceBatchSize, result.inferenceImagesPerSecond))
            print("  time per layer at batch \(result.layerBatchSize), one thread, forward/backward:  " + result.layers.filter { $0.forward + $0.backward >= 1 }
                .map { String(format: "%@ %.0f%%/%.0f%% (%.1f/%.1f µs)", $0.layer, $0.forward, $0.backward, $0.forwardMicroseconds, $0.backwardMicroseconds) }
                .joined(separator: ", ") + "  per image")
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(Output(kernels: Benchmark.kernels, peakGFLOPsPerCore: peak.perCore, peakGFLOPsAllCores: peak.allCores,
                                                             cores: peak.cores, models: results)), as: UTF8.self))
        }
    }
}
