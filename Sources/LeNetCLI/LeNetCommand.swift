import ArgumentParser
import LeNet

@main
struct LeNetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lenet",
        abstract: "LeNet-5 and LeNet-1, faithful to the papers, trained on MNIST.",
        subcommands: [Train.self, Test.self, Summarize.self, Predict.self, Serve.self, Export.self, Inspect.self, Report.self, Bench.self]
    )

}

/// `--data DIR`: shared by every command that reads MNIST.
struct DataOptions: ParsableArguments {
    @Option(help: "A directory with the four MNIST-format IDX files, gzipped or not (default: the bundled Data/mnist).")
    var data: String?
}

/// A request that parsed but cannot be met (an index past the data, say): printed as the error
/// alone, without the usage text a ``ValidationError`` adds.
struct RequestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
