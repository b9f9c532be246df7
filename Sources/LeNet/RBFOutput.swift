/// LeNet-5's output layer (LeCun et al. 1998, Section II-B, Fig. 3): ten Euclidean radial basis
/// function units, one per class, each measuring the squared distance between F6's 84 outputs
/// and a fixed prototype, a 7x12 stylized bitmap of its digit (+1 ink, -1 background):
///
///     y[i] = Σ_j (x[j] - w[i,j])²
///
/// The prototypes are not trained; the model file keeps them (`output.prototypes [10, 84]`)
/// so another framework can load them as a buffer.
public struct RBFOutput: LayerDescription {
    public let name: String
    public let inputShape: FeatureShape

    public init(name: String = "output", input: FeatureShape) {
        precondition(input.count == Self.bitmapWidth * Self.bitmapHeight, "the RBF prototypes are 7x12 = 84 values")
        self.name = name
        inputShape = input
    }

    public var outputShape: FeatureShape { FeatureShape(channels: Self.bitmaps.count) }
    var inputs: Int { inputShape.count }
    var outputs: Int { Self.bitmaps.count }

    public var parameterTensors: [ParameterTensor] {
        [ParameterTensor(name: "\(name).prototypes", shape: [outputs, inputs], trainableCount: 0, isBias: false)]
    }

    /// One per prototype entry: the paper's 840.
    public var connections: Int { outputs * inputs }

    public func initialize(_ p: UnsafeMutableBufferPointer<Double>, scheme: Initialization, using rng: inout SplitMix64) {
        for (i, value) in Self.prototypes.enumerated() { p[i] = value }
    }

    /// The ten distances side by side in one vector (the prototypes transposed, lanes 10-15
    /// unused): each lane sums its prototype's terms in j order as a scalar loop would, so the
    /// bits are the scalar sums', without ten dependent chains of 84 adds one after another.
    func forward<S: NetworkScalar>(parameters: UnsafePointer<S>, input: UnsafePointer<S>, output: UnsafeMutablePointer<S>, batch: Int) {
        withUnsafeTemporaryAllocation(of: SIMD16<S>.self, capacity: inputs) { columns in
            let lanes = UnsafeMutableRawPointer(columns.baseAddress!).assumingMemoryBound(to: S.self)  // [inputs, 16]
            for j in 0..<inputs {
                for i in 0..<16 { lanes[j * 16 + i] = i < outputs ? parameters[i * inputs + j] : 0 }
            }
            for b in 0..<batch {
                let x = input + b * inputs
                var sum = SIMD16<S>.zero
                for j in 0..<inputs {
                    let d = SIMD16(repeating: x[j]) - columns[j]
                    sum += d * d
                }
                for i in 0..<outputs { output[b * outputs + i] = sum[i] }
            }
        }
    }

    /// dx[j] = Σ_i 2 (x[j] - w[i,j]) · g[i]
    func backward<S: NetworkScalar>(
        parameters: UnsafePointer<S>, input: UnsafePointer<S>, outputGradient: UnsafePointer<S>,
        inputGradient: UnsafeMutablePointer<S>?, batch: Int
    ) {
        guard let dx = inputGradient else { return }
        for b in 0..<batch {
            let x = input + b * inputs, d = dx + b * inputs, g = outputGradient + b * outputs
            d.update(repeating: 0, count: inputs)
            for i in 0..<outputs {
                let w = parameters + i * inputs
                for j in 0..<inputs { d[j] += 2 * (x[j] - w[j]) * g[i] }
            }
        }
    }

    /// d²E/dx[j]² = Σ_i (dy_i/dx_j)² d²E/dy_i² + Σ_i (d²y_i/dx_j²) dE/dy_i
    ///            = Σ_i 4 (x[j] - w[i,j])² c[i] + 2 Σ_i g[i].
    /// The second term is what Gauss-Newton would drop elsewhere; here it is the curvature of the
    /// squared distance to the correct prototype, the bulk of the criterion, and it is never
    /// negative under the MAP loss (Σ_i dE/dy_i = e^{-j} / (e^{-j} + Σ_k e^{-y_k}) ≥ 0).
    /// Without it the steps of F6 and below are orders of magnitude too large.
    func backwardCurvature<S: NetworkScalar>(
        parameters: UnsafePointer<S>, input: UnsafePointer<S>, outputGradient: UnsafePointer<S>,
        outputCurvature: UnsafePointer<S>, inputCurvature: UnsafeMutablePointer<S>?, batch: Int
    ) {
        guard let dx = inputCurvature else { return }
        for b in 0..<batch {
            let x = input + b * inputs, d = dx + b * inputs
            let g = outputGradient + b * outputs, c = outputCurvature + b * outputs
            var gradientSum = S.zero
            for i in 0..<outputs { gradientSum += g[i] }
            d.update(repeating: 2 * gradientSum, count: inputs)
            for i in 0..<outputs {
                let w = parameters + i * inputs
                for j in 0..<inputs {
                    let f = 2 * (x[j] - w[j])
                    d[j] += f * f * c[i]
                }
            }
        }
    }

    public static let bitmapWidth = 7
    public static let bitmapHeight = 12

    /// The ten prototypes, row-major, +1 for `X`, -1 for `.`.
    public static let prototypes: [Double] = bitmaps.flatMap { rows in
        rows.flatMap { row in row.map { $0 == "X" ? 1.0 : -1.0 } }
    }

    /// The stylized digits of Fig. 3, drawn on 7x12 grids.
    public static let bitmaps: [[String]] = [
        [".......", "..XXX..", ".X...X.", "X.....X", "X.....X", "X.....X",
         "X.....X", "X.....X", "X.....X", ".X...X.", "..XXX..", "......."],  // 0
        [".......", "...X...", "..XX...", ".X.X...", "...X...", "...X...",
         "...X...", "...X...", "...X...", "...X...", ".XXXXX.", "......."],  // 1
        [".......", ".XXXXX.", "X.....X", "......X", "......X", ".....X.",
         "...XX..", "..X....", ".X.....", "X......", "XXXXXXX", "......."],  // 2
        ["XXXXXXX", ".....X.", "....X..", "...X...", "..XXX..", ".....X.",
         "......X", "......X", "......X", "X.....X", ".XXXXX.", "......."],  // 3
        [".......", "....X..", "...XX..", "..X.X..", ".X..X..", "X...X..",
         "X...X..", "XXXXXXX", "....X..", "....X..", "....X..", "......."],  // 4
        [".......", "XXXXXXX", "X......", "X......", "XXXXXX.", "......X",
         "......X", "......X", "......X", "X.....X", ".XXXXX.", "......."],  // 5
        [".......", "...XXX.", "..X....", ".X.....", "X......", "XXXXXX.",
         "X.....X", "X.....X", "X.....X", "X.....X", ".XXXXX.", "......."],  // 6
        ["XXXXXXX", "......X", ".....X.", "....X..", "...X...", "..X....",
         "..X....", ".X.....", ".X.....", ".X.....", ".X.....", "......."],  // 7
        [".......", ".XXXXX.", "X.....X", "X.....X", "X.....X", ".XXXXX.",
         "X.....X", "X.....X", "X.....X", "X.....X", ".XXXXX.", "......."],  // 8
        [".......", ".XXXXX.", "X.....X", "X.....X", "X.....X", "X.....X",
         ".XXXXXX", "......X", ".....X.", "....X..", ".XXX...", "......."],  // 9
    ]
}
