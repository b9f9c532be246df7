import ArgumentParser
import Foundation
import LeNet
import LeNetONNX

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a trained model in another format.",
        discussion: """
            onnx: an ONNX graph (opset 13) of standard operators. Input "pixels" [N,1,28,28] \
            (0 background, 1 ink); outputs "outputs" [N,10] (RBF penalties for lenet5, scores \
            otherwise) and "probabilities" [N,10]. The model file itself is safetensors already, \
            loadable by PyTorch (scripts/pytorch_models.py).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case onnx }

    @Option(help: "A model file written by lenet train.")
    var model: String

    @Option(help: "The format: \(Format.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: Format = .onnx

    @Option(help: "Where to write it.")
    var out: String

    func run() throws {
        let file = try ModelFile.read(model)
        try writeAtomically(try ONNXExport.serialized(file), to: out)
        print("wrote \(out): \(file.architecture.name) as ONNX opset \(ONNXExport.opset)")
    }
}
