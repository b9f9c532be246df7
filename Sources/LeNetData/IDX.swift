import CZlib
import Foundation
import LeNet

/// An IDX file (LeCun and Cortes' format for MNIST): a 4-byte magic number (two zero bytes,
/// a type code, the number of dimensions), each dimension as a big-endian UInt32, then the data.
/// Only unsigned bytes (type 0x08) are read: that is what MNIST and Fashion-MNIST use.
public struct IDXFile: Sendable, Equatable {
    public var dimensions: [Int]
    public var bytes: [UInt8]

    static let typeNames: [UInt8: String] = [0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "short",
                                             0x0C: "int", 0x0D: "float", 0x0E: "double"]

    /// Parses the (already decompressed) contents of an IDX file; `path` names it in errors.
    public init(parsing data: [UInt8], path: String) throws {
        func fail(_ problem: String) -> FileError { FileError(path: path, problem: problem) }
        guard data.count >= 4 else {
            throw fail("truncated: \(data.count) bytes, shorter than the 4-byte IDX magic number")
        }
        guard data[0] == 0, data[1] == 0 else {
            let magic = data[0..<4].map { String(format: "%02x", $0) }.joined()
            throw fail("bad magic number 0x\(magic): an IDX file starts with two zero bytes (is this an IDX file?)")
        }
        guard data[2] == 0x08 else {
            let name = Self.typeNames[data[2]].map { " (\($0))" } ?? " (not an IDX type)"
            throw fail(String(format: "type code 0x%02x", data[2]) + name + " is not supported: MNIST images and labels are unsigned bytes (0x08)")
        }
        let rank = Int(data[3])
        guard (1...4).contains(rank) else { throw fail("\(rank) dimensions: expected 1 (labels) to 3 (images)") }
        let headerSize = 4 + 4 * rank
        guard data.count >= headerSize else {
            throw fail("truncated: \(data.count) bytes, but a header of \(rank) dimensions takes \(headerSize)")
        }
        var dimensions: [Int] = []
        for d in 0..<rank {
            let b = data[4 + 4 * d..<8 + 4 * d].map(Int.init)
            dimensions.append(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3])
        }
        let actual = data.count - headerSize
        let shape = dimensions.map(String.init).joined(separator: "x")
        // Checked: four 32-bit dimensions can multiply past Int.max.
        var expected = 1
        for d in dimensions {
            let (product, overflow) = expected.multipliedReportingOverflow(by: d)
            guard !overflow else { throw fail("the header's dimensions \(shape) describe more data than any file holds") }
            expected = product
        }
        if actual < expected {
            throw fail("truncated: the header says \(shape) = \(expected) bytes of data, the file has \(actual)")
        }
        if actual > expected {
            throw fail("\(actual - expected) unexpected bytes after the \(shape) = \(expected) bytes of data the header describes")
        }
        self.dimensions = dimensions
        bytes = Array(data[headerSize...])
    }

    /// Reads an IDX file, gzipped or not (zlib reads plain files through unchanged).
    public init(contentsOf path: String) throws {
        try self.init(parsing: Self.readDecompressed(path), path: path)
    }

    static func readDecompressed(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FileError(path: path, problem: "no such file")
        }
        guard !isDirectory.boolValue else { throw FileError(path: path, problem: "is a directory, not a file") }
        guard let file = gzopen(path, "rb") else {
            throw FileError(path: path, problem: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { gzclose_r(file) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if n < 0 {
                throw FileError(path: path, problem: "corrupt gzip data: \(gzipMessage(file, path))")
            }
            if n == 0 { break }
            result += chunk[0..<Int(n)]
        }
        // gzread reports a stream cut short only as an end of file; ask zlib whether it was clean.
        var code: Int32 = 0
        _ = gzerror(file, &code)
        if code != Z_OK {
            throw FileError(path: path, problem: "corrupt gzip data: \(gzipMessage(file, path))")
        }
        return result
    }

    /// zlib's message for the last error, without the "path: " it puts in front.
    private static func gzipMessage(_ file: gzFile, _ path: String) -> String {
        var code: Int32 = 0
        let message = String(cString: gzerror(file, &code))
        return message.hasPrefix(path + ": ") ? String(message.dropFirst(path.count + 2)) : message
    }
}
