import Foundation
import Testing
@testable import LeNet

@Suite struct SafetensorsTests {
    @Test func layoutIsTheSafetensorsFormat() throws {
        let file = Safetensors(metadata: ["k": "v"], tensors: ["b": ([2], [1, 2]), "a": ([1, 1], [-0.5])])
        let data = try file.serialized()
        let n = Int(data.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        #expect((8 + n) % 8 == 0, "data starts 8-byte aligned")
        let header = try JSONSerialization.jsonObject(with: data[8..<8 + n]) as! [String: Any]
        #expect((header["__metadata__"] as! [String: String]) == ["k": "v"])
        #expect((header["a"] as! [String: Any])["data_offsets"] as! [Int] == [0, 4])
        #expect((header["b"] as! [String: Any])["data_offsets"] as! [Int] == [4, 12])
        #expect(Array(data[8 + n..<8 + n + 4]) == [0, 0, 0, 0xBF], "-0.5 little-endian")
        #expect(try Safetensors(parsing: data, path: "t") == file)
    }
}
