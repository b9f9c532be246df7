/// The training criterion at the end of a network.
public enum Loss: Sendable, Hashable, Codable {
    /// LeCun et al. 1998, eq. (9), over RBF outputs (penalties): lower is better.
    case map(MAPLoss)
    /// Softmax cross-entropy over scores (logits): higher is better.
    case softmaxCrossEntropy
    /// Squared distance of squashed outputs to ±1 targets (the paper's fully connected
    /// baselines, see ``MeanSquaredError``): higher is better.
    case meanSquared

    /// The loss of one sample; writes dE/d(output) into `gradient` when given.
    func evaluate<S: NetworkScalar>(output: UnsafePointer<S>, classes: Int, label: Int, gradient: UnsafeMutablePointer<S>?) -> S {
        switch self {
        case .map(let l): return l.evaluate(penalties: output, classes: classes, label: label, gradient: gradient)
        case .softmaxCrossEntropy: return SoftmaxCrossEntropy.evaluate(logits: output, classes: classes, label: label, gradient: gradient)
        case .meanSquared: return MeanSquaredError.evaluate(outputs: output, classes: classes, label: label, gradient: gradient)
        }
    }

    /// The diagonal second derivatives d²E/d(output)² of one sample (see each loss for its approximation).
    func curvature<S: NetworkScalar>(output: UnsafePointer<S>, classes: Int, label: Int, into curvature: UnsafeMutablePointer<S>) {
        if case .meanSquared = self { return curvature.update(repeating: S(MeanSquaredError.curvature), count: classes) }
        let q = UnsafeMutablePointer<S>.allocate(capacity: classes)
        defer { q.deallocate() }
        posteriors(output: output, classes: classes, into: q)
        for i in 0..<classes { curvature[i] = q[i] * (1 - q[i]) }
    }

    /// The class the network picks: the smallest penalty, or the largest score.
    public func predict<S: NetworkScalar>(_ output: UnsafePointer<S>, classes: Int) -> Int {
        let sign: S = if case .map = self { -1 } else { 1 }
        var best = 0
        for i in 1..<classes where sign * output[i] > sign * output[best] { best = i }
        return best
    }

    /// The criterion's posteriors q_i: softmax of the scores, or, for MAP, e^{-y_i} over
    /// e^{-j} + Σ e^{-y}, which keep the rest for the "none of these" class j (the curvature
    /// above is built on them).
    func posteriors<S: NetworkScalar>(output: UnsafePointer<S>, classes: Int, into p: UnsafeMutablePointer<S>) {
        switch self {
        case .map(let l): l.posteriors(penalties: output, classes: classes, into: p)
        case .softmaxCrossEntropy, .meanSquared: SoftmaxCrossEntropy.softmax(output, classes: classes, into: p)
        }
    }

    /// How likely each class is, given that the input is one of them: softmax of the scores, or
    /// of the negated penalties for MAP. Unlike ``posteriors``, these sum to 1: a trained
    /// LeNet-5's penalties are large enough that the criterion gives j nearly all the mass.
    public func probabilities<S: NetworkScalar>(output: UnsafePointer<S>, classes: Int, into p: UnsafeMutablePointer<S>) {
        switch self {
        case .map:
            let negated = UnsafeMutablePointer<S>.allocate(capacity: classes)
            defer { negated.deallocate() }
            for i in 0..<classes { negated[i] = -output[i] }
            SoftmaxCrossEntropy.softmax(negated, classes: classes, into: p)
        case .softmaxCrossEntropy, .meanSquared: SoftmaxCrossEntropy.softmax(output, classes: classes, into: p)
        }
    }
}
