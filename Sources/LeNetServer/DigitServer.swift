import FlyingFox
import FlyingSocks
import Foundation
import LeNet

/// The draw-a-digit page and its JSON API over HTTP (FlyingFox: no dependencies, builds in
/// seconds; the library targets stay free of it).
///
/// Routes: `GET /` the page, `GET /api/model` the model's name and summary,
/// `POST /api/predict` (see ``PredictionAPI``). Anything else: 404 with a JSON error.
public struct DigitServer: Sendable {
    public let api: PredictionAPI
    public let summary: String
    public let server: HTTPServer

    /// Listens on `port` (0 picks a free one) of the loopback interface, or of every
    /// interface when `everyInterface` is set.
    public init(network: sending Network<Float>, port: UInt16, everyInterface: Bool = false) {
        summary = Summary(network.architecture).table
        api = PredictionAPI(network: network)
        // FlyingFox logs every connection to stdout by default; only its problems are worth showing.
        let address = everyInterface ? sockaddr_in.inet(port: port) : try! sockaddr_in.inet(ip4: "127.0.0.1", port: port)
        server = HTTPServer(address: address, logger: ProblemLogger())
    }

    /// Serves until the task is cancelled.
    public func run() async throws {
        let api = api, page = DigitPage.html(model: api.modelName)
        let model = try JSONEncoder().encode(["model": api.modelName, "summary": summary])
        await server.appendRoute("GET /") { _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: Data(page.utf8))
        }
        await server.appendRoute("GET /api/model") { _ in Self.json(200, model) }
        await server.appendRoute("POST /api/predict") { request in
            if let length = request.headers[.contentLength].flatMap(Int.init), length > PredictionAPI.maximumBodySize {
                let failure = PredictionAPI.Failure.tooLarge(length)
                return Self.json(failure.status, failure.json)
            }
            var body = Data()
            for try await chunk in request.bodySequence {
                body.append(chunk)
                if body.count > PredictionAPI.maximumBodySize { break }
            }
            let (status, json) = api.respond(to: body)
            return Self.json(status, json)
        }
        await server.appendRoute("*") { request in
            Self.json(404, PredictionAPI.Failure(status: 404, error: "no route for \(request.method.rawValue) \(request.path)").json)
        }
        try await server.run()
    }

    /// The port the server listens on once it is listening (useful after asking for port 0).
    public func listeningPort() async throws -> UInt16? {
        try await server.waitUntilListening()
        guard case .ip4(_, let port) = await server.listeningAddress else { return nil }
        return port
    }

    static func json(_ status: Int, _ body: Data) -> HTTPResponse {
        HTTPResponse(statusCode: HTTPStatusCode(status, phrase: status == 200 ? "OK" : "Error"),
                     headers: [.contentType: "application/json"], body: body)
    }
}

/// Warnings and errors to stderr; requests and connections unlogged.
struct ProblemLogger: Logging {
    func logDebug(_ debug: @autoclosure () -> String) {}
    func logInfo(_ info: @autoclosure () -> String) {}
    func logWarning(_ warning: @autoclosure () -> String) { log("warning: \(warning())") }
    func logError(_ error: @autoclosure () -> String) { log("error: \(error())") }
    func logCritical(_ critical: @autoclosure () -> String) { log("critical: \(critical())") }
    private func log(_ line: String) { FileHandle.standardError.write(Data("lenet serve: \(line)\n".utf8)) }
}
