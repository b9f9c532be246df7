import LeNet

/// The learned kernels of every convolution layer whose maps are larger than one value (C1 and
/// C3 in LeNet-5; C5 covers its whole input, so it is a fully connected layer in disguise).
/// Each layer is a grid laid out as the paper prints Table I: one row per input map, one
/// column per output map; a connection the table leaves out is an empty cell. Weights are
/// blue (negative) to red (positive), scaled by the layer's largest magnitude.
public enum KernelPicture {
    public struct NoKernels: Error, CustomStringConvertible {
        public let model: String
        public var description: String { "\(model) has no convolution layers, so no kernels to draw" }
    }

    public static func render(network: Network<Float>, title: String) throws -> Canvas {
        let offsets = Dictionary(uniqueKeysWithValues: network.parameterTensors.map { ($0.tensor.name, $0.offset) })
        let layers: [Convolution] = network.layers.compactMap {
            if case .convolution(let c) = $0, c.shape.outputHeight * c.shape.outputWidth > 1 { c } else { nil }
        }
        guard !layers.isEmpty else { throw NoKernels(model: network.architecture.name) }
        let parameters = network.parameters, zoom = 8, gap = 6, margin = 12, label = Canvas.textHeight() + 8
        let cell = { (c: Convolution) in c.shape.kernelSize * zoom + gap }
        let width = 2 * margin + max(30 + layers.map { $0.shape.outputChannels * cell($0) }.max()!, Canvas.textWidth(title, scale: 3),
                                     layers.map { Canvas.textWidth(heading($0, limit: 0)) }.max()!)
        let height = margin + Canvas.textHeight(scale: 3) + 12 + layers.reduce(0) { $0 + 2 * label + $1.shape.inputChannels * cell($1) + 16 }
        var canvas = Canvas(width: width, height: height)
        canvas.draw(text: title, x: margin, y: margin, scale: 3)
        var y = margin + Canvas.textHeight(scale: 3) + 12
        for layer in layers {
            let s = layer.shape, area = s.kernelSize * s.kernelSize, start = offsets["\(layer.name).weight"]!
            let weights = parameters[start..<start + s.weightCount]
            let limit = weights.map(abs).max() ?? 1
            canvas.draw(text: heading(layer, limit: limit), x: margin, y: y)
            y += label
            let left = margin + 30
            for o in 0..<s.outputChannels {
                canvas.draw(text: "\(o)", x: left + o * cell(layer), y: y)
            }
            y += label
            for i in 0..<s.inputChannels {
                canvas.draw(text: "\(i)", x: margin, y: y + i * cell(layer) + zoom * 2)
                for o in 0..<s.outputChannels where layer.table.connected[o * s.inputChannels + i] {
                    let k = weights.startIndex + (o * s.inputChannels + i) * area
                    canvas.draw(diverging: weights[k..<k + area], mapWidth: s.kernelSize, x: left + o * cell(layer),
                                y: y + i * cell(layer), zoom: zoom, limit: limit)
                }
            }
            y += s.inputChannels * cell(layer) + 16
        }
        return canvas
    }

    private static func heading(_ layer: Convolution, limit: Float) -> String {
        let s = layer.shape
        return "\(layer.name.uppercased()): \(s.outputChannels) MAPS ACROSS, \(s.inputChannels) INPUTS DOWN, \(s.kernelSize)X\(s.kernelSize), "
            + "BLUE - RED +, MAX \(String(format: "%.2f", limit))"
    }
}
