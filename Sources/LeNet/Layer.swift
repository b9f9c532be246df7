import LeNetKernels

/// A named block of a layer's parameters, laid out as PyTorch lays out the same tensor, so a
/// model file's tensors load straight into the PyTorch module of `scripts/`.
public struct ParameterTensor: Sendable, Hashable {
    /// PyTorch-style name: `c1.weight`, `f6.bias`, `output.prototypes`.
    public var name: String
    public var shape: [Int]
    /// How many of its entries training changes: fewer than `shape`'s product where a connection
    /// table leaves kernels out (they are stored as zeros), zero for fixed buffers.
    public var trainableCount: Int
    /// Whether these are weights or biases, for the summary's separate columns.
    public var isBias: Bool

    public var count: Int { shape.reduce(1, *) }
}

/// How trainable parameters start.
public enum Initialization: String, Sendable, Codable, CaseIterable {
    /// LeCun et al. 1998, Appendix A: uniform in ±2.4 / fan-in.
    case lecun98
    /// PyTorch's default for `nn.Conv2d` and `nn.Linear`: uniform in ±1 / sqrt(fan-in).
    case pytorch

    func limit(fanIn: Int) -> Double {
        switch self {
        case .lecun98: 2.4 / Double(fanIn)
        case .pytorch: 1 / Double(fanIn).squareRoot()
        }
    }
}

/// What every layer tells about itself without computing anything.
public protocol LayerDescription: Sendable {
    /// The paper's name for the layer where it has one (C1, S2, ...).
    var name: String { get }
    var inputShape: FeatureShape { get }
    var outputShape: FeatureShape { get }
    var parameterTensors: [ParameterTensor] { get }
    /// Multiply-adds (or comparisons) that one forward pass of one sample performs, counted as
    /// the paper counts connections: one per input of each unit, plus one per bias.
    var connections: Int { get }
    /// Fills this layer's parameters (laid out as `parameterTensors`) with their starting values.
    func initialize(_ parameters: UnsafeMutableBufferPointer<Double>, scheme: Initialization, using rng: inout SplitMix64)
}

extension LayerDescription {
    public var parameterCount: Int { parameterTensors.reduce(0) { $0 + $1.count } }
}

/// One layer of a network. An enum rather than an existential so that `Network<Float>` calls
/// each layer's kernels specialised for `Float` (a protocol witness would run them generically,
/// many times slower).
///
/// Every layer computes, for a batch of samples laid out one after another:
/// - `forward`: `output = layer(parameters, input)`;
/// - `backward`: given dE/d(output), overwrite dE/d(input) (when asked for) and *add* dE/d(parameters);
/// - `backwardCurvature`: the same for the Gauss-Newton diagonal second derivatives d²E/d(·)²
///   that the stochastic diagonal Levenberg-Marquardt method needs (LeCun et al. 1998, Appendix C).
public enum Layer: Sendable {
    case convolution(Convolution)
    case subsampling(Subsampling)
    case pooling(Pooling)
    case fullyConnected(FullyConnected)
    case activation(ActivationLayer)
    case rbf(RBFOutput)

    public var description: any LayerDescription {
        switch self {
        case .convolution(let l): l
        case .subsampling(let l): l
        case .pooling(let l): l
        case .fullyConnected(let l): l
        case .activation(let l): l
        case .rbf(let l): l
        }
    }

    @inline(__always)
    func forward<S: NetworkScalar>(
        parameters: UnsafePointer<S>, input: UnsafePointer<S>, output: UnsafeMutablePointer<S>, batch: Int
    ) {
        switch self {
        case .convolution(let l): l.forward(parameters: parameters, input: input, output: output, batch: batch)
        case .subsampling(let l): l.forward(parameters: parameters, input: input, output: output, batch: batch)
        case .pooling(let l): l.forward(input: input, output: output, batch: batch)
        case .fullyConnected(let l): l.forward(parameters: parameters, input: input, output: output, batch: batch)
        case .activation(let l): l.forward(input: input, output: output, batch: batch)
        case .rbf(let l): l.forward(parameters: parameters, input: input, output: output, batch: batch)
        }
    }

    @inline(__always)
    func backward<S: NetworkScalar>(
        parameters: UnsafePointer<S>, input: UnsafePointer<S>, output: UnsafePointer<S>,
        outputGradient: UnsafePointer<S>, inputGradient: UnsafeMutablePointer<S>?,
        parameterGradient: UnsafeMutablePointer<S>, batch: Int
    ) {
        switch self {
        case .convolution(let l):
            l.backward(parameters: parameters, input: input, outputGradient: outputGradient,
                       inputGradient: inputGradient, parameterGradient: parameterGradient, batch: batch)
        case .subsampling(let l):
            l.backward(parameters: parameters, input: input, outputGradient: outputGradient,
                       inputGradient: inputGradient, parameterGradient: parameterGradient, batch: batch, squared: false)
        case .pooling(let l):
            l.backward(input: input, output: output, outputGradient: outputGradient, inputGradient: inputGradient,
                       batch: batch, squared: false)
        case .fullyConnected(let l):
            l.backward(parameters: parameters, input: input, outputGradient: outputGradient,
                       inputGradient: inputGradient, parameterGradient: parameterGradient, batch: batch)
        case .activation(let l):
            l.backward(input: input, output: output, outputGradient: outputGradient, inputGradient: inputGradient,
                       batch: batch, squared: false)
        case .rbf(let l):
            l.backward(parameters: parameters, input: input, outputGradient: outputGradient, inputGradient: inputGradient, batch: batch)
        }
    }

    /// The activation this layer's kernels can apply to their outputs in the same pass (see
    /// ``FusedActivation``) when `next` follows it: LeNet's scaled tanh or a ReLU after a
    /// convolution or a subsampling. Not after C5: it runs as a matrix, whose kernels do not fuse
    /// it, and online SDLM steps it inside its own backward.
    func fusedActivation(before next: Layer) -> FusedActivation? {
        switch self {
        case .convolution where !stepsInBackward, .subsampling: break
        default: return nil
        }
        guard case .activation(let a) = next else { return nil }
        switch a.function {
        case .scaledTanh:
            return FusedActivation(.scaledTanh(amplitude: Float(ActivationLayer.tanhAmplitude), slope: Float(ActivationLayer.tanhSlope)))
        case .relu:
            return FusedActivation(.relu)
        }
    }

    /// `forward`, then `activation` over the outputs, in Float: the layer and the activation after
    /// it in one pass (see ``fusedActivation(before:)``).
    func forward<S: NetworkScalar>(
        parameters: UnsafePointer<S>, input: UnsafePointer<S>, activation: FusedActivation, output: UnsafeMutablePointer<S>, batch: Int
    ) {
        switch self {
        case .convolution(let l):
            l.forward(parameters: floats(parameters), input: floats(input), activation: activation, output: floats(output), batch: batch)
        case .subsampling(let l):
            l.forward(parameters: floats(parameters), input: floats(input), activation: activation, output: floats(output), batch: batch)
        default: preconditionFailure("\(description.name) fuses no activation")
        }
    }

    /// `backward` of ``forward(parameters:input:activation:output:batch:)`` from dE/dy and the
    /// activated outputs y; `outputGradient` may be overwritten.
    func backward<S: NetworkScalar>(
        parameters: UnsafePointer<S>, input: UnsafePointer<S>, activation: FusedActivation, activated: UnsafePointer<S>,
        outputGradient: UnsafeMutablePointer<S>, inputGradient: UnsafeMutablePointer<S>?,
        parameterGradient: UnsafeMutablePointer<S>, batch: Int
    ) {
        switch self {
        case .convolution(let l):
            l.backward(parameters: floats(parameters), input: floats(input), activation: activation, activated: floats(activated),
                       outputGradient: floats(outputGradient), inputGradient: inputGradient.map(floats),
                       parameterGradient: floats(parameterGradient), batch: batch)
        case .subsampling(let l):
            l.backward(parameters: floats(parameters), input: floats(input), activation: activation, activated: floats(activated),
                       outputGradient: floats(outputGradient), inputGradient: inputGradient.map(floats),
                       parameterGradient: floats(parameterGradient), batch: batch)
        default: preconditionFailure("\(description.name) fuses no activation")
        }
    }

    /// Whether this layer can run in the lanes layout (``LanesLayer``): a convolution that does not
    /// run as a matrix, with a kernel of at most 8x8; a subsampling; a pooling.
    var runsInLanes: Bool {
        switch self {
        case .convolution(let l): !stepsInBackward && l.shape.kernelSize <= 8
        case .subsampling, .pooling: true
        case .fullyConnected, .activation, .rbf: false
        }
    }

    /// `body` with this layer as a ``LanesLayer`` over `parameters`, `activation` applied to its
    /// outputs, and where its bias starts in its parameters (nil: it has none). Only where
    /// ``runsInLanes``.
    func withLanesLayer<S: NetworkScalar, R>(
        parameters: UnsafePointer<S>, activation: FusedActivation?, _ body: (LanesLayer, _ biasOffset: Int?) -> R
    ) -> R {
        let p = floats(parameters)
        switch self {
        case .convolution(let l):
            return l.table.connected.withUnsafeBufferPointer { t in
                body(.convolution(l.shape, weights: p, bias: p + l.shape.weightCount, connected: l.table.isFull ? nil : t.baseAddress,
                                  activation: activation), l.shape.weightCount)
            }
        case .subsampling(let l):
            let s = l.inputShape
            return body(.subsampling(channels: s.channels, height: s.height, width: s.width, coefficients: p, bias: p + s.channels,
                                     activation: activation), s.channels)
        case .pooling(let l):
            precondition(activation == nil, "pooling applies no activation")
            let s = l.inputShape
            return body(.pooling(maximum: l.kind == .max, channels: s.channels, height: s.height, width: s.width), nil)
        case .fullyConnected, .activation, .rbf: preconditionFailure("\(description.name) does not run in lanes")
        }
    }

    /// Whether online SDLM applies this layer's step inside its backward pass
    /// (``backwardStep(parameters:rates:scale:input:outputGradient:inputGradient:)``): the layers
    /// that are one matrix, weights `[outputs, inputs]` then biases (fully connected layers, and
    /// C5, a convolution with a full table over its whole input).
    var stepsInBackward: Bool {
        switch self {
        case .fullyConnected: true
        case .convolution(let l): l.table.isFull && l.shape.coversInput
        case .subsampling, .pooling, .activation, .rbf: false
        }
    }

    /// `backward` of one sample fused with online SDLM's step of this layer's parameters,
    /// p -= (rate · scale) · dE/dp, bit for bit the same (see ``matrixBackwardStep``); it adds
    /// nothing to a gradient. Only where ``stepsInBackward``.
    func backwardStep<S: NetworkScalar>(
        parameters: UnsafeMutablePointer<S>, rates: UnsafePointer<S>, scale: S, input: UnsafePointer<S>,
        outputGradient: UnsafePointer<S>, inputGradient: UnsafeMutablePointer<S>?
    ) {
        let rows: Int, columns: Int
        switch self {
        case .fullyConnected(let l): (rows, columns) = (l.outputs, l.inputs)
        case .convolution(let l): (rows, columns) = (l.shape.outputChannels, l.shape.inputCount)
        case .subsampling, .pooling, .activation, .rbf: preconditionFailure("\(description.name) does not step in backward")
        }
        inputGradient?.update(repeating: 0, count: columns)
        matrixBackwardStep(rows: rows, columns: columns, input: input, outputGradient: outputGradient,
                           weights: parameters, bias: parameters + rows * columns, weightRates: rates,
                           biasRates: rates + rows * columns, scale: scale, inputGradient: inputGradient)
    }

    /// Gauss-Newton: through a map linear in its inputs and weights, d²E/dx² = Σ w² d²E/dy² and
    /// d²E/dw² = Σ x² d²E/dy², so convolutions and fully connected layers run their own backward
    /// on squared copies (subsampling squares its 4-input sums itself); through
    /// a nonlinearity y = f(x), d²E/dx² = f'(x)² d²E/dy² (the f'' term is dropped, as in the paper).
    ///
    /// `outputGradient` (dE/d(output)) is needed by the RBF layer only, whose second derivative
    /// d²y/dx² = 2 is too large to drop (see ``RBFOutput``).
    func backwardCurvature<S: NetworkScalar>(
        parameters: UnsafePointer<S>, input: UnsafePointer<S>, output: UnsafePointer<S>,
        outputGradient: UnsafePointer<S>?, outputCurvature: UnsafePointer<S>, inputCurvature: UnsafeMutablePointer<S>?,
        parameterCurvature: UnsafeMutablePointer<S>, batch: Int
    ) {
        let d = description
        switch self {
        case .convolution, .fullyConnected:
            let p2 = squares(parameters, count: d.parameterCount)
            let x2 = squares(input, count: d.inputShape.count * batch)
            defer { p2.deallocate(); x2.deallocate() }
            backward(parameters: p2, input: x2, output: output, outputGradient: outputCurvature,
                     inputGradient: inputCurvature, parameterGradient: parameterCurvature, batch: batch)
        case .subsampling(let l):
            l.backward(parameters: parameters, input: input, outputGradient: outputCurvature,
                       inputGradient: inputCurvature, parameterGradient: parameterCurvature, batch: batch, squared: true)
        case .pooling(let l):
            l.backward(input: input, output: output, outputGradient: outputCurvature, inputGradient: inputCurvature,
                       batch: batch, squared: true)
        case .activation(let l):
            l.backward(input: input, output: output, outputGradient: outputCurvature, inputGradient: inputCurvature,
                       batch: batch, squared: true)
        case .rbf(let l):
            l.backwardCurvature(parameters: parameters, input: input, outputGradient: outputGradient!,
                                outputCurvature: outputCurvature, inputCurvature: inputCurvature, batch: batch)
        }
    }
}

private func squares<S: NetworkScalar>(_ x: UnsafePointer<S>, count: Int) -> UnsafeMutablePointer<S> {
    let y = UnsafeMutablePointer<S>.allocate(capacity: max(count, 1))
    for i in 0..<count { y[i] = x[i] * x[i] }
    return y
}

/// The fused kernels run in Float only; the network asks for them only when `S` is `Float`.
@inline(__always)
func floats<S: NetworkScalar>(_ p: UnsafePointer<S>) -> UnsafePointer<Float> {
    precondition(S.self == Float.self, "fused activation runs in Float")
    return UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
}

@inline(__always)
func floats<S: NetworkScalar>(_ p: UnsafeMutablePointer<S>) -> UnsafeMutablePointer<Float> {
    precondition(S.self == Float.self, "fused activation runs in Float")
    return UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
}
