import ArgumentParser
import Foundation
import LeNet
import LeNetData

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Evaluate a saved model on the MNIST test set.")

    @Option(help: "A model file written by lenet train.")
    var model: String

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Also write the model's outputs for every test image to this .npy file (float32, [images, 10]), for the parity scripts.")
    var outputs: String?

    func run() throws {
        let file = try ModelFile.read(model)
        let test = try loadMNIST(dataOptions).test
        let network = file.makeNetwork()
        let evaluation = Evaluation(network: network, data: test)
        if let path = outputs {
            try writeAtomically(numpyArray(network.outputs(for: test), shape: [test.count, network.classes]), to: path)
        }
        let epochs = file.training.map { ", trained \($0.epochsCompleted) epochs" } ?? ""
        print("\(file.architecture.name)\(epochs)")
        print(String(format: "test error %.2f%% (%d of %d), mean loss %.4f\n", evaluation.errorRate, evaluation.errors,
                     evaluation.count, evaluation.loss))
        print(evaluation.confusionTable)
    }
}

struct Summarize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Per layer: output shape, trainable parameters, connections; and the totals."
    )

    @Argument(help: "The model: \(Architecture.names.joined(separator: ", ")).")
    var model: String

    @Option(help: "lenet1's pooling: average or max.")
    var pooling: Pooling.Kind = .average

    func run() throws {
        do {
            print(Summary(try Architecture.named(model, pooling: pooling)).table)
        } catch let error as Architecture.UnknownModel {
            throw ValidationError(error.description)
        }
    }
}

/// A float32 .npy file (NumPy's format, version 1.0): magic, header length, a Python dict
/// literal padded so the data starts on a 64-byte boundary, then the little-endian values.
func numpyArray(_ values: [Float], shape: [Int]) -> Data {
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(shape.map(String.init).joined(separator: ", ")),), }"
    header += String(repeating: " ", count: 63 - (10 + header.count) % 64) + "\n"
    var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)])
    data.append(Data(header.utf8))
    values.withUnsafeBytes { data.append(contentsOf: $0) }
    return data
}
