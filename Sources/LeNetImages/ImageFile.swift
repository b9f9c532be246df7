import CPNG
import Foundation
import LeNet

/// Reading images from files: PNG (any kind libpng reads: palette, 16-bit, alpha, interlaced,
/// colour) and PGM (binary P5 and plain P2, 8 or 16 bit). Colour becomes luminance; transparent
/// pixels take the background the opaque ones stand out from, so a transparent canvas with
/// strokes of any colour reads as strokes on a plain ground.
public enum ImageFile {
    public static func read(_ path: String) throws -> GrayImage {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw FileError(path: path, problem: "cannot read: \((error as NSError).localizedDescription)")
        }
        return try decode([UInt8](data), path: path)
    }

    /// Reads a picture of one digit and prepares it as MNIST's (``GrayImage/mnistDigit()``);
    /// a blank picture is an error naming the file.
    public static func readDigit(_ path: String) throws -> GrayImage {
        do { return try read(path).mnistDigit() } catch let error as GrayImage.NoDigitFound {
            throw FileError(path: path, problem: error.description)
        }
    }

    /// Decodes PNG or PGM bytes; `path` names the source in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> GrayImage {
        if bytes.starts(with: pngSignature) { return try decodePNG(bytes, path: path) }
        if bytes.starts(with: [0x50, 0x35]) || bytes.starts(with: [0x50, 0x32]) { return try decodePGM(bytes, path: path) }
        throw FileError(path: path, problem: "not a PNG or PGM image (the file starts with \(bytes.prefix(4).map { String(format: "%02x", $0) }.joined()))")
    }

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// libpng's simplified API does every conversion (palette, 16-bit, interlace, colour to gray).
    static func decodePNG(_ bytes: [UInt8], path: String) throws -> GrayImage {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        func failure() -> FileError { FileError(path: path, problem: "bad PNG: \(freeingWithMessage(&image))") }
        guard bytes.withUnsafeBytes({ png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }) != 0 else { throw failure() }
        let width = Int(image.width), height = Int(image.height)
        guard width * height <= 1 << 26 else {
            png_image_free(&image)
            throw FileError(path: path, problem: "\(width)x\(height) is too large for a digit image")
        }
        image.format = png_uint_32(PNG_FORMAT_GA)
        var ga = [UInt8](repeating: 0, count: width * height * 2)
        guard ga.withUnsafeMutableBytes({ png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }) != 0 else { throw failure() }
        return composite(grayAlpha: ga, width: width, height: height)
    }

    /// Flattens gray+alpha: transparent pixels become white when the opaque ones are mostly
    /// dark (ink on a transparent page), black when they are mostly light.
    static func composite(grayAlpha ga: [UInt8], width: Int, height: Int) -> GrayImage {
        var weighted = 0, alpha = 0
        for i in 0..<width * height {
            weighted += Int(ga[2 * i]) * Int(ga[2 * i + 1])
            alpha += Int(ga[2 * i + 1])
        }
        let ground = alpha > 0 && weighted / alpha > 127 ? 0 : 255
        let pixels = (0..<width * height).map { i in
            let g = Int(ga[2 * i]), a = Int(ga[2 * i + 1])
            return UInt8((g * a + ground * (255 - a) + 127) / 255)
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    /// Netpbm's gray format: "P5" or "P2", width, height, maxval (whitespace and # comments
    /// between), then the samples: binary bytes (big-endian pairs when maxval > 255) or text.
    static func decodePGM(_ bytes: [UInt8], path: String) throws -> GrayImage {
        func fail(_ problem: String) -> FileError { FileError(path: path, problem: "bad PGM: \(problem)") }
        let plain = bytes[1] == 0x32
        var i = 2
        func skipSpace() {
            while i < bytes.count {
                if bytes[i] == 0x23 { while i < bytes.count && bytes[i] != 0x0A { i += 1 } }
                else if [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 } else { break }
            }
        }
        func number(_ what: String) throws -> Int {
            skipSpace()
            var value = 0, digits = 0
            while i < bytes.count, (0x30...0x39).contains(bytes[i]), digits < 9 {
                value = value * 10 + Int(bytes[i] - 0x30)
                i += 1
                digits += 1
            }
            guard digits > 0 else { throw fail("expected the \(what), found \(i < bytes.count ? "byte \(bytes[i])" : "the end of the file")") }
            return value
        }
        let width = try number("width"), height = try number("height"), maxval = try number("maximum value")
        guard width > 0, height > 0, width * height <= 1 << 26 else { throw fail("size \(width)x\(height)") }
        guard (1...65535).contains(maxval) else { throw fail("maximum value \(maxval) is outside 1...65535") }
        let count = width * height
        var samples = [Int]()
        samples.reserveCapacity(count)
        if plain {
            for _ in 0..<count { samples.append(try number("sample \(samples.count) of \(count)")) }
        } else {
            i += 1 // the single whitespace byte after maxval
            let size = maxval > 255 ? 2 : 1
            guard bytes.count - i >= count * size else {
                throw fail("truncated: \(width)x\(height) needs \(count * size) bytes of samples, the file has \(max(0, bytes.count - i))")
            }
            for k in 0..<count {
                samples.append(size == 1 ? Int(bytes[i + k]) : Int(bytes[i + 2 * k]) << 8 | Int(bytes[i + 2 * k + 1]))
            }
        }
        guard let over = samples.first(where: { $0 > maxval }) else {
            return GrayImage(width: width, height: height, pixels: samples.map { UInt8(($0 * 255 + maxval / 2) / maxval) })
        }
        throw fail("sample \(over) is above the maximum value \(maxval)")
    }
}

/// libpng's message for a failed simplified-API call; frees the image's resources.
func freeingWithMessage(_ image: inout png_image) -> String {
    let message = withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    png_image_free(&image)
    return message
}
