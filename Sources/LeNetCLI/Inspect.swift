import ArgumentParser
import Foundation
import LeNet
import LeNetImages

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pictures of what a trained model does.",
        subcommands: [FeatureMapsPicture.self, ShiftPicture.self, KernelsPicture.self, MistakesGrid.self,
                      ConfusionHeatMap.self, CurvesPlot.self, RobustnessStudy.self]
    )
}

/// `--index I | --image FILE`: the digit a picture is about.
struct DigitChoice: ParsableArguments {
    @Option(help: "A digit of the MNIST test set, 0...9999.")
    var index: Int?

    @Option(help: "A PNG or PGM picture of a digit instead (prepared as lenet predict does).")
    var image: String?

    func validate() throws {
        guard (index == nil) != (image == nil) else { throw ValidationError("give either --index or --image") }
    }

    /// The 28x28 digit and how to name it in a title.
    func digit(_ dataOptions: DataOptions) throws -> (digit: GrayImage, name: String) {
        if let image {
            return (try ImageFile.readDigit(image), image.split(separator: "/").last.map(String.init) ?? image)
        }
        let test = try loadMNIST(dataOptions).test
        return (try testDigit(index!, of: test), "TEST DIGIT \(index!), LABEL \(test.labels[index!])")
    }
}

/// Test digit `index` as an image, or an error saying the range.
func testDigit(_ index: Int, of test: LabeledImages) throws -> GrayImage {
    guard (0..<test.count).contains(index) else {
        throw RequestError("--index \(index) is out of range: the test set has \(test.count) digits (0...\(test.count - 1))")
    }
    let area = test.width * test.height
    return GrayImage(width: test.width, height: test.height, pixels: Array(test.pixels[index * area..<(index + 1) * area]))
}

struct FeatureMapsPicture: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feature-maps",
        abstract: "One PNG: a digit, every layer's feature maps (C1, S2, C3, ...), and the prediction."
    )

    @Option(help: "A model file written by lenet train.")
    var model: String

    @OptionGroup var choice: DigitChoice
    @OptionGroup var dataOptions: DataOptions

    @Option(help: "The PNG to write.")
    var out = "feature-maps.png"

    func run() throws {
        let file = try ModelFile.read(model)
        let (digit, name) = try choice.digit(dataOptions)
        let network = file.makeNetwork()
        let prediction = network.predict(pixels: digit.pixels)
        let picture = FeatureMapPicture.render(input: digit, stages: network.featureMaps(), prediction: prediction,
                                               title: "\(file.architecture.name): \(name)")
        try picture.writePNG(to: out)
        print("wrote \(out) (\(picture.width)x\(picture.height)): \(file.architecture.name) reads \(prediction.digit)")
    }
}

struct ShiftPicture: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shift",
        abstract: "An animated PNG: a digit moved, turned, scaled and made noisy, with every layer's maps and the prediction in each frame."
    )

    @Option(help: "A model file written by lenet train.")
    var model: String

    @OptionGroup var choice: DigitChoice
    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Seconds each frame is shown.")
    var delay = 0.3

    @Option(help: "The animated PNG to write.")
    var out = "shift.png"

    func validate() throws {
        guard delay > 0, delay <= 60 else { throw ValidationError("--delay must be between 0 and 60 seconds") }
    }

    func run() throws {
        let file = try ModelFile.read(model)
        let (digit, name) = try choice.digit(dataOptions)
        let network = file.makeNetwork()
        let animation = ShiftAnimation.render(network: network, digit: digit, title: "\(file.architecture.name): \(name)")
        try animation.write(delay: delay, to: out)
        let counts = Dictionary(grouping: animation.predictions, by: { $0 }).sorted { $0.value.count > $1.value.count }
        print("wrote \(out) (\(animation.frames.count) frames of \(animation.width)x\(animation.height)); \(file.architecture.name) reads "
            + counts.map { "\($0.key) in \($0.value.count)" }.joined(separator: ", "))
    }
}

struct KernelsPicture: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "One PNG: the learned convolution kernels (C1 and C3), laid out as the paper's Table I."
    )

    @Option(help: "A model file written by lenet train.")
    var model: String

    @Option(help: "The PNG to write.")
    var out = "kernels.png"

    func run() throws {
        let file = try ModelFile.read(model)
        let picture = try KernelPicture.render(network: file.makeNetwork(), title: "\(file.architecture.name): learned kernels")
        try picture.writePNG(to: out)
        print("wrote \(out) (\(picture.width)x\(picture.height))")
    }
}

struct MistakesGrid: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mistakes",
        abstract: "One PNG: every test digit the model gets wrong, labelled true>predicted (the paper's Fig. 8)."
    )

    @Option(help: "A model file written by lenet train.")
    var model: String

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "The PNG to write.")
    var out = "mistakes.png"

    func run() throws {
        let file = try ModelFile.read(model)
        let test = try loadMNIST(dataOptions).test
        let mistakes = MistakesPicture.mistakes(Evaluation(network: file.makeNetwork(), data: test), data: test)
        let picture = MistakesPicture.render(mistakes, data: test, model: file.architecture.name)
        try picture.writePNG(to: out)
        print("wrote \(out) (\(picture.width)x\(picture.height)): \(mistakes.count) misclassified test digits")
    }
}

struct ConfusionHeatMap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confusion",
        abstract: "One PNG: the test set's confusion matrix as a heat map."
    )

    @Option(help: "A model file written by lenet train.")
    var model: String

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "The PNG to write.")
    var out = "confusion.png"

    func run() throws {
        let file = try ModelFile.read(model)
        let evaluation = Evaluation(network: file.makeNetwork(), data: try loadMNIST(dataOptions).test)
        let picture = ConfusionPicture.render(evaluation, model: file.architecture.name)
        try picture.writePNG(to: out)
        print("wrote \(out) (\(picture.width)x\(picture.height))")
    }
}

struct CurvesPlot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curves",
        abstract: "One PNG: train and test error per epoch (the paper's Fig. 5), from the log lenet train writes beside each model.",
        discussion: "Give model files (their .log.jsonl beside them is read, or the history inside the model when there is no log) or logs."
    )

    @Argument(help: "Model files or .log.jsonl logs, one line pair each.")
    var files: [String]

    @Option(help: "The PNG to write.")
    var out = "curves.png"

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one model file or log") }
    }

    func run() throws {
        let runs = try files.map { path in
            if path.hasSuffix(".jsonl") {
                return (model: URL(fileURLWithPath: path).lastPathComponent.replacingOccurrences(of: ".log.jsonl", with: ""),
                        history: try TrainingLog.read(path))
            }
            let log = TrainingLog.path(forModel: path)
            if FileManager.default.fileExists(atPath: log) { return (model: try ModelFile.read(path).architecture.name, history: try TrainingLog.read(log)) }
            let file = try ModelFile.read(path)
            guard let history = file.training?.history, !history.isEmpty else {
                throw FileError(path: path, problem: "has no training history and no log beside it (\(log))")
            }
            return (model: file.architecture.name, history: history)
        }
        let picture = LearningCurves.plot(runs)
        try picture.writePNG(to: out)
        for run in runs {
            print("\(run.model): " + run.history.map { String(format: "%d: %.2f%%", $0.epoch, $0.testError) }.joined(separator: ", "))
        }
        print("wrote \(out) (\(picture.width)x\(picture.height))")
    }
}

struct RobustnessStudy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "robustness",
        abstract: "Test error as digits move (0-6 pixels, 8 directions) and turn (0-30 degrees): a table and a line plot, one line per model."
    )

    @Option(parsing: .upToNextOption, help: "Model files written by lenet train (for example lenet5, lenet1 and mlp-300).")
    var model: [String]

    @Option(help: "How many test digits each error is measured on (the first N).")
    var samples = 10_000

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "The PNG to write.")
    var out = "robustness.png"

    func validate() throws {
        guard !model.isEmpty else { throw ValidationError("give at least one --model") }
        guard samples > 0 else { throw ValidationError("--samples must be positive") }
    }

    func run() throws {
        let files = try model.map { try ModelFile.read($0) }
        let test = try loadMNIST(dataOptions).test
        let results = files.map { Robustness(network: $0.makeNetwork(), test: test, samples: samples) }
        let picture = Robustness.plot(results)
        try picture.writePNG(to: out)
        print(Robustness.table(results))
        print("wrote \(out) (\(picture.width)x\(picture.height))")
    }
}
