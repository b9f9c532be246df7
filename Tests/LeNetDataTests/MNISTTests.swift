import Foundation
import LeNet
import Testing
@testable import LeNetData

@Suite struct MNISTTests {
    /// A tiny MNIST-format directory: `count` images of 28x28 and their labels.
    func makeDirectory(images: [UInt8]? = nil, imageDimensions: [Int] = [2, 28, 28], labels: [UInt8] = [3, 9]) throws -> String {
        let dir = temporaryDirectory()
        let pixels = images ?? [UInt8](repeating: 7, count: imageDimensions.reduce(1, *))
        for prefix in ["train", "t10k"] {
            gzipped(idx(dimensions: imageDimensions, data: pixels), at: "\(dir)/\(prefix)-images-idx3-ubyte.gz")
            try Data(idx(dimensions: [labels.count], data: labels)).write(to: URL(fileURLWithPath: "\(dir)/\(prefix)-labels-idx1-ubyte"))
        }
        return dir
    }

    @Test func loadsADirectoryOfMixedGzippedAndPlainFiles() throws {
        let (train, test) = try MNIST.load(directory: makeDirectory())
        #expect(train.count == 2 && test.count == 2)
        #expect(train.labels == [3, 9])
        #expect(train.pixels.count == 2 * 784)
    }

    @Test func imageAndLabelCountsMustAgree() throws {
        let dir = try makeDirectory(labels: [1, 2, 3])
        expectFileError("\(dir)/train-labels-idx1-ubyte", "3 labels for the 2 images") { _ = try MNIST.load(directory: dir) }
    }

    @Test func labelsMustBeDigits() throws {
        let dir = try makeDirectory(labels: [1, 12])
        expectFileError("\(dir)/train-labels-idx1-ubyte", "label 12 at index 1 is outside 0-9") { _ = try MNIST.load(directory: dir) }
    }

    @Test func imagesMustBe28x28() throws {
        let dir = try makeDirectory(imageDimensions: [2, 32, 32])
        expectFileError("\(dir)/train-images-idx3-ubyte.gz", "images are 32x32") { _ = try MNIST.load(directory: dir) }
    }

    @Test func imagesNeedThreeDimensions() throws {
        let dir = try makeDirectory(imageDimensions: [2, 784])
        expectFileError("\(dir)/train-images-idx3-ubyte.gz", "2 dimensions: images need 3") { _ = try MNIST.load(directory: dir) }
    }

    @Test func missingFilesAreNamed() {
        let dir = temporaryDirectory()
        expectFileError(dir, "no train-images-idx3-ubyte or train-images-idx3-ubyte.gz here") { _ = try MNIST.load(directory: dir) }
    }

    @Test func theBundledMNISTIsComplete() throws {
        let dir = try #require(MNIST.defaultDirectory(from: FileManager.default.currentDirectoryPath))
        let (train, test) = try MNIST.load(directory: dir)
        #expect(train.count == 60_000 && test.count == 10_000)
        #expect(train.width == 28 && train.height == 28)
        // The well-known class counts of the MNIST test set.
        #expect((0..<10).map { d in test.labels.filter { $0 == d }.count } == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    }

    static let fashion = "/usr/share/datasets/fashion-mnist"

    /// Skipped (and reported as skipped) where Debian's dataset-fashion-mnist is not installed.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: fashion), "needs Debian's dataset-fashion-mnist"))
    func fashionMNISTLoads() throws {
        let (train, test) = try MNIST.load(directory: Self.fashion)
        #expect(train.count == 60_000 && test.count == 10_000)
    }
}
