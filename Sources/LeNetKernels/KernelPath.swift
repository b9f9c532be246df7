import Foundation
import LeNetAVX2Kernels

/// Which implementation the kernels run.
///
/// The package passes no compiler flags (`unsafeFlags` would stop it being a URL dependency),
/// so Swift code here is compiled for baseline x86-64: SSE2, no FMA. The AVX2 + FMA kernels
/// are C functions carrying `__attribute__((target("avx2,fma")))` in the `LeNetAVX2Kernels`
/// target, called only after a runtime CPU check. Every public kernel takes a `path`, defaulting
/// to ``best``, so the tests can hold every implementation to the naive references on the same
/// machine.
public enum KernelPath: String, Sendable, CaseIterable {
    /// The AVX2 kernels, with the batch convolutions (most of a minibatch's arithmetic) in
    /// 512-bit AVX-512 vectors of 16 samples: on a core with two 512-bit FMA units that doubles
    /// their peak. Everything else is the AVX2 path's code.
    case avx512 = "avx512"
    /// 256-bit AVX2 with fused multiply-add (Float only; Double always takes the portable path).
    case avx2FMA = "avx2-fma"
    /// Swift `SIMD8` code the compiler lowers for the build's baseline (SSE2 on x86-64, NEON on arm64).
    case portableSIMD = "portable-simd"

    /// The first of AVX-512, AVX2 + FMA and portable that the CPU and OS support, unless the
    /// environment names an available path in `LENET_KERNELS` (for measuring one against another).
    public static let best: KernelPath = {
        if let name = ProcessInfo.processInfo.environment["LENET_KERNELS"], let path = KernelPath(rawValue: name),
           isAvailable(path) {
            return path
        }
        return allCases.first(where: isAvailable)!
    }()

    /// Whether this machine can run `path`.
    public static func isAvailable(_ path: KernelPath) -> Bool {
        switch path {
        case .avx512: lenet_avx512_available() != 0
        case .avx2FMA: lenet_avx2_fma_available() != 0
        case .portableSIMD: true
        }
    }

    /// Whether scalar type `S` takes the AVX2 kernels under `self` (the AVX-512 path included).
    @inlinable @inline(__always)
    func usesAVX2<S>(for _: S.Type) -> Bool { self != .portableSIMD && S.self == Float.self }
}

/// A pointer to `S` seen as a pointer to Float, once `usesAVX2` has established `S == Float`.
@inlinable @inline(__always)
func floats<S>(_ p: UnsafePointer<S>) -> UnsafePointer<Float> { UnsafeRawPointer(p).assumingMemoryBound(to: Float.self) }

@inlinable @inline(__always)
func floats<S>(_ p: UnsafeMutablePointer<S>) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
}

/// Runs `body` with denormal numbers (below 1.2e-38 in Float) read and produced as zero on this
/// thread (x86's FTZ and DAZ modes; elsewhere `body` runs unchanged), then restores the mode.
/// An arithmetic operation on a denormal takes about a hundred times longer on x86; training
/// makes them (Adam's second moment squares tiny gradients, dead units decay). Measured with
/// `lenet bench`: lenet5-modern trained at 6,900 images/s at batch 64 without this and 20,500
/// with it (565 and 2,600 at batch 1). PyTorch offers the same: `torch.set_flush_denormal`.
@inlinable
public func withDenormalsFlushedToZero<R>(_ body: () throws -> R) rethrows -> R {
    let mode = lenet_flush_denormals()
    defer { lenet_restore_float_mode(mode) }
    return try body()
}
