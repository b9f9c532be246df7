import Foundation
import LeNetKernels
import RealModule

/// Which optimizer trains a network, and its settings. Codable: a model file keeps them so
/// `lenet train --resume` continues with the same ones.
public struct OptimizerSettings: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Stochastic diagonal Levenberg-Marquardt, the paper's (``StochasticDiagonalLevenbergMarquardt``).
        case sdlm
        /// Stochastic gradient descent with (heavy-ball) momentum.
        case sgd
        /// Adam (Kingma and Ba 2015).
        case adam
    }

    /// How the global step changes within a run, on top of any warm-up.
    public enum Schedule: String, Sendable, Codable, CaseIterable {
        /// Constant within a pass; SGD and Adam multiply it by `decay` after every pass.
        case perPass = "per-pass"
        /// As `perPass`, times a factor that falls linearly from 1 to 0 over the whole run, step
        /// by step. A short run then ends on small steps, which settle the weights; lenet5-modern
        /// reaches in 2 passes the test error per-pass decay reached in 5.
        case linearToZero = "linear-to-zero"
    }

    public var kind: Kind
    /// SDLM: a constant global step ε in place of the paper's schedule; SGD and Adam: the step.
    /// `nil` means the default: the paper's schedule for SDLM, 0.01 for SGD, 0.001 for Adam.
    public var learningRate: Double?
    /// SGD and Adam: the step is multiplied by this after every epoch.
    public var decay = 1.0
    public var schedule = Schedule.perPass
    public var momentum = 0.9
    /// SDLM's μ, which keeps steps bounded where the curvature is small.
    public var mu = 0.02
    /// SDLM: how many samples estimate the curvature before each pass.
    public var curvatureSamples = 500
    /// SDLM: during the first pass, re-estimate the curvature every this many samples (on
    /// `curvatureRefreshSamples` of them); 0 keeps the paper's once-per-pass estimate.
    public var firstPassCurvatureInterval = 0
    public var curvatureRefreshSamples = 100
    /// The global step grows linearly from 0 over this many samples at the start of training.
    public var warmupSamples = 0
    public var beta1 = 0.9
    public var beta2 = 0.999
    public var epsilon = 1e-8

    public init(kind: Kind, learningRate: Double? = nil) {
        self.kind = kind
        self.learningRate = learningRate
    }

    /// Reads model files written before a setting existed: a missing setting keeps its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try c.decode(Kind.self, forKey: .kind), learningRate: try c.decodeIfPresent(Double.self, forKey: .learningRate))
        func read<T: Decodable>(_ key: CodingKeys, into value: inout T) throws {
            if let decoded = try c.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        try read(.decay, into: &decay)
        try read(.schedule, into: &schedule)
        try read(.momentum, into: &momentum)
        try read(.mu, into: &mu)
        try read(.curvatureSamples, into: &curvatureSamples)
        try read(.firstPassCurvatureInterval, into: &firstPassCurvatureInterval)
        try read(.curvatureRefreshSamples, into: &curvatureRefreshSamples)
        try read(.warmupSamples, into: &warmupSamples)
        try read(.beta1, into: &beta1)
        try read(.beta2, into: &beta2)
        try read(.epsilon, into: &epsilon)
    }

    /// The warm-up's factor on the step after `samplesSeen` training samples.
    public func warmupFactor(samplesSeen: Int) -> Double {
        warmupSamples > 0 && samplesSeen < warmupSamples ? Double(samplesSeen + 1) / Double(warmupSamples) : 1
    }

    /// The schedule's factor on the step after `samplesSeen` of the run's `totalSamples`.
    public func scheduleFactor(samplesSeen: Int, totalSamples: Int) -> Double {
        switch schedule {
        case .perPass: 1
        case .linearToZero: max(0, 1 - Double(samplesSeen) / Double(max(totalSamples, 1)))
        }
    }

    /// The global step for pass `epoch` (0-based).
    public func learningRate(epoch: Int) -> Double {
        if let learningRate { return kind == .sdlm ? learningRate : learningRate * pow(decay, Double(epoch)) }
        switch kind {
        case .sdlm: return StochasticDiagonalLevenbergMarquardt.paperSchedule(epoch: epoch)
        case .sgd: return 0.01 * pow(decay, Double(epoch))
        case .adam: return 0.001 * pow(decay, Double(epoch))
        }
    }
}

/// The state an optimizer carries from step to step, over one network's flat parameter buffer.
public final class Optimizer<S: NetworkScalar> {
    public let settings: OptimizerSettings
    /// SGD: the velocity; Adam: the first moment; SDLM: this pass's per-parameter steps ε/(μ + h).
    public private(set) var first: [S]
    /// Adam: the second moment.
    public private(set) var second: [S]
    /// Adam: steps taken (for bias correction).
    public private(set) var steps: Int
    /// The global step of the current epoch (set by `beginEpoch`).
    private var rate: S

    public init(settings: OptimizerSettings, parameterCount: Int) {
        self.settings = settings
        first = [S](repeating: 0, count: parameterCount)
        second = settings.kind == .adam ? [S](repeating: 0, count: parameterCount) : []
        steps = 0
        rate = S(settings.learningRate(epoch: 0))
    }

    /// Restores the state saved by a model file (see ``state``).
    public init(settings: OptimizerSettings, parameterCount: Int, state: [String: [S]], steps: Int) {
        self.settings = settings
        self.steps = steps
        rate = S(settings.learningRate(epoch: 0))
        first = state["first"] ?? [S](repeating: 0, count: parameterCount)
        second = state["second"] ?? (settings.kind == .adam ? [S](repeating: 0, count: parameterCount) : [])
        precondition(first.count == parameterCount && (settings.kind != .adam || second.count == parameterCount),
                     "optimizer state of the wrong size")
    }

    /// What a model file must keep to resume exactly. SDLM's steps are re-estimated at the start
    /// of every pass, and checkpoints are written between passes, so SDLM keeps nothing.
    public var state: [String: [S]] {
        switch settings.kind {
        case .sdlm: [:]
        case .sgd: ["first": first]
        case .adam: ["first": first, "second": second]
        }
    }

    /// ``beginEpoch(_:network:inputs:labels:samples:)`` for any scalar.
    func runBeginEpoch(_ epoch: Int, network: Network<S>, inputs: UnsafePointer<S>, labels: UnsafePointer<UInt8>, samples: Int) {
        rate = S(settings.learningRate(epoch: epoch))
        guard settings.kind == .sdlm else { return }
        StochasticDiagonalLevenbergMarquardt.estimateSteps(
            network: network, inputs: inputs, labels: labels, samples: min(samples, settings.curvatureSamples),
            epsilon: rate, mu: S(settings.mu), into: &first)
    }

    /// ``trainingStep(_:inputs:labels:batch:gradient:factor:)`` for any scalar.
    func runTrainingStep(
        _ network: Network<S>, inputs: UnsafePointer<S>, labels: UnsafePointer<UInt8>, batch: Int,
        gradient: UnsafeMutablePointer<S>, factor: S = 1
    ) -> Network<S>.BatchResult {
        guard settings.kind == .sdlm, batch == 1 else {
            let result = network.runGradient(inputs: inputs, labels: labels, batch: batch, into: gradient, deferringChunkSum: true)
            network.withParameters { runStep($0, gradient: gradient, batch: batch, factor: factor, addingChunksOf: network) }
            return result
        }
        return first.withUnsafeBufferPointer { rates in
            let eta = rates.baseAddress!
            let result = network.runGradient(inputs: inputs, labels: labels, batch: 1, into: gradient,
                                             step: OnlineStep(rates: eta, scale: factor))
            network.withParameters { p in
                withDenormalsFlushedToZero {
                    for r in network.parametersSteppedAfterBackward {
                        scaledStep(p.baseAddress! + r.lowerBound, rates: eta + r.lowerBound, gradient: gradient + r.lowerBound,
                                   scale: factor, count: r.count)
                    }
                }
            }
            return result
        }
    }

    /// ``step(_:gradient:batch:factor:)`` for any scalar; with `network`, first adds the chunk
    /// gradients its last batch left (``Network/runGradient(inputs:labels:batch:into:step:deferringChunkSum:)``)
    /// into `gradient`, block by block just before each block's update.
    func runStep(_ parameters: UnsafeMutableBufferPointer<S>, gradient: UnsafeMutablePointer<S>, batch: Int, factor: S = 1,
                 addingChunksOf network: Network<S>? = nil) {
        let scale = 1 / S(batch), n = parameters.count
        if settings.kind == .adam { steps += 1 }
        // The update is elementwise, so two cores can take a part each and no result changes by a
        // bit (on one core the worker pool runs the parts in turn). Adam on one core was about 4%
        // of lenet5-modern's step with the other core idle.
        let parts = n >= 32_768 ? 2 : 1
        first.withUnsafeMutableBufferPointer { m in
            second.withUnsafeMutableBufferPointer { v in
                let update = updater(w: parameters.baseAddress!, first: m.baseAddress!, second: v.baseAddress, gradient: gradient,
                                     scale: scale, factor: factor)
                if let network {
                    // The sums without flushing denormals, as they always ran; the update with.
                    return network.sumChunkGradients(into: gradient, parts: parts) { r in
                        withDenormalsFlushedToZero { update(r.lowerBound, r.count) }
                    }
                }
                parallelFor(parts) { part in
                    let start = n * part / parts
                    withDenormalsFlushedToZero { update(start, n * (part + 1) / parts - start) }
                }
            }
        }
    }

    /// The update of parameters start ..< start + count.
    private func updater(
        w: UnsafeMutablePointer<S>, first m: UnsafeMutablePointer<S>, second v: UnsafeMutablePointer<S>?,
        gradient g: UnsafeMutablePointer<S>, scale: S, factor: S
    ) -> (_ start: Int, _ count: Int) -> Void {
        switch settings.kind {
        case .sdlm:
            // w -= ε/(μ+h) · g, the per-parameter steps estimated at the start of the pass
            return { i, n in scaledStep(w + i, rates: m + i, gradient: g + i, scale: factor * scale, count: n) }
        case .sgd:
            let momentum = S(settings.momentum), rate = rate * factor
            return { i, n in
                momentumStep(w + i, velocity: m + i, gradient: g + i, momentum: momentum, scale: scale, learningRate: rate, count: n)
            }
        case .adam:
            let b1 = S(settings.beta1), b2 = S(settings.beta2), c1 = 1 - S.pow(b1, steps), c2 = 1 - S.pow(b2, steps)
            let rate = rate * factor, epsilon = S(settings.epsilon), v = v!
            return { i, n in
                adamStep(w + i, first: m + i, second: v + i, gradient: g + i, scale: scale, beta1: b1, beta2: b2,
                         correction1: c1, correction2: c2, learningRate: rate, epsilon: epsilon, count: n)
            }
        }
    }
}

/// The public entry points, in `Float`, not generic on purpose (as `Network`'s): called from
/// another module a generic method runs unspecialised, and a hand-written online loop through
/// the generic `step` ran at ~200 images/s from a separate package.
extension Optimizer where S == Float {
    /// Called before pass `epoch`. SDLM re-estimates the curvature on the first
    /// `curvatureSamples` samples of the pass's order (`inputs`, `labels`).
    public func beginEpoch(_ epoch: Int, network: Network<Float>, inputs: UnsafePointer<Float>, labels: UnsafePointer<UInt8>,
                           samples: Int) {
        runBeginEpoch(epoch, network: network, inputs: inputs, labels: labels, samples: samples)
    }

    /// One training step on `batch` samples (`network.inputShape.count` values each): forward,
    /// backward and the update; `gradient` (one value per parameter) is zero before and after.
    /// Online SDLM (one sample) gives the same weights bit for bit as `accumulateGradient` then
    /// ``step(_:gradient:batch:factor:)``, but the layers that are one matrix (C5, F6, an MLP's
    /// layers) apply their step inside backward, in one pass over their weights instead of
    /// four (dW written, read back, cleared): ~97% of LeNet-5's parameters.
    @discardableResult
    public func trainingStep(
        _ network: Network<Float>, inputs: UnsafePointer<Float>, labels: UnsafePointer<UInt8>, batch: Int,
        gradient: UnsafeMutablePointer<Float>, factor: Float = 1
    ) -> Network<Float>.BatchResult {
        runTrainingStep(network, inputs: inputs, labels: labels, batch: batch, gradient: gradient, factor: factor)
    }

    /// One update from `gradient`, the sum over `batch` samples of dE/dw (averaged here), which
    /// it then sets to zero, ready for the next step's sum; `factor` scales the step (the warm-up).
    public func step(_ parameters: UnsafeMutableBufferPointer<Float>, gradient: UnsafeMutablePointer<Float>, batch: Int,
                     factor: Float = 1) {
        runStep(parameters, gradient: gradient, batch: batch, factor: factor)
    }
}
