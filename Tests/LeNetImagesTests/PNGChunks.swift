import CZlib
import Foundation
import Testing
@testable import LeNetImages

/// Splits a PNG into chunks, checking the signature, every length and every CRC.
func chunks(_ png: Data) throws -> [(type: String, data: [UInt8])] {
    let bytes = [UInt8](png)
    try #require(Array(bytes.prefix(8)) == ImageFile.pngSignature)
    var result: [(String, [UInt8])] = [], i = 8
    while i < bytes.count {
        try #require(i + 12 <= bytes.count, "chunk header past the end")
        let length = bytes[i..<i + 4].reduce(0) { $0 << 8 | Int($1) }
        try #require(i + 12 + length <= bytes.count, "chunk data past the end")
        let typeAndData = Array(bytes[i + 4..<i + 8 + length])
        let stored = bytes[i + 8 + length..<i + 12 + length].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let computed = UInt32(typeAndData.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) })
        #expect(stored == computed, "CRC of \(String(decoding: typeAndData.prefix(4), as: UTF8.self))")
        result.append((String(decoding: typeAndData.prefix(4), as: UTF8.self), Array(typeAndData.dropFirst(4))))
        i += 12 + length
    }
    return result
}
