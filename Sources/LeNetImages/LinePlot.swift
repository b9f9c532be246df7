import Foundation

/// A line chart with axes, tick labels and a legend, for learning curves and robustness
/// curves. The y axis starts at 0 (error rates are compared against zero) and ends at a round
/// number above the largest value.
public struct LinePlot: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public init(name: String, points: [(x: Double, y: Double)]) {
            self.name = name
            self.points = points
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Where the x axis gets a labelled tick.
    public var xTicks: [Double]

    public init(title: String, xLabel: String, yLabel: String, series: [Series], xTicks: [Double]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xTicks = xTicks
    }

    /// Distinct on white and in gray print: blue, orange, green, red, purple, brown.
    public static let palette: [Canvas.Color] = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75)]

    public func render(width: Int = 640, height: Int = 420) -> Canvas {
        var canvas = Canvas(width: width, height: height)
        let text = Canvas.textHeight(), left = 70, right = width - 20
        canvas.draw(text: title, x: left, y: 14)
        // The legend flows in rows under the title, outside the plot, so no line hides it.
        var legend: [(x: Int, y: Int)] = [], lx = left, ly = 14 + text + 12
        for line in series {
            let w = 24 + Canvas.textWidth(line.name) + 20
            if lx + w > right, lx > left { lx = left; ly += text + 8 }
            legend.append((lx, ly))
            lx += w
        }
        let top = ly + 2 * text + 26, bottom = height - 30 - 2 * text
        canvas.draw(text: yLabel, x: 8, y: top - text - 14)

        let xs = series.flatMap { $0.points.map(\.x) } + xTicks
        let xMin = xs.min() ?? 0, xMax = max(xs.max() ?? 1, xMin + 1e-9)
        let (yMax, yStep) = Self.roundedRange(series.flatMap { $0.points.map(\.y) }.max() ?? 1)
        let px = { (x: Double) in left + Int(((x - xMin) / (xMax - xMin) * Double(right - left)).rounded()) }
        let py = { (y: Double) in bottom - Int((y / yMax * Double(bottom - top)).rounded()) }

        let grid: Canvas.Color = (225, 225, 225)
        for k in 0...Int((yMax / yStep).rounded()) {
            let y = Double(k) * yStep, label = Self.format(y)
            canvas.drawLine(from: left, py(y), to: right, py(y), color: grid, thickness: 1)
            canvas.draw(text: label, x: left - 6 - Canvas.textWidth(label), y: py(y) - text / 2)
        }
        for x in xTicks {
            let label = Self.format(x)
            canvas.drawLine(from: px(x), bottom, to: px(x), bottom + 5, color: Canvas.black, thickness: 1)
            canvas.draw(text: label, x: px(x) - Canvas.textWidth(label) / 2, y: bottom + 9)
        }
        canvas.drawLine(from: left, bottom, to: right, bottom, color: Canvas.black, thickness: 1)
        canvas.drawLine(from: left, top, to: left, bottom, color: Canvas.black, thickness: 1)
        canvas.draw(text: xLabel, x: (left + right - Canvas.textWidth(xLabel)) / 2, y: height - 8 - text)

        for (s, line) in series.enumerated() {
            let color = Self.palette[s % Self.palette.count]
            for (a, b) in zip(line.points, line.points.dropFirst()) {
                canvas.drawLine(from: px(a.x), py(a.y), to: px(b.x), py(b.y), color: color)
            }
            for p in line.points { canvas.fill(x: px(p.x) - 3, y: py(p.y) - 3, width: 7, height: 7, color: color) }
            canvas.fill(x: legend[s].x, y: legend[s].y + 5, width: 18, height: 4, color: color)
            canvas.draw(text: line.name, x: legend[s].x + 24, y: legend[s].y)
        }
        return canvas
    }

    /// An axis end at 1, 2 or 5 times a power of ten, and a step giving 4 to 10 grid lines.
    static func roundedRange(_ largest: Double) -> (end: Double, step: Double) {
        let value = max(largest, 1e-6)
        let power = pow(10, floor(log10(value)))
        for m in [1.0, 2, 5, 10] where m * power >= value {
            let step = m == 1 || m == 10 ? m * power / 5 : m * power / (m == 2 ? 4 : 5)
            return (m * power, step)
        }
        return (10 * power, 2 * power)
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: value < 0.1 ? "%.2f" : "%.1f", value)
    }
}
