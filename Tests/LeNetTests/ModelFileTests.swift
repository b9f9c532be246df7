import Foundation
import Testing
@testable import LeNet

@Suite struct ModelFileTests {
    static let architectures: [Architecture] = [.lenet5, .lenet1(pooling: .max), .lenet5Modern, .mlp(hidden: [300, 100])]

    @Test(arguments: architectures)
    func roundTripGivesIdenticalOutputs(architecture: Architecture) throws {
        let network = Network<Float>(architecture: architecture, seed: 3)
        var training = TrainingState(configuration: .defaults(for: architecture))
        training.epochsCompleted = 2
        let optimizer = Optimizer<Float>(settings: OptimizerSettings(kind: .adam), parameterCount: network.parameterCount)
        let data = try ModelFile(network: network, training: training, optimizer: optimizer).serialized()
        let loaded = try ModelFile(parsing: data, path: "m")
        #expect(loaded.architecture == architecture)
        #expect(loaded.training == training)
        #expect(loaded.optimizerState.keys.sorted() == ["first", "second"])
        let copy = loaded.makeNetwork()
        var rng = SplitMix64(seed: 4)
        let x = (0..<3 * network.inputShape.count).map { _ in Float(rng.uniform(1.2)) }
        let a = Array(network.forward(x, batch: 3)), b = Array(copy.forward(x, batch: 3))
        #expect(a == b)
    }

    @Test func tensorsHavePyTorchNamesAndShapes() throws {
        let file = try Safetensors(parsing: ModelFile(network: Network<Float>(architecture: .lenet5, seed: 1)).serialized(), path: "m")
        let shapes = file.tensors.mapValues(\.shape)
        #expect(shapes == ["c1.weight": [6, 1, 5, 5], "c1.bias": [6], "s2.weight": [6], "s2.bias": [6],
                           "c3.weight": [16, 6, 5, 5], "c3.bias": [16], "s4.weight": [16], "s4.bias": [16],
                           "c5.weight": [120, 16, 5, 5], "c5.bias": [120], "f6.weight": [84, 120], "f6.bias": [84],
                           "output.prototypes": [10, 84]])
        #expect(file.metadata["format"] == "pt")
    }

    func corrupt(_ body: (inout Safetensors) -> Void) throws -> Data {
        var file = try Safetensors(parsing: ModelFile(network: Network<Float>(architecture: .lenet1(pooling: .average), seed: 1)).serialized(), path: "m")
        body(&file)
        return try file.serialized()
    }

    func expectProblem(_ data: Data, _ words: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try ModelFile(parsing: data, path: "model.safetensors")
            Issue.record("no error; expected '\(words)'", sourceLocation: sourceLocation)
        } catch let error as FileError {
            #expect(error.path == "model.safetensors", sourceLocation: sourceLocation)
            #expect(error.problem.contains(words), "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func badBytesGiveClearErrors() throws {
        let good = try corrupt { _ in }
        expectProblem(good.prefix(5), "shorter than the 8-byte")
        expectProblem(Data([0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 1, 2]), "not a safetensors file, or truncated")
        expectProblem(good.prefix(good.count - 10), "truncated: tensor")
        var notJSON = good
        notJSON[8] = UInt8(ascii: "#")
        expectProblem(notJSON, "not a JSON object")
        expectProblem(try corrupt { $0.metadata["lenet.architecture"] = nil }, "not a LeNet model")
        expectProblem(try corrupt { $0.metadata["lenet.architecture"] = "{\"lenet9\":{}}" }, "unknown architecture")
        expectProblem(try corrupt { $0.tensors["c2.weight"] = nil }, "needs tensor 'c2.weight', which is missing")
        expectProblem(try corrupt { $0.tensors["fc.bias"] = ([2, 5], [Float](repeating: 0, count: 10)) }, "tensor 'fc.bias' has shape [2, 5]")
        expectProblem(try corrupt { $0.tensors["c1.bias"]!.values[1] = .nan }, "tensor 'c1.bias' holds NaN")
        expectProblem(try corrupt { $0.metadata["lenet.training"] = "{}" }, "lenet.training metadata is not valid")
        expectProblem(try corrupt { $0.tensors["optimizer.first"] = ([3], [1, 2, 3]) }, "has 3 values for 3246 parameters")
    }

    @Test func headerWithAnotherDtypeOrOverlapIsRefused() throws {
        func file(_ header: String, dataBytes: Int) -> Data {
            var d = Data()
            withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { d.append(contentsOf: $0) }
            d.append(contentsOf: Array(header.utf8))
            d.append(contentsOf: [UInt8](repeating: 0, count: dataBytes))
            return d
        }
        expectProblem(file(#"{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, dataBytes: 4), "is F16; only F32")
        expectProblem(file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, dataBytes: 4), "do not fit shape [2]")
        expectProblem(file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                           dataBytes: 8), "overlap")
    }

    @Test func writesAtomically() throws {
        let dir = NSTemporaryDirectory() + "lenet-model-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/m.safetensors"
        try ModelFile(network: Network<Float>(architecture: .lenet5, seed: 1)).write(to: path)
        try ModelFile(network: Network<Float>(architecture: .lenet5, seed: 2)).write(to: path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["m.safetensors"], "no temporary file left")
        #expect(try ModelFile.read(path).parameters == Network<Float>(architecture: .lenet5, seed: 2).parameters)
        #expect(throws: FileError.self) { try ModelFile(network: Network<Float>(architecture: .lenet5, seed: 1)).write(to: dir + "/no/such/dir/m") }
        #expect(throws: FileError.self) { try ModelFile.read(dir + "/absent.safetensors") }
    }
}
