import LeNetAVX2Kernels

/// An activation applied by the kernel that produces its input, in that kernel's own passes over
/// memory: the batch convolutions and the subsampling apply it to their outputs as they store
/// them and take its derivative, dE/da from the saved y and dE/dy, as they load their output
/// gradient. With the operations (and the bits) of ``scaledTanh(_:into:count:amplitude:slope:path:)``
/// and ``scaledTanhBackward``, or of the ReLU loops (y = a > 0 ? a : 0, dE/da = y > 0 ? dE/dy : 0,
/// y > 0 exactly where a > 0).
public struct FusedActivation: Sendable, Hashable {
    public enum Function: Sendable, Hashable {
        /// y = A tanh(S a), LeNet's squashing.
        case scaledTanh(amplitude: Float, slope: Float)
        case relu
    }

    public var function: Function

    public init(_ function: Function) { self.function = function }

    @usableFromInline var c: lenet_activation {
        switch function {
        case .scaledTanh(let amplitude, let slope): lenet_activation(kind: Int32(LENET_SCALED_TANH), amplitude: amplitude, slope: slope)
        case .relu: lenet_activation(kind: Int32(LENET_RELU), amplitude: 0, slope: 0)
        }
    }

    /// y = f(a) in place, for the paths that do not fuse it.
    @inlinable func apply(_ values: UnsafeMutablePointer<Float>, count: Int, path: KernelPath) {
        switch function {
        case .scaledTanh(let amplitude, let slope):
            scaledTanh(values, into: values, count: count, amplitude: amplitude, slope: slope, path: path)
        case .relu:
            relu(values, into: values, count: count)
        }
    }

    /// dE/dy -> dE/da in place, from the saved y, for the paths that do not fuse it.
    @inlinable func differentiate(
        _ gradient: UnsafeMutablePointer<Float>, activated y: UnsafePointer<Float>, count: Int, path: KernelPath
    ) {
        switch function {
        case .scaledTanh(let amplitude, let slope):
            scaledTanhBackward(output: y, outputGradient: gradient, into: gradient, count: count, amplitude: amplitude,
                               slope: slope, squared: false, path: path)
        case .relu:
            reluBackward(output: y, outputGradient: gradient, into: gradient, count: count)
        }
    }
}

extension Optional where Wrapped == FusedActivation {
    /// `body` with the activation as the C kernels take it: its `lenet_activation`, or NULL for none.
    @inlinable func withCPointer<R>(_ body: (UnsafePointer<lenet_activation>?) -> R) -> R {
        switch self {
        case .some(let f): withUnsafePointer(to: f.c) { body($0) }
        case .none: body(nil)
        }
    }
}
