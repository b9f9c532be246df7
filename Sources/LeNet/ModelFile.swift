import Foundation

/// Where training stands, kept in a model file so an interrupted run can continue.
public struct TrainingState: Sendable, Codable, Equatable {
    public var configuration: TrainingConfiguration
    public var epochsCompleted: Int
    public var history: [EpochRecord]
    /// Adam's step count (the other optimizer state is stored as tensors).
    public var optimizerSteps: Int

    public init(configuration: TrainingConfiguration) {
        self.configuration = configuration
        epochsCompleted = 0
        history = []
        optimizerSteps = 0
    }
}

/// A trained (or training) model in one safetensors file:
/// - tensors named as the PyTorch modules in `scripts/` name them (`c1.weight`, `f6.bias`, ...);
///   a layer's left-out C3 kernels are zeros, and `output.prototypes` holds LeNet-5's fixed RBF
///   centres;
/// - `optimizer.*` tensors: the optimizer's state (filter them out before `load_state_dict`);
/// - `__metadata__`: `lenet.architecture` and `lenet.training` as JSON, `format: pt`.
public struct ModelFile {
    public var architecture: Architecture
    public var parameters: [Float]
    public var training: TrainingState?
    public var optimizerState: [String: [Float]]

    public init(architecture: Architecture, parameters: [Float], training: TrainingState? = nil, optimizerState: [String: [Float]] = [:]) {
        self.architecture = architecture
        self.parameters = parameters
        self.training = training
        self.optimizerState = optimizerState
    }

    public init(network: Network<Float>, training: TrainingState? = nil, optimizer: Optimizer<Float>? = nil) {
        self.init(architecture: network.architecture, parameters: network.parameters, training: training,
                  optimizerState: optimizer?.state ?? [:])
    }

    public func makeNetwork() -> Network<Float> { Network(architecture: architecture, parameters: parameters) }

    public func serialized() throws -> Data {
        var file = Safetensors()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        file.metadata["format"] = "pt"
        file.metadata["lenet.architecture"] = String(decoding: try encoder.encode(architecture), as: UTF8.self)
        if let training {
            file.metadata["lenet.training"] = String(decoding: try encoder.encode(training), as: UTF8.self)
        }
        for (t, offset) in architecture.parameterTensors {
            file.tensors[t.name] = (t.shape, Array(parameters[offset..<offset + t.count]))
        }
        for (name, values) in optimizerState { file.tensors["optimizer.\(name)"] = ([values.count], values) }
        return try file.serialized()
    }

    /// Writes the file atomically: an interrupted write leaves the previous file intact.
    public func write(to path: String) throws { try writeAtomically(serialized(), to: path) }

    public static func read(_ path: String) throws -> ModelFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(path: path, problem: FileManager.default.fileExists(atPath: path) ? "cannot read" : "no such file")
        }
        return try ModelFile(parsing: data, path: path)
    }

    public init(parsing data: Data, path: String) throws {
        func fail(_ problem: String) -> FileError { FileError(path: path, problem: problem) }
        let file = try Safetensors(parsing: data, path: path)
        guard let json = file.metadata["lenet.architecture"] else {
            throw fail("a safetensors file, but not a LeNet model: no lenet.architecture in its metadata")
        }
        do {
            architecture = try JSONDecoder().decode(Architecture.self, from: Data(json.utf8))
        } catch {
            throw fail("unknown architecture \(json)")
        }
        parameters = []
        for (t, _) in architecture.parameterTensors {
            guard let stored = file.tensors[t.name] else { throw fail("\(architecture.name) needs tensor '\(t.name)', which is missing") }
            guard stored.shape == t.shape else {
                throw fail("tensor '\(t.name)' has shape \(stored.shape); \(architecture.name) needs \(t.shape)")
            }
            guard stored.values.allSatisfy(\.isFinite) else { throw fail("tensor '\(t.name)' holds NaN or infinite values") }
            parameters += stored.values
        }
        training = nil
        if let json = file.metadata["lenet.training"] {
            do {
                training = try JSONDecoder().decode(TrainingState.self, from: Data(json.utf8))
            } catch {
                throw fail("lenet.training metadata is not valid: \(error)")
            }
        }
        optimizerState = [:]
        for (name, tensor) in file.tensors where name.hasPrefix("optimizer.") {
            guard tensor.values.count == parameters.count else {
                throw fail("tensor '\(name)' has \(tensor.values.count) values for \(parameters.count) parameters")
            }
            optimizerState[String(name.dropFirst("optimizer.".count))] = tensor.values
        }
    }
}
