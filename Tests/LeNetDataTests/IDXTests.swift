import CZlib
import Foundation
import LeNet
import Testing
@testable import LeNetData

/// A fresh directory for one test's files.
func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "lenet-tests-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func idx(dimensions: [Int], type: UInt8 = 0x08, data: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
    for d in dimensions { bytes += [UInt8(d >> 24 & 255), UInt8(d >> 16 & 255), UInt8(d >> 8 & 255), UInt8(d & 255)] }
    return bytes + data
}

func gzipped(_ bytes: [UInt8], at path: String) {
    let file = gzopen(path, "wb")!
    _ = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
    gzclose(file)
}

/// Expects `body` to throw a FileError naming `path` whose problem contains `words`.
func expectFileError(_ path: String, _ words: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("no error; expected '\(words)'", sourceLocation: sourceLocation)
    } catch let error as FileError {
        #expect(error.path == path, sourceLocation: sourceLocation)
        #expect(error.problem.contains(words), "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
    }
}

@Suite struct IDXTests {
    let labels = idx(dimensions: [3], data: [1, 2, 3])

    @Test func readsPlainAndGzipped() throws {
        let dir = temporaryDirectory()
        let plain = dir + "/a", packed = dir + "/b.gz"
        try Data(labels).write(to: URL(fileURLWithPath: plain))
        gzipped(labels, at: packed)
        #expect(try IDXFile(contentsOf: plain) == IDXFile(contentsOf: packed))
        #expect(try IDXFile(contentsOf: plain).dimensions == [3])
        #expect(try IDXFile(contentsOf: plain).bytes == [1, 2, 3])
    }

    @Test func badHeaders() {
        let p = "x"
        expectFileError(p, "shorter than the 4-byte") { _ = try IDXFile(parsing: [0, 0], path: p) }
        expectFileError(p, "bad magic number 0x1f8b0800") { _ = try IDXFile(parsing: [0x1F, 0x8B, 8, 0, 1, 2, 3, 4], path: p) }
        expectFileError(p, "type code 0x0d (float)") { _ = try IDXFile(parsing: idx(dimensions: [1], type: 0x0D, data: [0, 0, 0, 0]), path: p) }
        expectFileError(p, "type code 0x42 (not an IDX type)") { _ = try IDXFile(parsing: idx(dimensions: [1], type: 0x42, data: [0]), path: p) }
        expectFileError(p, "0 dimensions") { _ = try IDXFile(parsing: [0, 0, 8, 0], path: p) }
        expectFileError(p, "a header of 3 dimensions takes 16") { _ = try IDXFile(parsing: [0, 0, 8, 3, 0, 0, 0, 1], path: p) }
    }

    @Test func lengthMustMatchTheHeader() {
        let p = "y"
        expectFileError(p, "truncated: the header says 2x2x2 = 8 bytes of data, the file has 5") {
            _ = try IDXFile(parsing: idx(dimensions: [2, 2, 2], data: [1, 2, 3, 4, 5]), path: p)
        }
        expectFileError(p, "2 unexpected bytes after") { _ = try IDXFile(parsing: idx(dimensions: [1], data: [1, 2, 3]), path: p) }
        // A label file given an image header: its first labels read as huge dimensions.
        expectFileError(p, "describe more data than any file holds") {
            _ = try IDXFile(parsing: idx(dimensions: [10_000, 0x0702_0100, 0x0401_0409, 0x0509_0006], data: [1]), path: p)
        }
    }

    @Test func badFiles() throws {
        let dir = temporaryDirectory()
        expectFileError(dir + "/missing", "no such file") { _ = try IDXFile(contentsOf: dir + "/missing") }
        expectFileError(dir, "is a directory") { _ = try IDXFile(contentsOf: dir) }
        // A gzip stream cut in half.
        let whole = dir + "/whole.gz", cut = dir + "/cut.gz"
        gzipped(idx(dimensions: [5000], data: (0..<5000).map { UInt8($0 % 7) }), at: whole)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: whole))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
        expectFileError(cut, "corrupt gzip data: unexpected end of file") { _ = try IDXFile(contentsOf: cut) }
        // A gzip stream with garbage in the middle.
        var damaged = bytes
        for i in 20..<40 { damaged[i] ^= 0x5A }
        try damaged.write(to: URL(fileURLWithPath: dir + "/damaged.gz"))
        expectFileError(dir + "/damaged.gz", "corrupt gzip data") { _ = try IDXFile(contentsOf: dir + "/damaged.gz") }
    }
}
