import FlyingFox
import Foundation
import LeNet
import Testing
@testable import LeNetServer

/// The real server on a loopback port: the page, the API, errors, and still serving after them.
@Suite struct DigitServerTests {
    func send(_ method: HTTPMethod, _ path: String, _ body: Data = Data(), port: UInt16) async throws -> (Int, Data) {
        var client = HTTPClient()
        let request = HTTPRequest(method: method, version: .http11, path: path, query: [],
                                  headers: [.contentType: "application/json", .contentLength: "\(body.count)", .host: "127.0.0.1"],
                                  body: HTTPBodySequence(data: body))
        let response = try await client.sendHTTPRequest(request, to: try sockaddr_in.inet(ip4: "127.0.0.1", port: port))
        return (response.statusCode.code, try await response.bodyData)
    }

    @Test func servesThePageAndTheAPI() async throws {
        let server = DigitServer(network: Network<Float>(architecture: try Architecture.named("lenet5"), seed: 1), port: 0)
        let task = Task { try await server.run() }
        defer { task.cancel() }
        let port = try #require(try await server.listeningPort())

        let (pageStatus, page) = try await send(.GET, "/", port: port)
        #expect(pageStatus == 200)
        #expect(String(decoding: page, as: UTF8.self).contains("<canvas id=\"pad\""))

        let (badStatus, bad) = try await send(.POST, "/api/predict", Data("not json".utf8), port: port)
        #expect(badStatus == 400)
        #expect(String(decoding: bad, as: UTF8.self).contains("bad JSON"))

        let request = try body(canvas(), width: 140, height: 140)
        let (status, json) = try await send(.POST, "/api/predict", request, port: port)
        #expect(status == 200)
        #expect(try JSONDecoder().decode(PredictionAPI.Response.self, from: json).probabilities.count == 10)

        let (missing, _) = try await send(.GET, "/nothing", port: port)
        #expect(missing == 404)
        let (model, info) = try await send(.GET, "/api/model", port: port)
        #expect(model == 200 && String(decoding: info, as: UTF8.self).contains("lenet5"))
    }

    @Test func oversizedBodiesAreRefusedBeforeReading() async throws {
        let server = DigitServer(network: Network<Float>(architecture: try Architecture.named("lenet1"), seed: 1), port: 0)
        let task = Task { try await server.run() }
        defer { task.cancel() }
        let port = try #require(try await server.listeningPort())
        let (status, json) = try await send(.POST, "/api/predict", Data(count: PredictionAPI.maximumBodySize + 10), port: port)
        #expect(status == 413)
        #expect(String(decoding: json, as: UTF8.self).contains("over the limit"))
    }
}
