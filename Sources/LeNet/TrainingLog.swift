import Foundation

/// The per-epoch log `lenet train` keeps beside the model: one JSON object per line, one line
/// per finished pass (an ``EpochRecord``). It is rewritten whole from the model's history after
/// every pass, atomically, so after a resume it still matches the model file exactly.
public enum TrainingLog {
    /// Where the log of a model file goes: `lenet5.safetensors` -> `lenet5.log.jsonl`.
    public static func path(forModel model: String) -> String {
        (model.hasSuffix(".safetensors") ? String(model.dropLast(".safetensors".count)) : model) + ".log.jsonl"
    }

    public static func encode(_ history: [EpochRecord]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Data(try history.map { String(decoding: try encoder.encode($0), as: UTF8.self) + "\n" }.joined().utf8)
    }

    public static func write(_ history: [EpochRecord], to path: String) throws {
        try writeAtomically(try encode(history), to: path)
    }

    /// Reads a log; a line that is not an epoch record is an error naming the file and line.
    public static func read(_ path: String) throws -> [EpochRecord] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(path: path, problem: "cannot read the file")
        }
        let decoder = JSONDecoder()
        return try String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
            .enumerated().map { n, line in
                do { return try decoder.decode(EpochRecord.self, from: Data(line.utf8)) } catch {
                    throw FileError(path: path, problem: "line \(n + 1) is not an epoch record (epoch, trainError, testError, ...)")
                }
            }
    }
}
