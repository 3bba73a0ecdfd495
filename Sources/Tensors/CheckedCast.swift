/// The doubles that convert to int64 by truncation: [-2^63, 2^63). Both ends are powers of two,
/// so the comparison is exact in Float and Double; NaN fails it too.
@inline(__always)
func fitsInt64<T: BinaryFloatingPoint>(_ v: T) -> Bool {
    v >= -0x1p63 && v < 0x1p63
}

extension Tensor {
    /// `cast(to:)` that does not lose values silently: converting floats to int64 throws when
    /// an element is NaN, infinite or outside the int64 range, naming the first such element
    /// (PyTorch gives an undefined value there and NumPy a warning). Other conversions are
    /// `cast(to:)`'s. It also checks the size: a tensor under `TensorLimits.maxBytes` (or a
    /// broadcast view) can be over it in a wider dtype. `op` names the operation in the error.
    public func checkedCast(to target: DType, op: String = "cast") throws -> Tensor {
        if target == dtype { return self }
        if target.byteWidth > dtype.byteWidth { _ = try Shape.checkedCount(shape, dtype: target, op: op) }
        if target == .int64, dtype.isFloating, let (bad, text) = firstValueOutsideInt64() {
            throw TensorError(.value, op: op, "cannot convert \(text) to int64: \(bad.isNaN ? "nan has no integer value" : "it is outside the int64 range (about ±9.22e18)")",
                              hint: "clamp or round the values first, or keep a float dtype")
        }
        return cast(to: target)
    }

    /// The first element (row-major) that does not truncate to an int64, if any, with its
    /// text in its own dtype (a float32 1e30 shows as `1e+30`, not its double expansion).
    func firstValueOutsideInt64() -> (Double, String)? {
        let c = contiguous()
        func scan<T: FloatElement>(_: T.Type) -> (Double, String)? {
            let p = c.pointer(T.self)
            for i in 0..<c.count where !fitsInt64(p[i]) {
                let v = p[i]
                return (Double(v), v.isFinite ? "\(v)" : Tensor.describe(Double(v)))
            }
            return nil
        }
        switch dtype {
        case .float32: return scan(Float.self)
        case .float64: return scan(Double.self)
        case .int64, .bool: return nil
        }
    }

    /// A value as messages show it: `nan`, `inf`, `1e+30`.
    static func describe(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return x.description
    }
}
