import Foundation
import LeNet

/// MNIST-format data sets (MNIST, Fashion-MNIST, ...): a directory with the four standard
/// IDX files, each gzipped or not.
public enum MNIST {
    /// The directory MNIST ships in, relative to the repository root.
    public static let bundledDirectory = "Data/mnist"

    /// `Data/mnist` in the current directory or the nearest parent that has one, so
    /// `lenet train` works without arguments anywhere inside a clone.
    public static func defaultDirectory(from start: String = FileManager.default.currentDirectoryPath) -> String? {
        var dir = URL(fileURLWithPath: start).standardizedFileURL
        while true {
            let candidate = dir.appendingPathComponent(bundledDirectory).path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }

    /// The training (60,000) and test (10,000) sets from `directory`.
    public static func load(directory: String) throws -> (train: LabeledImages, test: LabeledImages) {
        (try load(directory: directory, prefix: "train"), try load(directory: directory, prefix: "t10k"))
    }

    /// One split: `prefix` is `train` or `t10k`.
    public static func load(directory: String, prefix: String) throws -> LabeledImages {
        let imagesPath = try find("\(prefix)-images-idx3-ubyte", in: directory)
        let labelsPath = try find("\(prefix)-labels-idx1-ubyte", in: directory)
        return try pair(images: IDXFile(contentsOf: imagesPath), imagesPath: imagesPath,
                        labels: IDXFile(contentsOf: labelsPath), labelsPath: labelsPath)
    }

    /// Checks that an image file and a label file belong together and makes them a data set.
    public static func pair(images: IDXFile, imagesPath: String, labels: IDXFile, labelsPath: String) throws -> LabeledImages {
        guard images.dimensions.count == 3 else {
            throw FileError(path: imagesPath, problem: "\(images.dimensions.count) dimensions: images need 3 (count, rows, columns)")
        }
        guard labels.dimensions.count == 1 else {
            throw FileError(path: labelsPath, problem: "\(labels.dimensions.count) dimensions: labels need 1 (count)")
        }
        let (count, rows, columns) = (images.dimensions[0], images.dimensions[1], images.dimensions[2])
        guard rows == 28, columns == 28 else {
            throw FileError(path: imagesPath, problem: "images are \(rows)x\(columns); the models read 28x28")
        }
        guard labels.dimensions[0] == count else {
            throw FileError(path: labelsPath, problem: "\(labels.dimensions[0]) labels for the \(count) images of \(imagesPath)")
        }
        if let bad = labels.bytes.firstIndex(where: { $0 > 9 }) {
            throw FileError(path: labelsPath, problem: "label \(labels.bytes[bad]) at index \(bad) is outside 0-9")
        }
        return LabeledImages(width: columns, height: rows, pixels: images.bytes, labels: labels.bytes)
    }

    static func find(_ name: String, in directory: String) throws -> String {
        let candidates = [name, name + ".gz", name.replacingOccurrences(of: "-idx", with: ".idx"),
                          name.replacingOccurrences(of: "-idx", with: ".idx") + ".gz"]
        for candidate in candidates {
            let path = (directory as NSString).appendingPathComponent(candidate)
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        throw FileError(path: directory, problem: "no \(name) or \(name).gz here (an MNIST-format directory has the four IDX files)")
    }
}
