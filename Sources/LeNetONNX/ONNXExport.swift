import Foundation
import LeNet
import SwiftProtobuf

/// A trained model as an ONNX graph (opset 13), from standard operators only:
///
/// | ours | ONNX |
/// |---|---|
/// | input encoding (-0.1 background, 1.175 ink, padding) | `Mul`, `Add`, `Pad` with the background value |
/// | convolution, C3's Table I included | `Conv` (left-out kernels are zeros in the weight, as in the model file) |
/// | trainable subsampling (2x2 sum x coefficient + bias) | depthwise `Conv` (group = maps) with every tap = the map's coefficient |
/// | average / max pooling | `AveragePool` / `MaxPool` |
/// | fully connected | `Flatten` where needed, `Gemm` (transB) |
/// | 1.7159 tanh(2a/3) | `Mul`, `Tanh`, `Mul` |
/// | Euclidean RBF output | `Unsqueeze`, `Sub`, `Mul`, `ReduceSum`: Σ (x - prototype)² |
/// | probabilities | `Softmax` of the scores, or of the negated penalties (`Neg`) |
///
/// Input `pixels`: float [N, 1, 28, 28], 0 = background, 1 = full ink (MNIST's bytes / 255).
/// Outputs `outputs` [N, 10] (RBF penalties, lower is better, for `lenet5`; scores otherwise)
/// and `probabilities` [N, 10].
public enum ONNXExport {
    public static let opset: Int64 = 13

    public static func model(_ file: ModelFile) -> Onnx_ModelProto {
        var graph = GraphBuilder()
        let architecture = file.architecture, encoding = architecture.inputEncoding
        var x = graph.node("Add", [graph.node("Mul", ["pixels", graph.scalar(Float(encoding.ink - encoding.background))]),
                                   graph.scalar(Float(encoding.background))])
        if encoding.padding > 0 {
            let p = Int64(encoding.padding)
            x = graph.node("Pad", [x, graph.constant([0, 0, p, p, 0, 0, p, p], shape: [8]), graph.scalar(Float(encoding.background))])
        }
        var rank = 4
        let offsets = Dictionary(uniqueKeysWithValues: architecture.parameterTensors.map { ($0.tensor.name, $0.offset) })
        for layer in architecture.layers {
            let d = layer.description
            func tensor(_ i: Int) -> (values: ArraySlice<Float>, shape: [Int]) {
                let t = d.parameterTensors[i], start = offsets[t.name]!
                return (file.parameters[start..<start + t.count], t.shape)
            }
            switch layer {
            case .convolution:
                x = graph.node("Conv", [x, graph.constant(tensor(0)), graph.constant(tensor(1))])
            case .subsampling(let s):
                let c = s.inputShape.channels, coefficients = tensor(0).values
                let kernel = coefficients.flatMap { [Float](repeating: $0, count: 4) }
                x = graph.node("Conv", [x, graph.constant(kernel[...], shape: [c, 1, 2, 2]), graph.constant(tensor(1))],
                               attributes: [.ints("kernel_shape", [2, 2]), .ints("strides", [2, 2]), .int("group", Int64(c))])
            case .pooling(let p):
                x = graph.node(p.kind == .average ? "AveragePool" : "MaxPool", [x],
                               attributes: [.ints("kernel_shape", [2, 2]), .ints("strides", [2, 2])])
            case .fullyConnected:
                if rank == 4 {
                    x = graph.node("Flatten", [x], attributes: [.int("axis", 1)])
                    rank = 2
                }
                x = graph.node("Gemm", [x, graph.constant(tensor(0)), graph.constant(tensor(1))], attributes: [.int("transB", 1)])
            case .activation(let a):
                switch a.function {
                case .scaledTanh:
                    let t = graph.node("Tanh", [graph.node("Mul", [x, graph.scalar(Float(ActivationLayer.tanhSlope))])])
                    x = graph.node("Mul", [t, graph.scalar(Float(ActivationLayer.tanhAmplitude))])
                case .relu:
                    x = graph.node("Relu", [x])
                }
            case .rbf:
                if rank == 4 {
                    x = graph.node("Flatten", [x], attributes: [.int("axis", 1)])
                    rank = 2
                }
                let difference = graph.node("Sub", [graph.node("Unsqueeze", [x, graph.constant([1], shape: [1])]), graph.constant(tensor(0))])
                x = graph.node("ReduceSum", [graph.node("Mul", [difference, difference]), graph.constant([2], shape: [1])],
                               attributes: [.int("keepdims", 0)])
            }
        }
        if rank == 4 { x = graph.node("Flatten", [x], attributes: [.int("axis", 1)]) }
        graph.node("Identity", [x], output: "outputs")
        // Softmax of the scores, or of the negated RBF penalties (Loss.probabilities).
        let scores = if case .map = architecture.loss { graph.node("Neg", [x]) } else { x }
        graph.node("Softmax", [scores], output: "probabilities", attributes: [.int("axis", 1)])

        var model = Onnx_ModelProto()
        model.irVersion = 7 // the IR version of opset 13
        model.producerName = "swift-lenet"
        model.docString = "\(architecture.name) exported by swift-lenet. Input pixels: [N,1,28,28], 0 background, 1 ink."
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = Self.opset
        model.opsetImport = [opset]
        model.graph = graph.proto(name: architecture.name, classes: Int64(architecture.layers.last!.description.outputShape.count))
        var metadata = Onnx_StringStringEntryProto()
        metadata.key = "lenet.architecture"
        metadata.value = String(decoding: (try? JSONEncoder().encode(architecture)) ?? Data(), as: UTF8.self)
        model.metadataProps = [metadata]
        return model
    }

    /// The serialized model, ready to write to a `.onnx` file.
    public static func serialized(_ file: ModelFile) throws -> Data {
        try model(file).serializedData()
    }
}

/// Collects nodes and constant tensors, naming every intermediate value.
struct GraphBuilder {
    enum Attribute {
        case int(String, Int64)
        case ints(String, [Int64])
    }

    private var nodes: [Onnx_NodeProto] = []
    private var initializers: [Onnx_TensorProto] = []
    private var counter = 0

    private mutating func fresh(_ stem: String) -> String {
        counter += 1
        return "\(stem)_\(counter)"
    }

    /// Adds a node; returns the name of its (single) output.
    @discardableResult
    mutating func node(_ op: String, _ inputs: [String], output: String? = nil, attributes: [Attribute] = []) -> String {
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = fresh(op)
        node.input = inputs
        node.output = [output ?? fresh(op.lowercased())]
        node.attribute = attributes.map { attribute in
            var a = Onnx_AttributeProto()
            switch attribute {
            case .int(let name, let value):
                a.name = name; a.type = .int; a.i = value
            case .ints(let name, let values):
                a.name = name; a.type = .ints; a.ints = values
            }
            return a
        }
        nodes.append(node)
        return node.output[0]
    }

    mutating func constant(_ tensor: (values: ArraySlice<Float>, shape: [Int])) -> String {
        constant(tensor.values, shape: tensor.shape)
    }

    mutating func constant(_ values: ArraySlice<Float>, shape: [Int]) -> String {
        var t = Onnx_TensorProto()
        t.name = fresh("const")
        t.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        t.dims = shape.map(Int64.init)
        t.floatData = Array(values)
        initializers.append(t)
        return t.name
    }

    mutating func constant(_ values: [Int64], shape: [Int]) -> String {
        var t = Onnx_TensorProto()
        t.name = fresh("const")
        t.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        t.dims = shape.map(Int64.init)
        t.int64Data = values
        initializers.append(t)
        return t.name
    }

    mutating func scalar(_ value: Float) -> String { constant([value][...], shape: []) }

    func proto(name: String, classes: Int64) -> Onnx_GraphProto {
        func value(_ name: String, _ dims: [Onnx_TensorShapeProto.Dimension]) -> Onnx_ValueInfoProto {
            var v = Onnx_ValueInfoProto()
            v.name = name
            var type = Onnx_TypeProto.Tensor()
            type.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
            var shape = Onnx_TensorShapeProto()
            shape.dim = dims
            type.shape = shape
            v.type.tensorType = type
            return v
        }
        func dim(_ n: Int64) -> Onnx_TensorShapeProto.Dimension { var d = Onnx_TensorShapeProto.Dimension(); d.dimValue = n; return d }
        var batch = Onnx_TensorShapeProto.Dimension()
        batch.dimParam = "N"
        var graph = Onnx_GraphProto()
        graph.name = name
        graph.node = nodes
        graph.initializer = initializers
        graph.input = [value("pixels", [batch, dim(1), dim(28), dim(28)])]
        graph.output = [value("outputs", [batch, dim(classes)]), value("probabilities", [batch, dim(classes)])]
        return graph
    }
}
