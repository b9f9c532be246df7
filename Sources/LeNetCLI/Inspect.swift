import ArgumentParser
import LeNet
import LeNetImages

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pictures of what a trained model does.",
        subcommands: [FeatureMapsPicture.self]
    )
}

struct FeatureMapsPicture: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feature-maps",
        abstract: "One PNG: a digit, every layer's feature maps (C1, S2, C3, ...), and the prediction."
    )

    @Option(help: "A model file written by lenet train.")
    var model: String

    @Option(help: "A digit of the MNIST test set, 0...9999.")
    var index: Int?

    @Option(help: "A PNG or PGM picture of a digit instead (prepared as lenet predict does).")
    var image: String?

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "The PNG to write.")
    var out = "feature-maps.png"

    func validate() throws {
        guard (index == nil) != (image == nil) else { throw ValidationError("give either --index or --image") }
    }

    func run() throws {
        let file = try ModelFile.read(model)
        let digit: GrayImage, source: String
        if let index {
            let test = try loadMNIST(dataOptions).test
            guard (0..<test.count).contains(index) else {
                throw ValidationError("--index \(index) is out of range: the test set has \(test.count) digits (0...\(test.count - 1))")
            }
            digit = GrayImage(width: 28, height: 28, pixels: Array(test.pixels[index * 784..<(index + 1) * 784]))
            source = "TEST DIGIT \(index), LABEL \(test.labels[index])"
        } else {
            digit = try ImageFile.readDigit(image!)
            source = image!.split(separator: "/").last.map(String.init) ?? image!
        }
        let network = file.makeNetwork()
        let prediction = network.predict(pixels: digit.pixels)
        let picture = FeatureMapPicture.render(input: digit, stages: network.featureMaps(), prediction: prediction,
                                               title: "\(file.architecture.name): \(source)")
        try picture.writePNG(to: out)
        print("wrote \(out) (\(picture.width)x\(picture.height)): \(file.architecture.name) reads \(prediction.digit)")
    }
}
