import RealModule

/// The element types a ``Network`` computes in: `Float` for training and inference, `Double`
/// for the finite-difference gradient checks.
public protocol NetworkScalar: BinaryFloatingPoint, Real, SIMDScalar, Codable, Sendable {}
extension Float: NetworkScalar {}
extension Double: NetworkScalar {}
