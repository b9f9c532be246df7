import ArgumentParser
import Foundation
import LeNet
import LeNetData

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model on MNIST, saving it after every epoch.",
        discussion: """
        Defaults follow the paper for lenet5 and lenet1 (SDLM, one sample at a time, 20 epochs; \
        lenet5 adds a warm-up and early curvature re-estimates, see the README) and Adam on \
        minibatches for lenet5-modern. The model file is rewritten atomically after \
        every epoch; --resume continues from it, to the same result as an uninterrupted run.
        """
    )

    @Option(help: "The model: \(Architecture.names.joined(separator: ", ")).")
    var model = "lenet5"

    @Option(help: "lenet1's pooling: average (the paper's) or max (the seed's).")
    var pooling: Pooling.Kind = .average

    @Option(help: "Passes over the training set (default: the model's recipe).")
    var epochs: Int?

    @Option(help: "Samples per step; 1 is online training, the paper's (default: the model's recipe).")
    var batchSize: Int?

    @Option(help: "sdlm (the paper's), sgd (with momentum 0.9) or adam (default: the model's recipe).")
    var optimizer: OptimizerSettings.Kind?

    @Option(help: "The step size; for sdlm a constant global step in place of the paper's schedule.")
    var learningRate: Double?

    @Option(help: "SGD and Adam: multiply the step by this after every epoch (default: the model's recipe).")
    var decay: Double?

    @Option(help: "per-pass (the step changes only by --decay after each epoch) or linear-to-zero (it also falls linearly to 0 over the run) (default: the model's recipe).")
    var schedule: OptimizerSettings.Schedule?

    @Option(help: "SDLM's μ: the step of a parameter is ε/(μ + curvature) (default: the model's recipe).")
    var mu: Double?

    @Option(help: "Grow the step linearly over this many samples at the start (default: the model's recipe).")
    var warmup: Int?

    @Option(help: "SDLM: in the first pass, re-estimate the curvature every this many samples; 0 is the paper's once per pass (default: the model's recipe).")
    var curvatureInterval: Int?

    @Option(help: "Seeds the initial weights and the sample order.")
    var seed: UInt64 = 1

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Where to write the model (default: MODEL.safetensors).")
    var out: String?

    @Option(help: "Continue the run saved in this model file (with its own settings).")
    var resume: String?

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if let learningRate, !(learningRate > 0) { throw ValidationError("--learning-rate must be positive") }
        if !Architecture.names.contains(model) {
            throw ValidationError("unknown model '\(model)'; the models are \(Architecture.names.joined(separator: ", "))")
        }
        if let mu, !(mu > 0) { throw ValidationError("--mu must be positive") }
        if let decay, !(decay > 0 && decay <= 1) { throw ValidationError("--decay must be in (0, 1]") }
        if let warmup, warmup < 0 { throw ValidationError("--warmup must not be negative") }
        if let curvatureInterval, curvatureInterval < 0 { throw ValidationError("--curvature-interval must not be negative") }
        let changesSettings = batchSize != nil || optimizer != nil || learningRate != nil || mu != nil || decay != nil
            || schedule != nil || warmup != nil || curvatureInterval != nil
        if resume != nil, changesSettings {
            throw ValidationError("--resume continues with the settings saved in the model file; only --epochs, --data and --out apply")
        }
    }

    func run() throws {
        let trainer: Trainer
        let outPath: String
        if let resume {
            trainer = try Trainer(resuming: ModelFile.read(resume), path: resume, epochs: epochs)
            outPath = out ?? resume
            print("resuming \(resume): \(trainer.state.epochsCompleted) of \(trainer.configuration.epochs) epochs done")
        } else {
            let architecture = try Architecture.named(model, pooling: pooling)
            var configuration = TrainingConfiguration.defaults(for: architecture)
            if let epochs { configuration.epochs = epochs }
            if let batchSize { configuration.batchSize = batchSize }
            if let optimizer { configuration.optimizer = OptimizerSettings(kind: optimizer) }
            if let learningRate { configuration.optimizer.learningRate = learningRate }
            if let mu { configuration.optimizer.mu = mu }
            if let decay { configuration.optimizer.decay = decay }
            if let schedule { configuration.optimizer.schedule = schedule }
            if let warmup { configuration.optimizer.warmupSamples = warmup }
            if let curvatureInterval { configuration.optimizer.firstPassCurvatureInterval = curvatureInterval }
            configuration.seed = seed
            trainer = Trainer(architecture: architecture, configuration: configuration)
            outPath = out ?? "\(model).safetensors"
        }
        let (train, test) = try loadMNIST(dataOptions)
        let c = trainer.configuration, architecture = trainer.network.architecture
        let published = architecture.publishedTestError.map { ", published test error \($0)%" } ?? ""
        print("""
            \(architecture.name): \(Summary(architecture).parameters.formatted()) parameters\(published)
            \(c.optimizer.kind.rawValue)\(c.optimizer.schedule == .perPass ? "" : " (step \(c.optimizer.schedule.rawValue))"), \
            batch \(c.batchSize), \(c.epochs) epochs, seed \(c.seed); \
            \(train.count) training and \(test.count) test images
            """)
        print("epoch      lr  train loss  train err  test err   seconds  images/s")
        fflush(nil)
        let display = ProgressDisplay()
        let start = Date(), logPath = TrainingLog.path(forModel: outPath)
        try trainer.train(on: train, testingOn: test, progress: display.update) { record in
            display.clear()
            print(String(format: "%5d  %6.0e  %10.4f  %8.2f%%  %7.2f%%  %8.1f  %8.0f", record.epoch, record.learningRate,
                         record.trainLoss, record.trainError, record.testError, record.seconds,
                         Double(train.count) / record.trainSeconds))
            try trainer.modelFile.write(to: outPath)
            try TrainingLog.write(trainer.state.history, to: logPath)
            fflush(nil)  // each epoch's line as it ends, also into a file or pipe
        }
        let evaluation = Evaluation(network: trainer.network, data: test)
        print(String(format: "\ntest error %.2f%% (%d of %d), %.1f s in all; saved %@", evaluation.errorRate,
                     evaluation.errors, evaluation.count, Date().timeIntervalSince(start), outPath))
        print("per-epoch log: \(logPath) (lenet inspect curves draws it)\n")
        print(evaluation.confusionTable)
    }
}

extension Pooling.Kind: ExpressibleByArgument {}
extension OptimizerSettings.Kind: ExpressibleByArgument {}
extension OptimizerSettings.Schedule: ExpressibleByArgument {}

func loadMNIST(_ options: DataOptions) throws -> (train: LabeledImages, test: LabeledImages) {
    guard let directory = options.data ?? MNIST.defaultDirectory() else {
        throw ValidationError("no Data/mnist here or in any parent directory; run from the repository or pass --data DIR")
    }
    return try MNIST.load(directory: directory)
}
