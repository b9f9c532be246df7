import ArgumentParser
import LeNet
import Foundation
import Testing
@testable import LeNetCLI

/// Compares `text` with the committed snapshot `name`; `RECORD_SNAPSHOTS=1` rewrites it.
func expectSnapshot(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__/\(name).txt").path
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return
    }
    let expected = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text == expected, "\(name) changed; RECORD_SNAPSHOTS=1 swift test -c release rewrites it", sourceLocation: sourceLocation)
}

@Suite struct LeNetCommandTests {
    @Test(arguments: ["lenet", "train", "test", "summary", "predict", "serve", "export", "feature-maps", "shift", "kernels", "bench",
                      "mistakes", "confusion", "curves", "robustness", "report"])
    func helpIsStable(command: String) throws {
        let subcommands: [String: ParsableCommand.Type] = ["train": Train.self, "test": Test.self, "summary": Summarize.self,
                                                           "predict": Predict.self, "serve": Serve.self, "export": Export.self,
                                                           "feature-maps": FeatureMapsPicture.self, "shift": ShiftPicture.self,
                                                           "kernels": KernelsPicture.self, "mistakes": MistakesGrid.self,
                                                           "confusion": ConfusionHeatMap.self, "curves": CurvesPlot.self,
                                                           "robustness": RobustnessStudy.self, "report": Report.self, "bench": Bench.self]
        let help = subcommands[command].map { LeNetCommand.helpMessage(for: $0, columns: 100) } ?? LeNetCommand.helpMessage(columns: 100)
        try expectSnapshot(help, named: "help-\(command)")
    }

    @Test func summaryOfLeNet5PrintsThePapersTotals() throws {
        try expectSnapshot(Summary(.lenet5).table, named: "summary-lenet5")
    }

    @Test func badArgumentsAreValidationErrors() {
        #expect(throws: (any Error).self) { try LeNetCommand.parseAsRoot(["train", "--model", "lenet9"]) }
        #expect(throws: (any Error).self) { try LeNetCommand.parseAsRoot(["train", "--epochs", "0"]) }
        #expect(throws: (any Error).self) { try LeNetCommand.parseAsRoot(["train", "--resume", "x", "--optimizer", "adam"]) }
        #expect(throws: (any Error).self) { try LeNetCommand.parseAsRoot(["train", "--pooling", "median"]) }
        #expect(throws: (any Error).self) { try LeNetCommand.parseAsRoot(["train", "--schedule", "cosine"]) }
        #expect(throws: (any Error).self) { try LeNetCommand.parseAsRoot(["train", "--resume", "x", "--schedule", "per-pass"]) }
        #expect(throws: Never.self) { try LeNetCommand.parseAsRoot(["train", "--model", "lenet5-modern", "--schedule", "per-pass"]) }
        #expect(throws: Never.self) { try LeNetCommand.parseAsRoot(["train", "--model", "lenet1", "--pooling", "max"]) }
        #expect(throws: (any Error).self) { try LeNetCommand.parseAsRoot(["predict", "--model", "m.safetensors"]) }
        #expect(throws: (any Error).self) { try LeNetCommand.parseAsRoot(["export", "--model", "m", "--format", "tflite", "--out", "x"]) }
        #expect(throws: (any Error).self) { try LeNetCommand.parseAsRoot(["serve", "--model", "m", "--port", "70000"]) }
        #expect(throws: (any Error).self) { try LeNetCommand.parseAsRoot(["inspect", "feature-maps", "--model", "m"]) }
        #expect(throws: (any Error).self) { try LeNetCommand.parseAsRoot(["inspect", "feature-maps", "--model", "m", "--index", "1", "--image", "x"]) }
        #expect(throws: (any Error).self) { try LeNetCommand.parseAsRoot(["inspect", "shift", "--model", "m"]) }
        #expect(throws: (any Error).self) { try LeNetCommand.parseAsRoot(["inspect", "shift", "--model", "m", "--index", "1", "--delay", "0"]) }
        #expect(throws: (any Error).self) { try LeNetCommand.parseAsRoot(["inspect", "curves"]) }
        #expect(throws: (any Error).self) { try LeNetCommand.parseAsRoot(["inspect", "robustness"]) }
        #expect(throws: (any Error).self) { try LeNetCommand.parseAsRoot(["inspect", "robustness", "--model", "a", "--samples", "0"]) }
        #expect(throws: (any Error).self) { try LeNetCommand.parseAsRoot(["report", "--model", "a", "--robustness-samples", "-1"]) }
        #expect(throws: Never.self) { try LeNetCommand.parseAsRoot(["inspect", "robustness", "--model", "a", "b", "c"]) }
    }
}
