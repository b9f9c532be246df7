/// Per-layer sizes of a model, counted as LeCun et al. 1998 count them: trainable parameters
/// (a shared weight counts once) and connections (multiply-adds of one forward pass, one per
/// input of each unit plus one per bias).
public struct Summary: Sendable {
    public struct Row: Sendable {
        public var name: String
        public var kind: String
        public var output: FeatureShape
        public var weights: Int
        public var biases: Int
        public var fixed: Int
        public var connections: Int
        public var parameters: Int { weights + biases }
    }

    public var architecture: Architecture
    public var input: FeatureShape
    public var rows: [Row]

    public init(_ architecture: Architecture) {
        self.architecture = architecture
        let layers = architecture.layers
        input = layers[0].description.inputShape
        rows = layers.map { layer in
            let d = layer.description, tensors = d.parameterTensors
            let kind = switch layer {
            case .convolution(let c): c.table.isFull ? "convolution \(c.shape.kernelSize)x\(c.shape.kernelSize)"
                : "convolution \(c.shape.kernelSize)x\(c.shape.kernelSize), Table I"
            case .subsampling: "subsampling 2x2 (trainable)"
            case .pooling(let p): "\(p.kind.rawValue) pooling 2x2"
            case .fullyConnected: "fully connected"
            case .activation(let a): a.function == .relu ? "ReLU" : "1.7159 tanh(2a/3)"
            case .rbf: "Euclidean RBF (fixed 7x12 bitmaps)"
            }
            return Row(name: d.name, kind: kind, output: d.outputShape,
                       weights: tensors.filter { !$0.isBias }.reduce(0) { $0 + $1.trainableCount },
                       biases: tensors.filter(\.isBias).reduce(0) { $0 + $1.trainableCount },
                       fixed: tensors.reduce(0) { $0 + $1.count - $1.trainableCount },
                       connections: d.connections)
        }
    }

    public var weights: Int { rows.reduce(0) { $0 + $1.weights } }
    public var biases: Int { rows.reduce(0) { $0 + $1.biases } }
    public var parameters: Int { weights + biases }
    public var connections: Int { rows.reduce(0) { $0 + $1.connections } }

    public var table: String {
        func n(_ x: Int) -> String { x.formatted() }
        let header = ["layer", "kind", "output", "weights", "biases", "parameters", "connections"]
        var body = [["input", "", input.description, "", "", "", ""]]
        body += rows.map { [$0.name, $0.kind, $0.output.description, n($0.weights), n($0.biases), n($0.parameters), n($0.connections)] }
        body.append(["total", "", "", n(weights), n(biases), n(parameters), n(connections)])
        let widths = header.indices.map { c in ([header] + body).map { $0[c].count }.max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, s in c < 2 ? s.padding(toLength: widths[c], withPad: " ", startingAt: 0) : pad(s, widths[c]) }
                .joined(separator: "  ")
        }
        var lines = ["\(architecture.name): \(n(parameters)) trainable parameters, \(n(connections)) connections", "",
                     line(header), String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))]
        lines += body.map(line)
        let fixed = rows.reduce(0) { $0 + $1.fixed }
        if fixed > 0 { lines.append("\nplus \(n(fixed)) fixed values (not trained): the RBF prototypes and the kernels Table I leaves out") }
        return lines.joined(separator: "\n")
    }
}

extension Int {
    /// 60000 -> "60,000".
    func formatted() -> String {
        let digits = String(magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (self < 0 ? "-" : "") + out
    }
}
