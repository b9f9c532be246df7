import Foundation
import LeNet
import LeNetImages
import Synchronization

/// `POST /api/predict`, independent of any HTTP server: JSON bytes in, a status and JSON bytes out.
///
/// Request: `{"pixels": [...], "width": W, "height": H, "preprocess": true}`. `pixels` holds
/// W x H gray levels 0...255, row by row, either polarity (a canvas's dark strokes on white, or
/// MNIST's bright ink on black). With `preprocess` (the default) the image goes through
/// ``LeNetImages/GrayImage/mnistDigit()``; with `false` it must already be a 28x28 MNIST digit
/// (0 background, 255 ink). `width` and `height` may be left out for 784 pixels (28x28).
///
/// Answer: `{"model", "digit", "probabilities": [10], "top": [{"digit", "probability"} x3],
/// "outputs": [10], "input": [784], "stages": [{"name", "channels", "height", "width", "values"}]}`.
/// Errors answer `{"error": "..."}` with 400 (bad JSON, wrong sizes, blank image) or 413.
public final class PredictionAPI: Sendable {
    /// The largest request body accepted, in bytes: a 512x512 canvas as JSON numbers fits.
    public static let maximumBodySize = 2 << 20
    /// The largest image side accepted.
    public static let maximumSide = 1024

    public let modelName: String
    // A network keeps its activations between calls, so requests take turns.
    private let network: Mutex<Network<Float>>

    public init(network: sending Network<Float>) {
        modelName = network.architecture.name
        self.network = Mutex(network)
    }

    public struct Request: Codable, Sendable {
        public var pixels: [Double]
        public var width: Int?
        public var height: Int?
        public var preprocess: Bool?
    }

    public struct Response: Codable, Sendable {
        public struct Stage: Codable, Sendable {
            public var name: String
            public var channels: Int
            public var height: Int
            public var width: Int
            public var values: [Float]
        }
        public var model: String
        public var digit: Int
        public var probabilities: [Double]
        public var top: [Prediction.Ranked]
        public var outputs: [Double]
        public var input: [UInt8]
        public var stages: [Stage]
    }

    public struct Failure: Error, Codable {
        public var status: Int
        public var error: String

        static func tooLarge(_ bytes: Int) -> Failure {
            Failure(status: 413, error: "request body of \(bytes) bytes is over the limit of \(PredictionAPI.maximumBodySize)")
        }

        var json: Data { (try? JSONEncoder().encode(self)) ?? Data() }
    }

    /// Answers one request body with an HTTP status and a JSON body.
    public func respond(to body: Data) -> (status: Int, json: Data) {
        do {
            return (200, try JSONEncoder().encode(try answer(body)))
        } catch let failure as Failure {
            return (failure.status, failure.json)
        } catch {
            return (500, Failure(status: 500, error: "internal error").json)
        }
    }

    func answer(_ body: Data) throws -> Response {
        guard body.count <= Self.maximumBodySize else { throw Failure.tooLarge(body.count) }
        let request: Request
        do { request = try JSONDecoder().decode(Request.self, from: body) } catch {
            throw Failure(status: 400, error: "bad JSON: \(Self.describe(error))")
        }
        let width = request.width ?? 28, height = request.height ?? 28
        guard (1...Self.maximumSide).contains(width), (1...Self.maximumSide).contains(height) else {
            throw Failure(status: 400, error: "width and height must be 1...\(Self.maximumSide), not \(width)x\(height)")
        }
        guard request.pixels.count == width * height else {
            throw Failure(status: 400, error: "\(request.pixels.count) pixels for \(width)x\(height): expected \(width * height)")
        }
        guard let bad = request.pixels.firstIndex(where: { !($0 >= 0 && $0 <= 255) }) else {
            var image = GrayImage(width: width, height: height, pixels: request.pixels.map { UInt8($0.rounded()) })
            if request.preprocess ?? true {
                do { image = try image.mnistDigit() } catch { throw Failure(status: 400, error: error.description) }
            } else if width != 28 || height != 28 {
                throw Failure(status: 400, error: "without preprocessing the image must be 28x28, not \(width)x\(height)")
            }
            let digit = image
            return network.withLock { network in
                let prediction = network.predict(pixels: digit.pixels)
                return Response(
                    model: modelName, digit: prediction.digit, probabilities: prediction.probabilities,
                    top: prediction.top(3),
                    outputs: prediction.outputs, input: digit.pixels,
                    stages: network.featureMaps().map {
                        Response.Stage(name: $0.name, channels: $0.shape.channels, height: $0.shape.height,
                                       width: $0.shape.width, values: $0.values)
                    })
            }
        }
        throw Failure(status: 400, error: "pixel \(bad) is \(request.pixels[bad]): gray levels are 0...255")
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\": \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context): context.debugDescription
        default: "\(error)"
        }
    }
}
