import ArgumentParser
import Foundation
import LeNet
import LeNetImages

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read digits from image files (PNG or PGM) with a trained model.",
        discussion: """
            Each image is prepared as MNIST was: made gray, inverted when the ink is dark on a light \
            ground, cropped to the ink, scaled to fit 20x20 and centred by its centre of mass in 28x28. \
            Prints the three likeliest digits with their probabilities.
            """
    )

    @Option(help: "A model file written by lenet train.")
    var model: String

    @Flag(help: "Print JSON: one object per image.")
    var json = false

    @Option(help: "Also write each image as the network sees it (28x28 PGM) into this directory.")
    var saveInputs: String?

    @Argument(help: "PNG or PGM images, one digit each.")
    var images: [String]

    func validate() throws {
        if images.isEmpty { throw ValidationError("give at least one image") }
    }

    struct Result: Encodable {
        var file: String
        var digit: Int
        var top: [Prediction.Ranked]
        var probabilities: [Double]
    }

    func run() throws {
        let network = try ModelFile.read(model).makeNetwork()
        var results: [Result] = [], failures = 0
        for path in images {
            do {
                let digit = try ImageFile.readDigit(path)
                if let directory = saveInputs {
                    let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension + ".28x28.pgm"
                    try writeAtomically(Data("P5\n28 28\n255\n".utf8 + digit.pixels), to: (directory as NSString).appendingPathComponent(name))
                }
                let prediction = network.predict(pixels: digit.pixels)
                let top = prediction.top(3)
                results.append(Result(file: path, digit: prediction.digit, top: top,
                                      probabilities: prediction.probabilities))
                if !json {
                    print("\(path): \(prediction.digit)   (" + top.map { String(format: "%d %.1f%%", $0.digit, 100 * $0.probability) }.joined(separator: ", ") + ")")
                }
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
        }
        if failures > 0 { throw ExitCode.failure }
    }
}
