import CPNG
import Foundation
import LeNet

/// Writing PNG files (8-bit gray or RGB) through libpng's simplified API, which compresses
/// with the system zlib and writes every chunk's CRC.
public enum PNGWriter {
    public enum Color: Sendable {
        case gray
        case rgb

        var channels: Int { self == .gray ? 1 : 3 }
    }

    /// PNG bytes for `pixels`: `height` rows of `width` values (gray) or RGB triples.
    public static func encode(_ pixels: [UInt8], width: Int, height: Int, color: Color) throws -> Data {
        precondition(pixels.count == width * height * color.channels, "\(pixels.count) bytes for \(width)x\(height) \(color)")
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = color == .gray ? png_uint_32(PNG_FORMAT_GRAY) : png_uint_32(PNG_FORMAT_FLAG_COLOR) // RGB: colour, no alpha
        var size: png_alloc_size_t = 0
        // First call measures, second writes.
        guard pixels.withUnsafeBytes({ png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, 0, nil) }) != 0 else {
            throw failure(&image)
        }
        var data = Data(count: Int(size))
        let written = data.withUnsafeMutableBytes { out in
            pixels.withUnsafeBytes { png_image_write_to_memory(&image, out.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
        }
        guard written != 0 else { throw failure(&image) }
        return data.prefix(Int(size))
    }

    /// Encodes and writes atomically (a temporary file renamed into place).
    public static func write(_ pixels: [UInt8], width: Int, height: Int, color: Color, to path: String) throws {
        do {
            try writeAtomically(try encode(pixels, width: width, height: height, color: color), to: path)
        } catch let error as PNGError {
            throw FileError(path: path, problem: error.message)
        }
    }

    struct PNGError: Error { var message: String }

    private static func failure(_ image: inout png_image) -> PNGError {
        PNGError(message: "cannot encode PNG: \(freeingWithMessage(&image))")
    }
}
