import Foundation
import LeNetData
import Testing
@testable import LeNet

@Suite struct TrainerTests {
    static let mnist: (train: LabeledImages, test: LabeledImages) = {
        let dir = MNIST.defaultDirectory()!
        return (try! MNIST.load(directory: dir, prefix: "train"), try! MNIST.load(directory: dir, prefix: "t10k"))
    }()

    @Test func aShortRunOfTheDefaultRecipeLowersTheError() throws {
        let train = Self.mnist.train.prefix(3000), test = Self.mnist.test.prefix(1000)
        var configuration = TrainingConfiguration.defaults(for: .lenet5)
        configuration.epochs = 2
        configuration.optimizer.warmupSamples = 1_000  // the recipe's warm-up, scaled to 3,000 samples
        let trainer = Trainer(architecture: .lenet5, configuration: configuration)
        let before = Evaluation(network: trainer.network, data: test).errorRate
        try trainer.train(on: train, testingOn: test)
        let after = trainer.state.history[1].testError
        #expect(before > 70, "an untrained net guesses")
        #expect(after < 15, "two passes over 3,000 digits: \(before)% -> \(after)%")
    }

    @Test(arguments: [(OptimizerSettings.Kind.sdlm, OptimizerSettings.Schedule.perPass), (.sgd, .perPass), (.adam, .perPass),
                      (.adam, .linearToZero)])
    func resumingGivesTheWeightsOfAnUninterruptedRun(optimizer: OptimizerSettings.Kind, schedule: OptimizerSettings.Schedule) throws {
        let train = Self.mnist.train.prefix(400), test = Self.mnist.test.prefix(100)
        var settings = OptimizerSettings(kind: optimizer)
        settings.schedule = schedule
        let configuration = TrainingConfiguration(epochs: 3, batchSize: 8, optimizer: settings, seed: 5)
        let whole = Trainer(architecture: .lenet1(pooling: .average), configuration: configuration)
        try whole.train(on: train, testingOn: test)

        let first = Trainer(architecture: .lenet1(pooling: .average), configuration: configuration)
        struct Interrupted: Error {}
        #expect(throws: Interrupted.self) {
            try first.train(on: train, testingOn: test, afterEpoch: { record in if record.epoch == 1 { throw Interrupted() } })
        }
        let saved = try first.modelFile.serialized()
        let resumed = try Trainer(resuming: ModelFile(parsing: saved, path: "checkpoint"), path: "checkpoint")
        #expect(resumed.state.epochsCompleted == 1)
        try resumed.train(on: train, testingOn: test)
        #expect(resumed.network.parameters == whole.network.parameters)
        #expect(resumed.state.history.map(\.testError) == whole.state.history.map(\.testError))
        if schedule == .linearToZero {  // each pass records its step at its start: 1, 2/3, 1/3 of Adam's 0.001
            let steps = whole.state.history.map(\.learningRate), expected = [0.001, 0.001 * 2 / 3, 0.001 / 3]
            #expect(zip(steps, expected).allSatisfy { abs($0 - $1) < 1e-15 }, "\(steps)")
        }
    }

    @Test func aFileWithoutTrainingStateCannotBeResumed() {
        let file = ModelFile(network: Network<Float>(architecture: .lenet5, seed: 1))
        #expect(throws: FileError.self) { try Trainer(resuming: file, path: "plain") }
    }
}
