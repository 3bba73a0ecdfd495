/// A bound of `clamp` as the user wrote it. An integer bound keeps an integer tensor integer;
/// a float bound makes it float (PyTorch's promotion: `clamp(int64, min: 0.5)` is float).
public enum ClampBound: Sendable, Equatable {
    case int(Int)
    case float(Double)

    /// True for a float bound.
    public var isFloat: Bool { if case .float = self { return true }; return false }

    /// The bound as a Double.
    public var double: Double {
        switch self {
        case .int(let n): return Double(n)
        case .float(let x): return x
        }
    }
}

extension Tensor {
    /// Limits every element to `[lo, hi]` (either bound may be nil). NaN stays NaN. Float
    /// bounds: integer tensors become the default float dtype first.
    public func clamp(min lo: Double?, max hi: Double?) -> Tensor {
        clamp(min: lo.map(ClampBound.float), max: hi.map(ClampBound.float))
    }

    /// Limits every element to `[lo, hi]` (either bound may be nil). Float tensors keep their
    /// dtype; integer and boolean tensors stay (become) int64 when no bound is a float, as
    /// `maximum` and PyTorch's `clamp` do, and the default float dtype otherwise.
    public func clamp(min lo: ClampBound?, max hi: ClampBound?) -> Tensor {
        if !dtype.isFloating, lo?.isFloat != true, hi?.isFloat != true {
            var l = Int.min, h = Int.max
            if case .int(let n) = lo { l = n }
            if case .int(let n) = hi { h = n }
            let x = cast(to: .int64)
            let out = Tensor.uncheckedEmpty(shape, count: count, dtype: .int64)
            // The same comparisons as the float kernel, so bounds with lo > hi behave alike.
            mapLoop(x, out, Int.self, Int.self) { v in v < l ? l : (v > h ? h : v) }
            return out
        }
        let x = asFloat()
        let out = Tensor.uncheckedEmpty(shape, count: count, dtype: x.dtype)
        func run<T: FloatElement>(_: T.Type) {
            let l = lo.map { T($0.double) } ?? -T.infinity, h = hi.map { T($0.double) } ?? T.infinity
            mapLoop(x, out, T.self, T.self) { v in v < l ? l : (v > h ? h : v) }
        }
        if x.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return out
    }
}
