import ArgumentParser
import LeNet
import Foundation
import LeNetServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A local web page: draw a digit and watch the model read it, layer by layer.",
        discussion: "POST /api/predict answers JSON (see the README). Stop with Ctrl-C."
    )

    @Option(help: "A model file written by lenet train.")
    var model: String

    @Option(help: "The TCP port.")
    var port: UInt16 = 8080

    @Flag(help: "Listen on every network interface, not only this machine's loopback.")
    var everyInterface = false

    func run() async throws {
        let server = DigitServer(network: try ModelFile.read(model).makeNetwork(), port: port, everyInterface: everyInterface)
        async let serving: Void = server.run()
        if let port = try await server.listeningPort() {
            print("Serving \(server.api.modelName) at http://\(everyInterface ? "0.0.0.0" : "127.0.0.1"):\(port)/  (Ctrl-C stops)")
            fflush(nil)
        }
        try await serving
    }
}
