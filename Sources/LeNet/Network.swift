import Dispatch
import LeNetKernels
import LeNetWorkers

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
    /// The parameters an online SDLM step updates after backward: those of the layers that do
    /// not step inside it (``Layer/stepsInBackward``), adjacent layers merged.
    let parametersSteppedAfterBackward: [Range<Int>]
    /// Values per sample: `sizes[0]` the input's, `sizes[l + 1]` layer `l`'s output's. Read in
    /// every pass: asking a layer's `description` boxes it in an existential, which allocated on
    /// the heap for every layer of every chunk (8% of batched inference).
    private let sizes: [Int]
    /// `activations[l]`: the activation layer `l` applies in its own kernels' passes over memory, so
    /// that the activation layer `l + 1` costs no pass of its own (``Layer/fusedActivation(before:)``).
    /// In Float only; the bits are the same as with the two layers run one after the other.
    private let activations: [FusedActivation?]
    /// Whether layers fuse the activation after them (the tests compare the two ways).
    var fusesActivations = true
    /// The network's front that runs in the lanes layout from its input to its last output
    /// (``LanesLayer``; LeNet-5's C1 to S4): each stage a layer and the layer whose output it
    /// writes (the activation after it, when it applies that activation). Empty in Double or
    /// when the first layer cannot; layers `0 ..< lanesEnd`.
    private let lanesStages: [(layer: Int, output: Int)]
    private var lanesEnd: Int { lanesStages.last.map { $0.output + 1 } ?? 0 }
    /// Where the front's maps are in a chunk's lanes buffer (``threadLanesBuffer(count:)``), in
    /// floats per sample: the input at 0, stage outputs and their gradients by layer.
    private let lanesLayout: (outputs: [Int?], gradients: [Int?], perSample: Int)
    /// Whether batches run the front in lanes when the kernel path has them (the tests compare
    /// the two ways; it needs ``fusesActivations``).
    var runsFrontInLanes = true
    /// Whether the last pass ran the front in lanes, so that the front's layers but the last
    /// hold no outputs in the samples' layout.
    private var frontRanInLanes = false
    /// Every parameter, trainable or fixed, layer after layer. Kept in memory the network owns
    /// (kernels read it through stable pointers); ``parameters`` copies it out and
    /// ``withParameters(_:)`` lends it, so no pointer outlives the network.
    private let storage: UnsafeMutableBufferPointer<S>

    private var capacity = 0
    private var outputs: [UnsafeMutablePointer<S>] = []     // [layer][batch, layer output]
    private var gradients: [UnsafeMutablePointer<S>] = []   // dE/d(output of layer), same shapes
    private var lossGradient: UnsafeMutablePointer<S>?      // [batch, classes], for the curvature pass
    /// dE/d(parameters) of chunks 1..<chunks (chunk 0 adds straight into the caller's buffer).
    /// Zero between batches: whoever adds them into the total clears them in the same pass.
    private var chunkGradients: UnsafeMutablePointer<S>?    // [chunks - 1, parameterCount]
    /// How many of `chunkGradients` the last batch left to add into its total (see
    /// ``runGradient(inputs:labels:batch:into:step:deferringChunkSum:)``): its chunks but the first.
    private var pendingChunkBuffers = 0
    private var lastInput: UnsafePointer<S>?

    /// When set, every layer's forward and backward time is added to it (``Benchmark``), and
    /// batches run on one thread so the times add up; nil, the default, reads no clocks.
    public var layerClock: LayerClock?

    /// A batch is split into at most this many fixed chunks of consecutive samples, at least
    /// ``parallelBatch`` samples each, which run in parallel on whatever cores there are; each
    /// chunk sums its own gradient and the chunks are added in order. The split depends on the
    /// batch size alone, not the core count, so the same seed gives the same weights on any
    /// machine. One synchronisation per batch: the chunks run every layer without waiting for
    /// each other.
    public static var chunks: Int { 8 }
    /// The fewest samples a chunk holds: the convolution kernels put up to sixteen samples side
    /// by side in a vector (AVX-512), and below that waking a second core costs more than it saves.
    public static var parallelBatch: Int { 16 }

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
        var ranges: [Range<Int>] = []
        for (l, layer) in layers.enumerated() where !layer.stepsInBackward && offsets[l] < offsets[l + 1] {
            if let last = ranges.last, last.upperBound == offsets[l] { ranges[ranges.count - 1] = last.lowerBound ..< offsets[l + 1] }
            else { ranges.append(offsets[l] ..< offsets[l + 1]) }
        }
        parametersSteppedAfterBackward = ranges
        sizes = [layers[0].description.inputShape.count] + layers.map { $0.description.outputShape.count }
        let layers = layers
        let activations = layers.indices.map { l in
            S.self == Float.self && l + 1 < layers.count ? layers[l].fusedActivation(before: layers[l + 1]) : nil
        }
        self.activations = activations
        var stages: [(layer: Int, output: Int)] = [], l = 0
        while S.self == Float.self && l + 1 < layers.count && layers[l].runsInLanes {
            let output = activations[l] == nil ? l : l + 1
            stages.append((l, output))
            l = output + 1
        }
        lanesStages = stages
        // The front's maps in the thread's lanes buffer: the input, then each stage's output,
        // then its gradient, in floats per sample of a batch padded to 16.
        var offset = sizes[0], outputs = [Int?](repeating: nil, count: layers.count), gradients = outputs
        for (_, output) in stages { outputs[output] = offset; offset += sizes[output + 1] }
        for (_, output) in stages { gradients[output] = offset; offset += sizes[output + 1] }
        lanesLayout = (outputs, gradients, offset)
        precondition(values.count == offsets.last!, "\(architecture.name) has \(offsets.last!) parameters, not \(values.count)")
        storage = .allocate(capacity: values.count)
        _ = storage.initialize(from: values)
    }

    deinit {
        storage.deallocate()
        release()
    }

    public var inputShape: FeatureShape { layers[0].description.inputShape }
    public var classes: Int { sizes.last! }
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
        chunkGradients?.deallocate()
        lossGradient = nil
        chunkGradients = nil
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
        chunkGradients = .allocate(capacity: (Self.chunks - 1) * parameterCount)
        chunkGradients!.initialize(repeating: 0, count: (Self.chunks - 1) * parameterCount)
        capacity = batch
    }

    /// This thread's lanes buffer for a chunk of `count` samples and the padded sample count its
    /// per-sample offsets scale by: the same memory for the chunk's forward and its backward,
    /// which run on one thread (a chunk's job), and reused by the thread's next chunk.
    private func lanesBuffer(count: Int) -> (base: UnsafeMutablePointer<Float>, padded: Int) {
        let padded = lanesCount(batch: count, size: 1)
        return (threadLanesBuffer(count: padded * lanesLayout.perSample), padded)
    }

    /// Whether `count` samples run the front in lanes.
    private func runsFrontInLanes(count: Int) -> Bool {
        !lanesStages.isEmpty && runsFrontInLanes && fusesActivations && count >= lanesMinimumBatch && LanesLayer.runs(on: .best)
    }

    private func parameters(of l: Int) -> UnsafeMutablePointer<S> { storage.baseAddress! + parameterOffsets[l] }

    /// How many chunks a batch runs in; chunk `c` of `n` holds samples
    /// `batch·c/n ..< batch·(c+1)/n`.
    public static func chunkCount(batch: Int) -> Int { min(chunks, max(1, batch / parallelBatch)) }

    private func chunkCount(batch: Int) -> Int { layerClock != nil ? 1 : Self.chunkCount(batch: batch) }

    /// Runs `body(chunk, first sample, samples)` for every chunk, in parallel when there is more
    /// than one. Allocates nothing: a training step stays off the heap.
    private func forEachChunk(batch: Int, _ body: (Int, Int, Int) -> Void) {
        // Every thread flushes denormals to zero while it works (see withDenormalsFlushedToZero).
        let n = chunkCount(batch: batch)
        if n == 1 { return withDenormalsFlushedToZero { body(0, 0, batch) } }
        // Chunks write disjoint samples of the activation buffers and their own gradient buffers.
        parallelFor(n) { c in
            let start = batch * c / n
            withDenormalsFlushedToZero { body(c, start, batch * (c + 1) / n - start) }
        }
    }

    /// ``forward(_:batch:)`` for any scalar (the Double gradient checks use it).
    @discardableResult
    func runForward(_ input: UnsafePointer<S>, batch: Int) -> UnsafeBufferPointer<S> {
        reserve(batch: batch)
        lastInput = input
        frontRanInLanes = runsFrontInLanes(count: batch)
        forEachChunk(batch: batch) { _, start, count in forward(start: start, count: count, inLanes: frontRanInLanes) }
        return UnsafeBufferPointer(start: outputs[layers.count - 1], count: classes * batch)
    }

    /// The activation layer `l` fuses, if it does.
    private func activation(fusedInto l: Int) -> FusedActivation? { fusesActivations ? activations[l] : nil }

    /// Whether layer `l` is an activation its previous layer applies (its outputs are written,
    /// it computes nothing of its own).
    public func isFused(_ l: Int) -> Bool { l > 0 && activation(fusedInto: l - 1) != nil }

    /// Samples `start ..< start + count` of the batch `lastInput` holds, through every layer;
    /// `inLanes`: the front in lanes, its last output written in the samples' layout.
    private func forward(start: Int, count: Int, inLanes: Bool) {
        var x = lastInput! + start * sizes[0]
        var l = 0
        if inLanes {
            let (base, padded) = lanesBuffer(count: count)
            var xl = UnsafePointer(base)
            for (layer, output) in lanesStages {
                let n = sizes[output + 1], y = base + padded * lanesLayout.outputs[output]!
                timed(layer, backward: false) {
                    if layer == 0 { toLanes(batch: count, size: sizes[0], samples: floats(x), lanes: base) }
                    layers[layer].withLanesLayer(parameters: parameters(of: layer), activation: activation(fusedInto: layer)) {
                        lanes, _ in lanes.forward(batch: count, input: xl, output: y)
                    }
                    if output + 1 == lanesEnd { fromLanes(batch: count, size: n, lanes: y, samples: floats(outputs[output] + start * n)) }
                }
                xl = UnsafePointer(y)
            }
            l = lanesEnd
            x = UnsafePointer(outputs[l - 1] + start * sizes[l])
        }
        while l < layers.count {
            let layer = layers[l]
            if let activation = activation(fusedInto: l) {
                // Straight into the activation's outputs; layer l's own (before activation) are not kept.
                let y = outputs[l + 1] + start * sizes[l + 2]
                timed(l, backward: false) {
                    layer.forward(parameters: parameters(of: l), input: x, activation: activation, output: y, batch: count)
                }
                x = UnsafePointer(y)
                l += 2
                continue
            }
            let y = outputs[l] + start * sizes[l + 1]
            timed(l, backward: false) { layer.forward(parameters: parameters(of: l), input: x, output: y, batch: count) }
            x = UnsafePointer(y)
            l += 1
        }
    }

    /// Layer `l`'s outputs for sample `b` of the last forward pass. A layer that fuses the
    /// activation after it (``isFused(_:)`` of `l + 1`) keeps none: ask for the activation's. After
    /// a batch that ran the front in lanes, only its last layer's are kept.
    func output(ofLayer l: Int, sample b: Int = 0) -> UnsafeBufferPointer<S> {
        precondition(!isFused(l + 1), "\(layers[l].description.name) keeps no outputs of its own; read layer \(l + 1)'s")
        precondition(!frontRanInLanes || l + 1 >= lanesEnd,
                     "the last batch ran \(layers[l].description.name) in lanes, keeping no outputs")
        let n = sizes[l + 1]
        return UnsafeBufferPointer(start: outputs[l] + b * n, count: n)
    }

    /// Loss and correct predictions over a batch.
    public struct BatchResult: Sendable {
        public var loss: Double
        public var correct: Int
    }

    /// ``accumulateGradient(inputs:labels:batch:into:)`` for any scalar (the Double gradient checks
    /// use it). With `step` (one sample), the layers that can apply online SDLM's step to their
    /// own parameters inside backward do, and add nothing to `gradient`. With `deferringChunkSum`
    /// the chunks after the first leave their gradients for the optimizer's step to add in (see
    /// ``sumChunkGradients(into:parts:then:)``), so the total is not written and read back.
    func runGradient(
        inputs: UnsafePointer<S>, labels: UnsafePointer<UInt8>, batch: Int, into gradient: UnsafeMutablePointer<S>,
        step: OnlineStep<S>? = nil, deferringChunkSum: Bool = false
    ) -> BatchResult {
        precondition(step.map { _ in batch == 1 } ?? true, "the fused online step takes one sample")
        return runChunks(inputs: inputs, batch: batch, into: gradient, frontInLanes: step == nil,
                         deferringChunkSum: deferringChunkSum) { start, count, into in
            let k = classes, out = outputs[layers.count - 1], last = gradients[layers.count - 1]
            var result = BatchResult(loss: 0, correct: 0)
            for b in start..<start + count {
                let y = out + b * k, label = Int(labels[b])
                result.loss += Double(loss.evaluate(output: y, classes: k, label: label, gradient: last + b * k))
                if loss.predict(y, classes: k) == label { result.correct += 1 }
            }
            propagate(start: start, count: count, into: into, curvature: false, step: step)
            return result
        }
    }

    /// ``accumulateCurvature(inputs:labels:batch:into:)`` for any scalar.
    func runCurvature(
        inputs: UnsafePointer<S>, labels: UnsafePointer<UInt8>, batch: Int, into curvature: UnsafeMutablePointer<S>
    ) {
        _ = runChunks(inputs: inputs, batch: batch, into: curvature, frontInLanes: false) { start, count, into in
            let k = classes, out = outputs[layers.count - 1], last = gradients[layers.count - 1]
            for b in start..<start + count {
                let y = out + b * k, label = Int(labels[b])
                _ = loss.evaluate(output: y, classes: k, label: label, gradient: lossGradient! + b * k)
                loss.curvature(output: y, classes: k, label: label, into: last + b * k)
            }
            propagate(start: start, count: count, into: into, curvature: true)
            return BatchResult(loss: 0, correct: 0)
        }
    }

    /// Forward and `backward` for every chunk, each into its own gradient buffer (chunk 0 into
    /// `total`), then (unless deferred) the buffers added to `total` in chunk order; the front
    /// in lanes where it runs there and `frontInLanes` allows (the curvature pass reads every
    /// layer's outputs).
    private func runChunks(
        inputs: UnsafePointer<S>, batch: Int, into total: UnsafeMutablePointer<S>, frontInLanes: Bool,
        deferringChunkSum: Bool = false,
        _ backward: (_ start: Int, _ count: Int, _ into: UnsafeMutablePointer<S>) -> BatchResult
    ) -> BatchResult {
        precondition(pendingChunkBuffers == 0, "the last batch's chunk gradients were never added to its total")
        reserve(batch: batch)
        lastInput = inputs
        frontRanInLanes = frontInLanes && runsFrontInLanes(count: batch)
        let chunks = chunkCount(batch: batch), n = parameterCount
        return withUnsafeTemporaryAllocation(of: BatchResult.self, capacity: chunks) { results in
            forEachChunk(batch: batch) { c, start, count in
                let into = c == 0 ? total : chunkGradients! + (c - 1) * n  // zero (see chunkGradients)
                forward(start: start, count: count, inLanes: frontRanInLanes)
                results[c] = backward(start, count, into)
            }
            pendingChunkBuffers = chunks - 1
            if pendingChunkBuffers > 0 && !deferringChunkSum { sumChunkGradients(into: total, parts: 2) { _ in } }
            var sum = BatchResult(loss: 0, correct: 0)
            for c in 0..<chunks {
                sum.loss += results[c].loss
                sum.correct += results[c].correct
            }
            return sum
        }
    }

    /// Adds the gradients the last batch's chunks left (``runGradient(inputs:labels:batch:into:step:deferringChunkSum:)``)
    /// into `total`, in chunk order, and clears them, block by block over `parts` parts of the
    /// parameters on every core; `body(block)` follows each block's sums while they are in cache
    /// (the optimizer's update). The bits are the same as the sum over all parameters first:
    /// each value gets the same additions in the same order.
    func sumChunkGradients(into total: UnsafeMutablePointer<S>, parts: Int, then body: (Range<Int>) -> Void) {
        let n = parameterCount, pending = pendingChunkBuffers, buffers = chunkGradients
        pendingChunkBuffers = 0
        parallelFor(parts) { part in
            var block = n * part / parts
            let end = n * (part + 1) / parts
            while block < end {
                let range = block ..< min(block + 2_048, end)  // 8 KB a buffer: the block stays in L1
                for c in 0..<pending { addAndClear(buffers! + c * n + range.lowerBound, into: total + range.lowerBound, count: range.count) }
                body(range)
                block = range.upperBound
            }
        }
    }

    @inline(__always)
    private func timed(_ l: Int, backward: Bool, _ body: () -> Void) {
        guard let clock = layerClock else { return body() }
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        if backward { clock.backward[l] += seconds } else { clock.forward[l] += seconds }
    }

    private func propagate(
        start: Int, count: Int, into parameterGradient: UnsafeMutablePointer<S>, curvature: Bool, step: OnlineStep<S>? = nil
    ) {
        let inLanes = frontRanInLanes  // never after a curvature pass's forward (runCurvature)
        for l in stride(from: layers.count - 1, through: inLanes ? lanesEnd : 0, by: -1) {
            let n = sizes[l + 1], m = sizes[l]
            let input = l == 0 ? lastInput! + start * m : UnsafePointer(outputs[l - 1] + start * m)
            let inputGradient = l == 0 ? nil : gradients[l - 1] + start * m
            let output = outputs[l] + start * n, outputGradient = gradients[l] + start * n
            let p = UnsafePointer(parameters(of: l)), dp = parameterGradient + parameterOffsets[l]
            if !curvature && isFused(l) { continue }  // in layer l - 1's backward
            if !curvature, let activation = activation(fusedInto: l) {
                let y = UnsafePointer(outputs[l + 1] + start * n), g = gradients[l + 1] + start * n
                timed(l, backward: true) {
                    layers[l].backward(parameters: p, input: input, activation: activation, activated: y, outputGradient: g,
                                       inputGradient: inputGradient, parameterGradient: dp, batch: count)
                }
            } else if curvature {
                layers[l].backwardCurvature(parameters: p, input: input, output: output,
                                            outputGradient: l == layers.count - 1 ? lossGradient! + start * n : nil,
                                            outputCurvature: outputGradient, inputCurvature: inputGradient,
                                            parameterCurvature: dp, batch: count)
            } else if let step, layers[l].stepsInBackward {
                layers[l].backwardStep(parameters: parameters(of: l), rates: step.rates + parameterOffsets[l], scale: step.scale,
                                       input: input, outputGradient: outputGradient, inputGradient: inputGradient)
            } else {
                timed(l, backward: true) {
                    layers[l].backward(parameters: p, input: input, output: output, outputGradient: outputGradient,
                                       inputGradient: inputGradient, parameterGradient: dp, batch: count)
                }
            }
        }
        if inLanes { propagateFront(start: start, count: count, into: parameterGradient) }
    }

    /// The backward of the front in lanes, from dE/dy of its last output in the samples' layout,
    /// with the maps the chunk's forward left in this thread's lanes buffer.
    private func propagateFront(start: Int, count: Int, into parameterGradient: UnsafeMutablePointer<S>) {
        let (base, padded) = lanesBuffer(count: count)
        for (i, (layer, output)) in lanesStages.enumerated().reversed() {
            let previous = i == 0 ? nil : lanesStages[i - 1].output
            let input = previous.map { base + padded * lanesLayout.outputs[$0]! } ?? base
            let inputGradient = previous.map { base + padded * lanesLayout.gradients[$0]! }
            let y = base + padded * lanesLayout.outputs[output]!, g = base + padded * lanesLayout.gradients[output]!
            let dp = floats(parameterGradient + parameterOffsets[layer]), f = activation(fusedInto: layer)
            let inputActivation = i == 0 ? nil : activation(fusedInto: lanesStages[i - 1].layer)
            timed(layer, backward: true) {
                if output + 1 == lanesEnd {  // dE/da of the front's last layer, from dE/dy and y
                    let n = sizes[output + 1], dy = UnsafePointer(gradients[output] + start * n)
                    let activated = UnsafePointer(outputs[output] + start * n)
                    toLanes(batch: count, size: n, samples: floats(dy), activated: f.map { _ in floats(activated) }, activation: f, lanes: g)
                }
                layers[layer].withLanesLayer(parameters: parameters(of: layer), activation: f) { lanes, bias in
                    lanes.backward(batch: count, input: input, output: y, outputGradient: g, weightGradient: bias.map { _ in dp },
                                   biasGradient: bias.map { dp + $0 }, inputActivation: inputActivation, inputGradient: inputGradient)
                }
            }
        }
    }
}

/// Online SDLM's update, p -= (rate · scale) · dE/dp, for the layers that apply it inside their
/// backward pass: `rates` is indexed like the network's parameters.
struct OnlineStep<S> {
    let rates: UnsafePointer<S>
    let scale: S
}

/// Runs `body(i)` for every i in 0..<count on this thread and the worker pool (LeNetWorkers:
/// threads that spin between jobs instead of being woken for each), returning when all are done.
/// The bodies may run at the same time: callers give each index its own memory.
func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        var job = body
        withUnsafeMutablePointer(to: &job) { context in
            lenet_parallel_for(count, { context, i in context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(i) }, context)
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

/// Hands a value to concurrently running code that the compiler cannot prove safe; each use
/// says why it is.
public struct UncheckedSendable<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}

/// The public entry points for training and inference, in `Float`. They are not generic on
/// purpose: called from another module, a generic method of `Network` runs unspecialised,
/// measured 300 times slower (98 images/s at batch 64 instead of ~31,000); these are compiled
/// here with `S` known, so every layer underneath is specialised.
extension Network where S == Float {
    /// Runs `batch` samples (`inputShape.count` values each, one after another) through the
    /// network; returns the last layer's outputs, `classes` per sample, valid until the next call.
    @discardableResult
    public func forward(_ input: UnsafePointer<Float>, batch: Int) -> UnsafeBufferPointer<Float> {
        runForward(input, batch: batch)
    }

    /// Forward, loss and backward over a batch; *adds* the summed dE/d(parameters) to `gradient`.
    public func accumulateGradient(
        inputs: UnsafePointer<Float>, labels: UnsafePointer<UInt8>, batch: Int, into gradient: UnsafeMutablePointer<Float>
    ) -> BatchResult {
        runGradient(inputs: inputs, labels: labels, batch: batch, into: gradient)
    }

    /// Forward and Gauss-Newton backward over a batch; *adds* the summed diagonal second
    /// derivatives d²E/d(parameters)² to `curvature` (LeCun et al. 1998, Appendix C).
    public func accumulateCurvature(
        inputs: UnsafePointer<Float>, labels: UnsafePointer<UInt8>, batch: Int, into curvature: UnsafeMutablePointer<Float>
    ) {
        runCurvature(inputs: inputs, labels: labels, batch: batch, into: curvature)
    }
}
