import LeNetKernels

/// Which input maps feed which output maps of a convolution (LeNet-5's Table I for C3).
public struct ConnectionTable: Sendable, Hashable, Codable {
    public let inputChannels: Int
    public let outputChannels: Int
    /// `connected[o * inputChannels + i]`: input map `i` feeds output map `o`.
    public let connected: [Bool]
    /// Whether every input map feeds every output map. Stored, not scanned on each use: the
    /// layers ask on every pass (C5's table has 1,920 entries, asked several times per sample).
    public let isFull: Bool

    public init(inputChannels: Int, outputChannels: Int, connected: [Bool]) {
        precondition(connected.count == inputChannels * outputChannels, "table size")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.connected = connected
        isFull = !connected.contains(false)
    }

    private enum CodingKeys: String, CodingKey { case inputChannels, outputChannels, connected }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(inputChannels: try c.decode(Int.self, forKey: .inputChannels),
                  outputChannels: try c.decode(Int.self, forKey: .outputChannels),
                  connected: try c.decode([Bool].self, forKey: .connected))
    }

    public static func full(inputChannels: Int, outputChannels: Int) -> ConnectionTable {
        ConnectionTable(inputChannels: inputChannels, outputChannels: outputChannels,
                        connected: Array(repeating: true, count: inputChannels * outputChannels))
    }

    /// Builds a table from rows drawn as text, one row per *input* map and one column per output
    /// map, `X` for a connection, as Table I of the paper prints it.
    public init(drawn rows: [String]) {
        let inputs = rows.count, outputs = rows[0].filter { $0 == "X" || $0 == "." }.count
        var connected = Array(repeating: false, count: inputs * outputs)
        for (i, row) in rows.enumerated() {
            let marks = row.filter { $0 == "X" || $0 == "." }
            precondition(marks.count == outputs, "ragged connection table")
            for (o, mark) in marks.enumerated() { connected[o * inputs + i] = mark == "X" }
        }
        self.init(inputChannels: inputs, outputChannels: outputs, connected: connected)
    }

    public func inputs(of o: Int) -> Int { (0..<inputChannels).filter { connected[o * inputChannels + $0] }.count }
    public var connectionCount: Int { connected.filter { $0 }.count }
}

/// A convolution layer (C1, C3, C5): `outputChannels` maps, each a k x k kernel over the
/// connected input maps plus one bias, valid (no padding), stride 1.
/// Parameters: `weight [outC, inC, k, k]` (kernels a table leaves out stay zero), `bias [outC]`.
public struct Convolution: LayerDescription {
    public let name: String
    public let shape: ConvolutionShape
    public let table: ConnectionTable

    public init(name: String, input: FeatureShape, outputChannels: Int, kernelSize: Int, table: ConnectionTable? = nil) {
        self.name = name
        shape = ConvolutionShape(inputChannels: input.channels, outputChannels: outputChannels,
                                 inputHeight: input.height, inputWidth: input.width, kernelSize: kernelSize)
        self.table = table ?? .full(inputChannels: input.channels, outputChannels: outputChannels)
        precondition(self.table.inputChannels == input.channels && self.table.outputChannels == outputChannels)
    }

    public var inputShape: FeatureShape { FeatureShape(channels: shape.inputChannels, height: shape.inputHeight, width: shape.inputWidth) }
    public var outputShape: FeatureShape { FeatureShape(channels: shape.outputChannels, height: shape.outputHeight, width: shape.outputWidth) }
    var kernelArea: Int { shape.kernelSize * shape.kernelSize }

    public var parameterTensors: [ParameterTensor] {
        let k = shape.kernelSize
        return [
            ParameterTensor(name: "\(name).weight", shape: [shape.outputChannels, shape.inputChannels, k, k],
                            trainableCount: table.connectionCount * kernelArea, isBias: false),
            ParameterTensor(name: "\(name).bias", shape: [shape.outputChannels], trainableCount: shape.outputChannels, isBias: true),
        ]
    }

    public var connections: Int {
        shape.outputHeight * shape.outputWidth * (table.connectionCount * kernelArea + shape.outputChannels)
    }

    public func initialize(_ p: UnsafeMutableBufferPointer<Double>, scheme: Initialization, using rng: inout SplitMix64) {
        let biasStart = shape.weightCount
        for o in 0..<shape.outputChannels {
            let limit = scheme.limit(fanIn: table.inputs(of: o) * kernelArea)
            for i in 0..<shape.inputChannels {
                let connected = table.connected[o * shape.inputChannels + i]
                for j in 0..<kernelArea {
                    p[(o * shape.inputChannels + i) * kernelArea + j] = connected ? rng.uniform(limit) : 0
                }
            }
            p[biasStart + o] = rng.uniform(limit)
        }
    }

    func forward<S: NetworkScalar>(parameters: UnsafePointer<S>, input: UnsafePointer<S>, output: UnsafeMutablePointer<S>, batch: Int) {
        table.connected.withUnsafeBufferPointer { t in
            let mask = table.isFull ? nil : t.baseAddress
            convolutionForward(shape, batch: batch, input: input, weights: parameters, bias: parameters + shape.weightCount,
                               connected: mask, output: output)
        }
    }

    func backward<S: NetworkScalar>(
        parameters: UnsafePointer<S>, input: UnsafePointer<S>, outputGradient: UnsafePointer<S>,
        inputGradient: UnsafeMutablePointer<S>?, parameterGradient: UnsafeMutablePointer<S>, batch: Int
    ) {
        inputGradient?.update(repeating: 0, count: shape.inputCount * batch)
        table.connected.withUnsafeBufferPointer { t in
            let mask = table.isFull ? nil : t.baseAddress
            convolutionBackward(shape, batch: batch, input: input, weights: parameters, connected: mask,
                                outputGradient: outputGradient, weightGradient: parameterGradient,
                                biasGradient: parameterGradient + shape.weightCount, inputGradient: inputGradient)
        }
    }

    func forward(
        parameters: UnsafePointer<Float>, input: UnsafePointer<Float>, activation: FusedActivation, output: UnsafeMutablePointer<Float>,
        batch: Int
    ) {
        table.connected.withUnsafeBufferPointer { t in
            convolutionForward(shape, batch: batch, input: input, weights: parameters, bias: parameters + shape.weightCount,
                               connected: table.isFull ? nil : t.baseAddress, activation: activation, output: output)
        }
    }

    func backward(
        parameters: UnsafePointer<Float>, input: UnsafePointer<Float>, activation: FusedActivation, activated: UnsafePointer<Float>,
        outputGradient: UnsafeMutablePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?,
        parameterGradient: UnsafeMutablePointer<Float>, batch: Int
    ) {
        inputGradient?.update(repeating: 0, count: shape.inputCount * batch)
        table.connected.withUnsafeBufferPointer { t in
            convolutionBackward(shape, batch: batch, input: input, weights: parameters, connected: table.isFull ? nil : t.baseAddress,
                                activation: activation, activated: activated, outputGradient: outputGradient,
                                weightGradient: parameterGradient, biasGradient: parameterGradient + shape.weightCount,
                                inputGradient: inputGradient)
        }
    }
}
