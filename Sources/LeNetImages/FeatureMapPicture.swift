import LeNet

/// One picture of what a network does with one digit: the input, then every stage's maps
/// (C1, S2, ... in LeNet-5's names) in rows, each map scaled to a readable size and shaded
/// from the stage's smallest value (black) to its largest (white), then the ten outputs
/// with the prediction.
public enum FeatureMapPicture {
    public static func render(input: GrayImage, stages: [FeatureMaps], prediction: Prediction, title: String) -> Canvas {
        let margin = 12, gap = 4, label = Canvas.textHeight() + 6
        // Lay out first, then draw: each row is a label and the stage's maps side by side.
        struct Row { var name: String; var zoom: Int; var maps: Int; var mapWidth: Int; var mapHeight: Int; var values: [Float] }
        var rows = [Row(name: "INPUT 28X28", zoom: 4, maps: 1, mapWidth: input.width, mapHeight: input.height,
                        values: input.pixels.map(Float.init))]
        for stage in stages {
            let s = stage.shape
            let flat = s.height == 1 && s.width == 1
            let zoom = flat ? max(4, min(16, 720 / s.channels)) : max(2, 84 / max(s.height, s.width))
            rows.append(Row(name: "\(stage.name) \(s.channels)@\(s.height)X\(s.width)", zoom: zoom, maps: flat ? 1 : s.channels,
                            mapWidth: flat ? s.channels : s.width, mapHeight: flat ? 1 : s.height, values: stage.values))
        }
        let rowWidth = { (r: Row) in r.maps * (r.mapWidth * r.zoom + gap) }
        let top = margin + Canvas.textHeight(scale: 3) + 10
        let width = max(rows.map(rowWidth).max()!, Canvas.textWidth(title, scale: 3)) + 2 * margin
        let height = top + rows.reduce(0) { $0 + label + $1.mapHeight * $1.zoom + 14 } + label + margin
        var canvas = Canvas(width: width, height: height)
        canvas.draw(text: title, x: margin, y: margin, scale: 3)
        var y = top
        for row in rows {
            let low = row.values.min() ?? 0, high = row.values.max() ?? 1
            canvas.draw(text: row.name, x: margin, y: y)
            y += label
            for m in 0..<row.maps {
                let size = row.mapWidth * row.mapHeight
                canvas.draw(map: row.values[m * size..<(m + 1) * size], mapWidth: row.mapWidth, mapHeight: row.mapHeight,
                            x: margin + m * (row.mapWidth * row.zoom + gap), y: y, zoom: row.zoom, low: low, high: high)
            }
            y += row.mapHeight * row.zoom + 14
        }
        let top3 = prediction.top(3).map { "\($0.digit) \(Int(($0.probability * 100).rounded()))%" }.joined(separator: ", ")
        canvas.draw(text: "PREDICTION \(prediction.digit)   (\(top3))", x: margin, y: y, color: (160, 0, 0))
        return canvas
    }
}
