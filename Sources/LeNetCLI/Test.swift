import ArgumentParser
import LeNet
import LeNetData

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Evaluate a saved model on the MNIST test set.")

    @Option(help: "A model file written by lenet train.")
    var model: String

    @OptionGroup var dataOptions: DataOptions

    func run() throws {
        let file = try ModelFile.read(model)
        let test = try loadMNIST(dataOptions).test
        let evaluation = Evaluation(network: file.makeNetwork(), data: test)
        let epochs = file.training.map { ", trained \($0.epochsCompleted) epochs" } ?? ""
        print("\(file.architecture.name)\(epochs)")
        print(String(format: "test error %.2f%% (%d of %d), mean loss %.4f\n", evaluation.errorRate, evaluation.errors,
                     evaluation.count, evaluation.loss))
        print(evaluation.confusionTable)
    }
}

struct Summarize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Per layer: output shape, trainable parameters, connections; and the totals."
    )

    @Argument(help: "The model: \(Architecture.names.joined(separator: ", ")).")
    var model: String

    @Option(help: "lenet1's pooling: average or max.")
    var pooling: Pooling.Kind = .average

    func run() throws {
        do {
            print(Summary(try Architecture.named(model, pooling: pooling)).table)
        } catch let error as Architecture.UnknownModel {
            throw ValidationError(error.description)
        }
    }
}
