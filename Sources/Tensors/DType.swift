import RealModule

/// The element type of a tensor, chosen at run time.
///
/// Floating tensors are `float32` (the default, as in PyTorch) or `float64`. Integer tensors
/// (`int64`) hold indices and tokens; `bool` tensors hold masks (one byte per element).
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32, float64, int64, bool

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .float32: return 4
        case .float64, .int64: return 8
        case .bool: return 1
        }
    }

    /// True for `float32` and `float64`.
    public var isFloating: Bool { self == .float32 || self == .float64 }

    public var description: String { rawValue }

    /// The type both operands are converted to in a binary op (NumPy-like promotion:
    /// bool < int64 < float32 < float64).
    public static func promote(_ a: DType, _ b: DType) -> DType {
        func rank(_ d: DType) -> Int {
            switch d { case .bool: 0; case .int64: 1; case .float32: 2; case .float64: 3 }
        }
        return rank(a) >= rank(b) ? a : b
    }
}

/// The floating element types kernels are generic over (`Float` and `Double`).
/// Generic kernels are specialized per type by the optimizer, so there is no dynamic dispatch
/// per element.
public protocol FloatElement: BinaryFloatingPoint, Real, Sendable where Self.RawSignificand: FixedWidthInteger {
    static var dtype: DType { get }
}

extension Float: FloatElement {
    public static var dtype: DType { .float32 }
}

extension Double: FloatElement {
    public static var dtype: DType { .float64 }
}
