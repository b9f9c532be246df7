import Foundation

/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range (plus a `__metadata__` map of strings), then
/// the raw little-endian data. Chosen over a format of our own because PyTorch, JAX and others
/// load it directly, and over pickle-based `.pt` because reading it runs no code.
/// Only `F32` tensors are written and read: that is all a LeNet holds.
public struct Safetensors: Equatable {
    public var metadata: [String: String]
    public var tensors: [String: (shape: [Int], values: [Float])]

    public init(metadata: [String: String] = [:], tensors: [String: (shape: [Int], values: [Float])] = [:]) {
        self.metadata = metadata
        self.tensors = tensors
    }

    public static func == (a: Safetensors, b: Safetensors) -> Bool {
        a.metadata == b.metadata && a.tensors.keys == b.tensors.keys
            && a.tensors.allSatisfy { b.tensors[$0.key]!.shape == $0.value.shape && b.tensors[$0.key]!.values == $0.value.values }
    }

    /// The file's bytes, tensors in name order.
    public func serialized() throws -> Data {
        var header: [String: Any] = ["__metadata__": metadata]
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let t = tensors[name]!
            precondition(t.shape.reduce(1, *) == t.values.count, "\(name): shape does not match values")
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.values.count]]
            offset += 4 * t.values.count
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var data = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for name in names {
            tensors[name]!.values.withUnsafeBufferPointer { v in
                for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            }
        }
        return data
    }

    /// Parses a file's bytes; `path` names the file in errors.
    public init(parsing data: Data, path: String) throws {
        func fail(_ problem: String) -> FileError { FileError(path: path, problem: problem) }
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw fail("truncated: \(bytes.count) bytes, shorter than the 8-byte safetensors header length") }
        let headerLength = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw fail("not a safetensors file, or truncated: the header length says \(headerLength) bytes, \(bytes.count - 8) follow")
        }
        let dataStart = 8 + Int(headerLength)
        guard let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart])) as? [String: Any] else {
            throw fail("the safetensors header is not a JSON object")
        }
        metadata = [:]
        if let m = header["__metadata__"] {
            guard let m = m as? [String: String] else { throw fail("__metadata__ is not a map of strings") }
            metadata = m
        }
        tensors = [:]
        var ranges: [(Int, Int, String)] = []
        for (name, entry) in header where name != "__metadata__" {
            guard let entry = entry as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else { throw fail("tensor '\(name)' has no valid dtype, shape and data_offsets") }
            guard dtype == "F32" else { throw fail("tensor '\(name)' is \(dtype); only F32 is supported") }
            guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[0] <= offsets[1],
                  offsets[1] - offsets[0] == 4 * shape.reduce(1, *)
            else { throw fail("tensor '\(name)': data_offsets \(offsets) do not fit shape \(shape)") }
            guard dataStart + offsets[1] <= bytes.count else {
                throw fail("truncated: tensor '\(name)' ends at byte \(dataStart + offsets[1]), the file has \(bytes.count)")
            }
            ranges.append((offsets[0], offsets[1], name))
            let values = (0..<shape.reduce(1, *)).map { i -> Float in
                let p = dataStart + offsets[0] + 4 * i
                return Float(bitPattern: UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24)
            }
            tensors[name] = (shape, values)
        }
        ranges.sort { $0.0 < $1.0 }
        for (a, b) in zip(ranges, ranges.dropFirst()) where a.1 > b.0 {
            throw fail("tensors '\(a.2)' and '\(b.2)' overlap")
        }
    }
}

/// Writes `data` to `path` so that a reader sees the old file or the new one, never a part:
/// a temporary file beside it, flushed to disk, then renamed over it.
public func writeAtomically(_ data: Data, to path: String) throws {
    let temporary = path + ".tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw FileError(path: path, problem: "cannot write: \(String(cString: strerror(errno)))") }
    var failure: String?
    data.withUnsafeBytes { raw in
        var done = 0
        while done < raw.count {
            let n = write(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0 {
                failure = String(cString: strerror(errno))
                return
            }
            done += n
        }
    }
    if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
    close(fd)
    if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
    if let failure {
        unlink(temporary)
        throw FileError(path: path, problem: "cannot write: \(failure)")
    }
}
