import LeNet
import Testing
@testable import LeNetImages

@Suite struct KernelPictureTests {
    @Test func tableOneLeavesEmptyCells() throws {
        let network = Network<Float>(architecture: .lenet5, seed: 1)
        let picture = try KernelPicture.render(network: network, title: "k")
        // Cells are 5x5 at 8 pixels plus a gap of 6. Below the title: C1's heading and column
        // numbers, its one row of cells, a gap, then C3's heading and column numbers.
        let cell = 5 * 8 + 6, left = 12 + 30, label = Canvas.textHeight() + 8
        let c3Top = 12 + Canvas.textHeight(scale: 3) + 12 + 2 * label + cell + 16 + 2 * label
        func isWhite(_ x: Int, _ y: Int, _ w: Int, _ h: Int) -> Bool {
            (y..<y + h).allSatisfy { v in (x..<x + w).allSatisfy { u in picture.pixels[3 * (v * picture.width + u)..<3 * (v * picture.width + u) + 3].allSatisfy { $0 == 255 } } }
        }
        #expect(isWhite(left, c3Top - 4, 40, 4) && isWhite(left, c3Top + 40, 40, 6), "the gaps around C3's first row")
        #expect(!isWhite(left, c3Top, 40, 40), "C3 map 0 reads S2 map 0")
        #expect(isWhite(left + 3 * cell, c3Top, 40, 40), "C3 map 3 does not read S2 map 0")
        #expect(!isWhite(left + 15 * cell, c3Top, 40, 40), "C3 map 15 reads every S2 map")
    }

    @Test func fullyConnectedModelsHaveNoKernels() {
        #expect(throws: KernelPicture.NoKernels.self) {
            try KernelPicture.render(network: Network<Float>(architecture: .mlp(hidden: [300]), seed: 1), title: "k")
        }
    }
}
