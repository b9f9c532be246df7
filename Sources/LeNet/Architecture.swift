/// The models this package builds, by name. A model file stores its architecture, so loading
/// needs nothing else.
public enum Architecture: Sendable, Hashable, Codable {
    /// LeCun, Bottou, Bengio, Haffner 1998: see ``LeNet5``.
    case lenet5
    /// LeCun et al. 1989/1990 as the seed describes it: see ``LeNet1``.
    case lenet1(pooling: Pooling.Kind)
    /// What most reproductions call LeNet-5: see ``LeNet5Modern``.
    case lenet5Modern
    /// The 1998 paper's fully connected baselines: see ``MultilayerPerceptron``.
    case mlp(hidden: [Int])

    /// Every name `named(_:)` takes.
    public static let names = ["lenet5", "lenet1", "lenet5-modern", "mlp-300", "mlp-1000", "mlp-300-100"]

    public struct UnknownModel: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "unknown model '\(name)'; the models are \(Architecture.names.joined(separator: ", "))" }
    }

    /// `lenet5`, `lenet1`, `lenet5-modern`, `mlp-300`, `mlp-1000`, `mlp-300-100`.
    public static func named(_ name: String, pooling: Pooling.Kind = .average) throws -> Architecture {
        switch name {
        case "lenet5": return .lenet5
        case "lenet1": return .lenet1(pooling: pooling)
        case "lenet5-modern": return .lenet5Modern
        case "mlp-300": return .mlp(hidden: [300])
        case "mlp-1000": return .mlp(hidden: [1000])
        case "mlp-300-100": return .mlp(hidden: [300, 100])
        default: throw UnknownModel(name: name)
        }
    }

    public var name: String {
        switch self {
        case .lenet5: "lenet5"
        case .lenet1: "lenet1"
        case .lenet5Modern: "lenet5-modern"
        case .mlp(let hidden): "mlp-" + hidden.map(String.init).joined(separator: "-")
        }
    }

    public var layers: [Layer] {
        switch self {
        case .lenet5: LeNet5.layers
        case .lenet1(let pooling): LeNet1.layers(pooling: pooling)
        case .lenet5Modern: LeNet5Modern.layers
        case .mlp(let hidden): MultilayerPerceptron.layers(hidden: hidden)
        }
    }

    /// Every parameter tensor with its offset in the flat buffer, layer after layer: the layout
    /// of ``Network/parameters`` and of model files, known without building a network.
    public var parameterTensors: [(tensor: ParameterTensor, offset: Int)] {
        var result: [(ParameterTensor, Int)] = [], offset = 0
        for t in layers.flatMap(\.description.parameterTensors) {
            result.append((t, offset))
            offset += t.count
        }
        return result
    }

    public var parameterCount: Int { layers.reduce(0) { $0 + $1.description.parameterCount } }

    public var loss: Loss {
        switch self {
        case .lenet5: .map(MAPLoss())
        case .lenet1, .lenet5Modern: .softmaxCrossEntropy
        case .mlp: .meanSquared
        }
    }

    public var initialization: Initialization {
        switch self {
        case .lenet5, .lenet1, .mlp: .lecun98
        case .lenet5Modern: .pytorch
        }
    }

    public var inputEncoding: InputEncoding {
        switch self {
        case .lenet5, .lenet5Modern: InputEncoding(padding: 2)
        case .lenet1, .mlp: InputEncoding(padding: 0)
        }
    }

    /// What the paper (or the seed) reports for this model on MNIST, for the README and logs.
    public var publishedTestError: Double? {
        switch self {
        case .lenet5: 0.95
        case .lenet1: 1.7
        case .lenet5Modern: nil
        case .mlp(let hidden):
            switch hidden {
            case [300]: 4.7
            case [1000]: 4.5
            case [300, 100]: 3.05
            default: nil
            }
        }
    }
}

/// How a 28x28 gray image (0 background ... 255 ink) becomes a network's input: scaled so the
/// background is -0.1 and full ink 1.175, which makes the mean roughly 0 and the variance
/// roughly 1 (LeCun et al. 1998, Section II-A), and padded with background on every side.
public struct InputEncoding: Sendable, Hashable, Codable {
    public var padding: Int
    public var background = -0.1
    public var ink = 1.175

    public init(padding: Int) { self.padding = padding }

    public func shape(width: Int, height: Int) -> FeatureShape {
        FeatureShape(channels: 1, height: height + 2 * padding, width: width + 2 * padding)
    }

    /// Writes one encoded image (`shape(...)`.count values) to `output`.
    public func encode<S: NetworkScalar>(_ pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, into output: UnsafeMutablePointer<S>) {
        levels(as: S.self).withUnsafeBufferPointer {
            encode(pixels.baseAddress!, width: width, height: height, levels: $0.baseAddress!, into: output)
        }
    }

    /// What each gray level 0...255 becomes: background + p (ink - background) / 255.
    public func levels<S: NetworkScalar>(as: S.Type = S.self) -> [S] {
        let scale = (ink - background) / 255
        return (0..<256).map { S(background + scale * Double($0)) }
    }

    /// ``encode(_:width:height:into:)`` with the gray levels looked up in ``levels(as:)``, computed
    /// once for many images: the trainer encodes each minibatch as it gathers it, which is as
    /// fast as copying it from a whole encoded training set (245 MB for MNIST at 32x32, which
    /// took 0.26 s to write before the first step).
    public func encode<S: NetworkScalar>(
        _ pixels: UnsafePointer<UInt8>, width: Int, height: Int, levels: UnsafePointer<S>, into output: UnsafeMutablePointer<S>
    ) {
        let w = width + 2 * padding
        output.update(repeating: levels[0], count: w * (height + 2 * padding))
        for y in 0..<height {
            let row = output + (y + padding) * w + padding, source = pixels + y * width
            for x in 0..<width { row[x] = levels[Int(source[x])] }
        }
    }
}
