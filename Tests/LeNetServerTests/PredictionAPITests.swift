import Foundation
import LeNet
import Testing
@testable import LeNetServer

func api(_ model: String = "lenet5") throws -> PredictionAPI {
    PredictionAPI(network: Network<Float>(architecture: try Architecture.named(model), seed: 1))
}

/// A 7-ish stroke: dark on white, as a canvas sends it.
func canvas(width: Int = 140, height: Int = 140) -> [Double] {
    var pixels = [Double](repeating: 255, count: width * height)
    for y in 0..<height {
        for x in 0..<width {
            let u = Double(x) / Double(width), v = Double(y) / Double(height)
            let bar = v > 0.15 && v < 0.23 && u > 0.2 && u < 0.8
            let stem = v > 0.15 && v < 0.85 && abs(u - (0.75 - 0.4 * (v - 0.15))) < 0.05
            if bar || stem { pixels[y * width + x] = 0 }
        }
    }
    return pixels
}

func body(_ pixels: [Double], width: Int? = nil, height: Int? = nil, preprocess: Bool? = nil) throws -> Data {
    try JSONEncoder().encode(PredictionAPI.Request(pixels: pixels, width: width, height: height, preprocess: preprocess))
}

@Suite struct PredictionAPITests {
    @Test func answersWithProbabilitiesAndEveryStage() throws {
        let (status, json) = try api().respond(to: body(canvas(), width: 140, height: 140))
        #expect(status == 200)
        let answer = try JSONDecoder().decode(PredictionAPI.Response.self, from: json)
        #expect(answer.model == "lenet5")
        #expect(answer.probabilities.count == 10 && answer.outputs.count == 10 && answer.top.count == 3)
        #expect(answer.top[0].digit == answer.digit)
        #expect(answer.input.count == 784 && answer.input.max() == 255)
        #expect(answer.stages.map(\.name) == ["C1", "S2", "C3", "S4", "C5", "F6", "OUTPUT"])
        for stage in answer.stages { #expect(stage.values.count == stage.channels * stage.height * stage.width) }
    }

    @Test func a28x28DigitCanSkipPreprocessing() throws {
        var digit = [Double](repeating: 0, count: 784)
        for y in 4..<24 { digit[y * 28 + 14] = 255 }
        let (status, json) = try api("lenet1").respond(to: body(digit, preprocess: false))
        #expect(status == 200)
        #expect(try JSONDecoder().decode(PredictionAPI.Response.self, from: json).input == digit.map { UInt8($0) })
    }

    func error(_ data: Data, _ model: String = "lenet5") throws -> (Int, String) {
        let (status, json) = try api(model).respond(to: data)
        return (status, try JSONDecoder().decode(PredictionAPI.Failure.self, from: json).error)
    }

    @Test func badRequestsGetAClear4xx() throws {
        #expect(try error(Data("{".utf8)).0 == 400)
        #expect(try error(Data("[1,2]".utf8)).0 == 400)
        #expect(try error(Data(#"{"width": 28}"#.utf8)) == (400, #"bad JSON: missing "pixels""#))
        #expect(try error(Data(#"{"pixels": ["a"]}"#.utf8)).1.hasPrefix(#"bad JSON: "pixels.Index 0""#))
        #expect(try error(body([1, 2, 3])) == (400, "3 pixels for 28x28: expected 784"))
        #expect(try error(body([0], width: 0, height: 1)) == (400, "width and height must be 1...1024, not 0x1"))
        #expect(try error(body([Double](repeating: 300, count: 900), width: 30, height: 30))
                == (400, "pixel 0 is 300.0: gray levels are 0...255"))
        #expect(try error(body([Double](repeating: 255, count: 900), width: 30, height: 30)).1.hasPrefix("no digit found"))
        #expect(try error(body(canvas(width: 30, height: 30), width: 30, height: 30, preprocess: false))
                == (400, "without preprocessing the image must be 28x28, not 30x30"))
        #expect(try error(Data(count: PredictionAPI.maximumBodySize + 1)).0 == 413)
    }
}
