import Dispatch

/// A model's layers, its loss and its parameters, with the buffers one batch needs.
///
/// All parameters live in one flat buffer, layer after layer, each layer's tensors in the order
/// of its ``LayerDescription/parameterTensors``; optimizers and model files work on that buffer.
/// Activations are kept between `forward` and `backward`; buffers grow to the largest batch
/// seen and are reused, so a training step allocates nothing.
public final class Network<S: NetworkScalar> {
    public let architecture: Architecture
    public let layers: [Layer]
    public let loss: Loss
    /// `parameterOffsets[l] ..< parameterOffsets[l + 1]`: layer `l`'s parameters.
    public let parameterOffsets: [Int]
    /// Every parameter, trainable or fixed, layer after layer. Kept in memory the network owns
    /// (kernels read it through stable pointers); ``parameters`` copies it out and
    /// ``withParameters(_:)`` lends it, so no pointer outlives the network.
    private let storage: UnsafeMutableBufferPointer<S>

    private var capacity = 0
    private var outputs: [UnsafeMutablePointer<S>] = []     // [layer][batch, layer output]
    private var gradients: [UnsafeMutablePointer<S>] = []   // dE/d(output of layer), same shapes
    private var lossGradient: UnsafeMutablePointer<S>?      // [batch, classes], for the curvature pass
    private var lastInput: UnsafePointer<S>?

    /// When set, every layer's forward and backward time is added to it (``Benchmark``);
    /// nil, the default, reads no clocks.
    public var layerClock: LayerClock?

    /// A network with freshly initialised parameters; the same seed gives the same parameters.
    public convenience init(architecture: Architecture, seed: UInt64) {
        var rng = SplitMix64(seed: seed, stream: 0x1417)
        let layers = architecture.layers
        var values: [Double] = []
        for layer in layers.map(\.description) {
            var block = [Double](repeating: 0, count: layer.parameterCount)
            block.withUnsafeMutableBufferPointer { layer.initialize($0, scheme: architecture.initialization, using: &rng) }
            values += block
        }
        self.init(architecture: architecture, parameters: values.map { S($0) })
    }

    /// A network with the given parameters (as many as the architecture's ``Architecture/parameterCount``).
    public init(architecture: Architecture, parameters values: [S]) {
        self.architecture = architecture
        layers = architecture.layers
        loss = architecture.loss
        var offsets = [0]
        for layer in layers { offsets.append(offsets.last! + layer.description.parameterCount) }
        parameterOffsets = offsets
        precondition(values.count == offsets.last!, "\(architecture.name) has \(offsets.last!) parameters, not \(values.count)")
        storage = .allocate(capacity: values.count)
        _ = storage.initialize(from: values)
    }

    deinit {
        storage.deallocate()
        release()
    }

    public var inputShape: FeatureShape { layers[0].description.inputShape }
    public var classes: Int { layers.last!.description.outputShape.count }
    public var parameterCount: Int { storage.count }

    /// A copy of every parameter, layer after layer.
    public var parameters: [S] { Array(storage) }

    /// Lends the parameters for reading or changing them in place (optimizers, checks).
    public func withParameters<R>(_ body: (UnsafeMutableBufferPointer<S>) throws -> R) rethrows -> R { try body(storage) }

    /// The parameters grouped as named tensors, in buffer order.
    public var parameterTensors: [(tensor: ParameterTensor, offset: Int)] { architecture.parameterTensors }

    private func release() {
        for p in outputs + gradients { p.deallocate() }
        lossGradient?.deallocate()
        lossGradient = nil
        outputs = []
        gradients = []
        capacity = 0
    }

    private func reserve(batch: Int) {
        guard batch > capacity else { return }
        release()
        for layer in layers {
            let n = layer.description.outputShape.count * batch
            outputs.append(.allocate(capacity: n))
            gradients.append(.allocate(capacity: n))
        }
        lossGradient = .allocate(capacity: classes * batch)
        capacity = batch
    }

    private func parameters(of l: Int) -> UnsafeMutablePointer<S> { storage.baseAddress! + parameterOffsets[l] }

    /// Runs `batch` samples (`inputShape.count` values each, one after another) through the
    /// network; returns the last layer's outputs, `classes` per sample, valid until the next call.
    @discardableResult
    public func forward(_ input: UnsafePointer<S>, batch: Int) -> UnsafeBufferPointer<S> {
        reserve(batch: batch)
        lastInput = input
        var x = input
        for (l, layer) in layers.enumerated() {
            timed(l, backward: false) { layer.forward(parameters: parameters(of: l), input: x, output: outputs[l], batch: batch) }
            x = UnsafePointer(outputs[l])
        }
        return UnsafeBufferPointer(start: x, count: classes * batch)
    }

    /// Layer `l`'s outputs for sample `b` of the last forward pass.
    public func output(ofLayer l: Int, sample b: Int = 0) -> UnsafeBufferPointer<S> {
        let n = layers[l].description.outputShape.count
        return UnsafeBufferPointer(start: outputs[l] + b * n, count: n)
    }

    /// Loss and correct predictions over a batch.
    public struct BatchResult: Sendable {
        public var loss: Double
        public var correct: Int
    }

    /// Forward, loss and backward over a batch; *adds* the summed dE/d(parameters) to `gradient`.
    public func accumulateGradient(
        inputs: UnsafePointer<S>, labels: UnsafePointer<UInt8>, batch: Int, into gradient: UnsafeMutablePointer<S>
    ) -> BatchResult {
        let out = forward(inputs, batch: batch)
        let k = classes, last = layers.count - 1
        var result = BatchResult(loss: 0, correct: 0)
        for b in 0..<batch {
            let y = out.baseAddress! + b * k, label = Int(labels[b])
            result.loss += Double(loss.evaluate(output: y, classes: k, label: label, gradient: gradients[last] + b * k))
            if loss.predict(y, classes: k) == label { result.correct += 1 }
        }
        propagate(batch: batch, into: gradient, curvature: false)
        return result
    }

    /// Forward and Gauss-Newton backward over a batch; *adds* the summed diagonal second
    /// derivatives d²E/d(parameters)² to `curvature` (LeCun et al. 1998, Appendix C).
    public func accumulateCurvature(
        inputs: UnsafePointer<S>, labels: UnsafePointer<UInt8>, batch: Int, into curvature: UnsafeMutablePointer<S>
    ) {
        let out = forward(inputs, batch: batch)
        let k = classes, last = layers.count - 1
        for b in 0..<batch {
            let y = out.baseAddress! + b * k, label = Int(labels[b])
            _ = loss.evaluate(output: y, classes: k, label: label, gradient: lossGradient! + b * k)
            loss.curvature(output: y, classes: k, label: label, into: gradients[last] + b * k)
        }
        propagate(batch: batch, into: curvature, curvature: true)
    }

    @inline(__always)
    private func timed(_ l: Int, backward: Bool, _ body: () -> Void) {
        guard let clock = layerClock else { return body() }
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        if backward { clock.backward[l] += seconds } else { clock.forward[l] += seconds }
    }

    private func propagate(batch: Int, into parameterGradient: UnsafeMutablePointer<S>, curvature: Bool) {
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            let input = l == 0 ? lastInput! : UnsafePointer(outputs[l - 1])
            let inputGradient = l == 0 ? nil : gradients[l - 1]
            let p = UnsafePointer(parameters(of: l)), dp = parameterGradient + parameterOffsets[l]
            if curvature {
                layers[l].backwardCurvature(parameters: p, input: input, output: outputs[l],
                                            outputGradient: l == layers.count - 1 ? lossGradient : nil, outputCurvature: gradients[l],
                                            inputCurvature: inputGradient, parameterCurvature: dp, batch: batch)
            } else {
                timed(l, backward: true) {
                    layers[l].backward(parameters: p, input: input, output: outputs[l], outputGradient: gradients[l],
                                       inputGradient: inputGradient, parameterGradient: dp, batch: batch)
                }
            }
        }
    }
}

/// Seconds spent in each layer, forward and backward, summed over the passes it watched.
public final class LayerClock {
    public var forward: [Double]
    public var backward: [Double]

    public init(layers: Int) {
        forward = Array(repeating: 0, count: layers)
        backward = Array(repeating: 0, count: layers)
    }
}
