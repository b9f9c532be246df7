/// SplitMix64: a small, fast generator whose whole state is one integer, so the same seed
/// gives the same initial weights and the same sample order on every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for one purpose of one run (initialisation, epoch `n`'s order, ...), so
    /// resuming at epoch `n` needs no saved generator state.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15))
        state = mixer.next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [-limit, limit].
    public mutating func uniform(_ limit: Double) -> Double {
        (Double(next() >> 11) / Double(1 << 53) * 2 - 1) * limit
    }
}
