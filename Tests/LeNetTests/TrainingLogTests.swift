import Foundation
import Testing
@testable import LeNet

@Suite struct TrainingLogTests {
    let history = (1...3).map {
        EpochRecord(epoch: $0, learningRate: 0.0005, trainLoss: 1.5 / Double($0), trainError: 3.0 / Double($0),
                    testLoss: 2, testError: 2.5 / Double($0), trainSeconds: 10, seconds: 11)
    }

    @Test func theLogSitsBesideTheModel() {
        #expect(TrainingLog.path(forModel: "runs/lenet5.safetensors") == "runs/lenet5.log.jsonl")
        #expect(TrainingLog.path(forModel: "model") == "model.log.jsonl")
    }

    @Test func oneLinePerEpochRoundTrips() throws {
        let path = NSTemporaryDirectory() + "log-\(getpid()).log.jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TrainingLog.write(history, to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 3 && text.hasPrefix("{\"epoch\":1,"))
        #expect(try TrainingLog.read(path) == history)
    }

    @Test func aBadLineIsNamed() throws {
        let path = NSTemporaryDirectory() + "bad-\(getpid()).log.jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try (String(decoding: try TrainingLog.encode(history), as: UTF8.self) + "{\"epoch\": \"x\"}\n").write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: FileError.self) { try TrainingLog.read(path) }
        #expect(error.path == path && error.problem.contains("line 4"))
        #expect(throws: FileError.self) { try TrainingLog.read(path + ".missing") }
    }
}
