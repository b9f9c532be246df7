import Foundation
import LeNet
import SwiftProtobuf
import Testing
@testable import LeNetONNX

/// Structure only: onnxruntime and PyTorch check the numbers (scripts/onnx-parity.py), since CI
/// has neither.
@Suite struct ONNXExportTests {
    static let standardOperators: Set<String> = ["Add", "Mul", "Sub", "Div", "Pad", "Conv", "AveragePool", "MaxPool", "Flatten",
                                                 "Gemm", "Tanh", "Relu", "Unsqueeze", "ReduceSum", "Neg",
                                                 "Softmax", "Identity"]

    func exported(_ name: String, pooling: Pooling.Kind = .average) throws -> (ModelFile, Onnx_ModelProto) {
        let architecture = try Architecture.named(name, pooling: pooling)
        let network = Network<Float>(architecture: architecture, seed: 3)
        let file = ModelFile(network: network)
        return (file, try Onnx_ModelProto(serializedBytes: try ONNXExport.serialized(file)))
    }

    @Test(arguments: Architecture.names)
    func graphIsWellFormed(name: String) throws {
        let (file, model) = try exported(name)
        #expect(model.opsetImport.map(\.version) == [13])
        let graph = model.graph
        #expect(graph.input.map(\.name) == ["pixels"])
        #expect(graph.output.map(\.name) == ["outputs", "probabilities"])
        // Every value is defined before it is used, exactly once; every operator is standard.
        var defined = Set(graph.input.map(\.name) + graph.initializer.map(\.name))
        #expect(defined.count == graph.input.count + graph.initializer.count)
        for node in graph.node {
            #expect(Self.standardOperators.contains(node.opType), "\(node.opType)")
            for input in node.input { #expect(defined.contains(input), "\(node.name) reads \(input) before it exists") }
            for output in node.output { #expect(defined.insert(output).inserted, "\(output) defined twice") }
        }
        #expect(defined.isSuperset(of: ["outputs", "probabilities"]))
        // Every tensor of the model file is a constant of the graph, bit for bit (subsampling
        // coefficients repeated over their four taps).
        let constants = graph.initializer.map(\.floatData)
        for (tensor, offset) in file.architecture.parameterTensors {
            let values = Array(file.parameters[offset..<offset + tensor.count])
            let expanded = values.flatMap { [Float](repeating: $0, count: 4) }
            #expect(constants.contains(values) || constants.contains(expanded), "\(tensor.name) is not in the graph")
        }
    }

    @Test func weightsAreTheModelFilesBitForBit() throws {
        let (file, model) = try exported("lenet1", pooling: .max)
        let weights = model.graph.initializer.filter { $0.dims.count == 4 && $0.dims[2] == 5 }
        #expect(weights.map(\.dims) == [[4, 1, 5, 5], [12, 4, 5, 5]])
        #expect(weights[0].floatData == Array(file.parameters[0..<100]))
        #expect(model.graph.node.contains { $0.opType == "MaxPool" })
    }
}
