import ArgumentParser
import Foundation
import LeNet
import LeNetImages

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One HTML page about a trained model, with its pictures beside it: layers, learning curves, confusion matrix, "
            + "mistakes, feature maps, the shift animation, kernels and robustness.",
        discussion: "Everything is computed before anything is written; each file is written atomically."
    )

    @Option(help: "A model file written by lenet train.")
    var model: String

    @Option(parsing: .upToNextOption, help: "Other model files to compare with in the robustness section (for example mlp-300).")
    var compare: [String] = []

    @Option(help: "The test digit shown inside the network.")
    var index = 0

    @Option(help: "How many test digits each robustness error is measured on.")
    var robustnessSamples = 2_000

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "The directory to write index.html and the pictures into (created if missing).")
    var out = "report"

    func validate() throws {
        guard robustnessSamples > 0 else { throw ValidationError("--robustness-samples must be positive") }
    }

    func run() throws {
        let file = try ModelFile.read(model), others = try compare.map { try ModelFile.read($0) }
        let test = try loadMNIST(dataOptions).test
        let digit = try testDigit(index, of: test)
        let network = file.makeNetwork(), name = file.architecture.name
        let digitName = "Test digit \(index), a \(test.labels[index])"

        // Every picture in memory first: a failure here leaves the directory untouched.
        var files: [(name: String, write: (String) throws -> Void)] = []
        let evaluation = Evaluation(network: network, data: test)
        let mistakes = MistakesPicture.mistakes(evaluation, data: test)
        let prediction = network.predict(pixels: digit.pixels)
        let featureMaps = FeatureMapPicture.render(input: digit, stages: network.featureMaps(), prediction: prediction, title: "\(name): TEST DIGIT \(index)")
        let animation = ShiftAnimation.render(network: network, digit: digit, title: "\(name): TEST DIGIT \(index)")
        let robustness = ([file] + others).map { Robustness(network: $0.makeNetwork(), test: test, samples: robustnessSamples) }
        let history = file.training?.history ?? []
        let kernels = try? KernelPicture.render(network: network, title: "\(name): learned kernels")  // nil: no convolutions
        let pictures = ReportPage.Pictures(
            curves: history.isEmpty ? nil : "curves.png", confusion: "confusion.png", mistakes: "mistakes.png",
            featureMaps: "feature-maps.png", shift: "shift.png", kernels: kernels == nil ? nil : "kernels.png",
            robustness: "robustness.png")
        if !history.isEmpty { files.append(("curves.png", LearningCurves.plot([(name, history)]).writePNG)) }
        files.append(("confusion.png", ConfusionPicture.render(evaluation, model: name).writePNG))
        files.append(("mistakes.png", MistakesPicture.render(mistakes, data: test, model: name).writePNG))
        files.append(("feature-maps.png", featureMaps.writePNG))
        files.append(("shift.png", { try animation.write(to: $0) }))
        if let kernels { files.append(("kernels.png", kernels.writePNG)) }
        files.append(("robustness.png", Robustness.plot(robustness).writePNG))
        let page = ReportPage(model: file.architecture, evaluation: evaluation, training: file.training, robustness: robustness,
                              digitName: digitName, digitPrediction: prediction.digit, mistakes: mistakes.count, pictures: pictures)

        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw FileError(path: out, problem: "cannot create the directory: \(error.localizedDescription)")
        }
        for (fileName, write) in files { try write(out + "/" + fileName) }
        try writeAtomically(Data(page.html.utf8), to: out + "/index.html")
        print(Robustness.table(robustness))
        print("wrote \(out)/index.html and \(files.count) pictures beside it")
    }
}
