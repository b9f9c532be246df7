import CZlib
import Foundation
import LeNet

/// Animated PNG (APNG): RGB frames of one size, shown in a loop. Written by hand because
/// libpng's simplified API writes still images only; the chunks are few (IHDR, acTL, then per
/// frame fcTL and IDAT or fdAT, IEND), compressed with the system zlib. Viewers that know only
/// PNG show the first frame, so the file is never unreadable. Chosen over GIF: no 256-colour
/// palette, so maps keep every gray level, and the same zlib the readers use.
public enum AnimatedPNGWriter {
    /// APNG bytes for `frames` (each `height` rows of `width` RGB triples), each shown for
    /// `delay` seconds, looping forever.
    public static func encode(frames: [[UInt8]], width: Int, height: Int, delay: Double) throws -> Data {
        precondition(!frames.isEmpty && frames.allSatisfy { $0.count == width * height * 3 }, "frames of \(width)x\(height) RGB")
        var out = Data(ImageFile.pngSignature)
        var ihdr = Data()
        ihdr.append(bigEndian: UInt32(width)); ihdr.append(bigEndian: UInt32(height))
        ihdr.append(contentsOf: [8, 2, 0, 0, 0])  // 8 bits, RGB, deflate, adaptive filters, not interlaced
        out.appendChunk("IHDR", ihdr)
        var actl = Data()
        actl.append(bigEndian: UInt32(frames.count)); actl.append(bigEndian: UInt32(0))  // 0: loop forever
        out.appendChunk("acTL", actl)
        // fcTL and fdAT share one sequence number series.
        var sequence: UInt32 = 0
        let milliseconds = UInt16(max(1, min(65_535, (delay * 1000).rounded())))
        for (index, frame) in frames.enumerated() {
            var fctl = Data()
            fctl.append(bigEndian: sequence); sequence += 1
            fctl.append(bigEndian: UInt32(width)); fctl.append(bigEndian: UInt32(height))
            fctl.append(bigEndian: UInt32(0)); fctl.append(bigEndian: UInt32(0))  // x, y offset
            fctl.append(bigEndian: milliseconds); fctl.append(bigEndian: UInt16(1000))
            fctl.append(contentsOf: [0, 0])  // dispose: none; blend: source (frames are opaque and full size)
            out.appendChunk("fcTL", fctl)
            let compressed = try deflate(filtered(frame, width: width, height: height))
            if index == 0 {
                out.appendChunk("IDAT", compressed)
            } else {
                var fdat = Data()
                fdat.append(bigEndian: sequence); sequence += 1
                fdat.append(compressed)
                out.appendChunk("fdAT", fdat)
            }
        }
        out.appendChunk("IEND", Data())
        return out
    }

    /// Encodes and writes atomically (a temporary file renamed into place).
    public static func write(frames: [[UInt8]], width: Int, height: Int, delay: Double, to path: String) throws {
        do {
            try writeAtomically(try encode(frames: frames, width: width, height: height, delay: delay), to: path)
        } catch let error as PNGWriter.PNGError {
            throw FileError(path: path, problem: error.message)
        }
    }

    /// Each row behind PNG's "Up" filter (type 2: the byte minus the one above), which turns the
    /// large flat areas of our pictures into runs of zeros for deflate.
    static func filtered(_ pixels: [UInt8], width: Int, height: Int) -> [UInt8] {
        let stride = width * 3
        var rows = [UInt8](repeating: 0, count: height * (stride + 1))
        for y in 0..<height {
            rows[y * (stride + 1)] = 2
            for x in 0..<stride {
                let above = y > 0 ? pixels[(y - 1) * stride + x] : 0
                rows[y * (stride + 1) + 1 + x] = pixels[y * stride + x] &- above
            }
        }
        return rows
    }

    static func deflate(_ bytes: [UInt8]) throws -> Data {
        var size = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = compress2(&out, &size, bytes, uLong(bytes.count), 6)
        guard status == Z_OK else { throw PNGWriter.PNGError(message: "zlib compress2 failed with status \(status)") }
        return Data(out.prefix(Int(size)))
    }
}

extension Data {
    mutating func append<T: FixedWidthInteger>(bigEndian value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }

    /// Length, type, data, and the CRC of type and data.
    mutating func appendChunk(_ type: String, _ data: Data) {
        append(bigEndian: UInt32(data.count))
        let typeAndData = Data(type.utf8) + data
        append(typeAndData)
        append(bigEndian: UInt32(typeAndData.withUnsafeBytes { crc32(0, $0.bindMemory(to: Bytef.self).baseAddress, uInt($0.count)) }))
    }
}
