import Testing
@testable import LeNetImages

@Suite struct LinePlotTests {
    @Test func axesEndAtRoundNumbers() {
        #expect(LinePlot.roundedRange(3.43) == (5, 1))
        #expect(LinePlot.roundedRange(0.8) == (1, 0.2))
        #expect(LinePlot.roundedRange(12) == (20, 5))
        #expect(LinePlot.roundedRange(90.3) == (100, 20))
        #expect(LinePlot.roundedRange(2) == (2, 0.5))
    }

    @Test func seriesAreDrawnInTheirColoursWithinThePlot() {
        let plot = LinePlot(title: "T", xLabel: "X", yLabel: "Y",
                            series: [.init(name: "A", points: [(0, 0), (10, 10)]), .init(name: "B", points: [(0, 5), (10, 5)])],
                            xTicks: [0, 5, 10])
        let canvas = plot.render(width: 400, height: 300)
        func colours() -> Set<[UInt8]> {
            Set(stride(from: 0, to: canvas.pixels.count, by: 3).map { Array(canvas.pixels[$0..<$0 + 3]) })
        }
        let seen = colours(), blue = LinePlot.palette[0], orange = LinePlot.palette[1]
        #expect(seen.contains([blue.r, blue.g, blue.b]) && seen.contains([orange.r, orange.g, orange.b]))
        // B is flat at y = 5 of an axis ending at 10: its middle point is orange, halfway up the plot.
        let bottom = 300 - 30 - 2 * Canvas.textHeight()
        let row = (0..<canvas.height).filter { y in
            let i = 3 * (y * canvas.width + 235)
            return canvas.pixels[i] == orange.r && canvas.pixels[i + 1] == orange.g && canvas.pixels[i + 2] == orange.b
        }
        #expect(!row.isEmpty && row.allSatisfy { $0 < bottom && $0 > 60 })
    }
}
