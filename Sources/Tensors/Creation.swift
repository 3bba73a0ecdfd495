extension Tensor {
    /// A tensor of `shape` with every element `value`.
    public static func full(_ value: Double, shape: [Int], dtype: DType = DefaultDType.float) throws -> Tensor {
        if dtype == .int64 && !fitsInt64(value) {
            throw TensorError(.value, op: "full", "cannot fill an int64 tensor with \(describe(value)): it has no int64 value",
                              hint: "use a float dtype for this value")
        }
        let out = try Tensor.uninitialized(shape, dtype: dtype, op: "full")
        let n = out.count
        switch dtype {
        case .float32: out.pointer(Float.self).update(repeating: Float(value), count: n)
        case .float64: out.pointer(Double.self).update(repeating: value, count: n)
        case .int64: out.pointer(Int.self).update(repeating: Int(value), count: n)  // range checked above
        case .bool: out.pointer(UInt8.self).update(repeating: value != 0 ? 1 : 0, count: n)
        }
        return out
    }

    /// An int64 tensor of `shape` with every element exactly `value` (a Double would round
    /// integers beyond 2^53).
    public static func full(int value: Int, shape: [Int]) throws -> Tensor {
        let out = try Tensor.uninitialized(shape, dtype: .int64, op: "full")
        out.pointer(Int.self).update(repeating: value, count: out.count)
        return out
    }

    /// Zeros of `shape`.
    public static func zeros(_ shape: [Int], dtype: DType = DefaultDType.float) throws -> Tensor {
        try full(0, shape: shape, dtype: dtype)
    }

    /// Ones of `shape`.
    public static func ones(_ shape: [Int], dtype: DType = DefaultDType.float) throws -> Tensor {
        try full(1, shape: shape, dtype: dtype)
    }

    /// Zeros shaped like `other`, with its dtype (floats for integer tensors).
    public static func zeros(like other: Tensor) -> Tensor {
        let dtype = other.dtype.isFloating ? other.dtype : DefaultDType.float
        let out = Tensor.uncheckedEmpty(other.shape, count: other.count, dtype: dtype)
        out.fillZero()
        return out
    }

    /// `start, start+step, ...` up to but excluding `end`. Integer when all three are integers
    /// and `dtype` is nil.
    public static func arange(_ start: Double, _ end: Double, step: Double = 1, dtype: DType? = nil) throws -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
            throw TensorError(.value, op: "arange", "step must be finite and nonzero, and bounds finite")
        }
        // The count as a Double first: it can be huge or infinite (end - start may overflow),
        // and Int(_:) would trap on it.
        let q = ((end - start) / step).rounded(.up)
        guard q < 0x1p62 else {
            throw TensorError(.size, op: "arange", "arange(\(start), \(end), step: \(step)) would have \(describe(q)) elements",
                              hint: "use a larger step or a shorter interval")
        }
        let n = q > 0 ? Int(q) : 0
        let isInt = start == start.rounded() && step == step.rounded()
        let dt = dtype ?? (isInt ? .int64 : DefaultDType.float)
        let out = try Tensor.uninitialized([n], dtype: dt, op: "arange")
        switch dt {
        case .float32: let p = out.pointer(Float.self); for i in 0..<n { p[i] = Float(start + Double(i) * step) }
        case .float64: let p = out.pointer(Double.self); for i in 0..<n { p[i] = start + Double(i) * step }
        case .int64:
            guard fitsInt64(start), fitsInt64(step) else {
                throw TensorError(.value, op: "arange", "int64 arange bounds must fit in int64, got start \(start) and step \(step)",
                                  hint: "use a float dtype")
            }
            let p = out.pointer(Int.self), s0 = Int(start), ds = Int(step)
            for i in 0..<n {
                let (offset, o1) = i.multipliedReportingOverflow(by: ds)
                let (v, o2) = s0.addingReportingOverflow(offset)
                guard !o1, !o2 else {
                    throw TensorError(.value, op: "arange", "integer overflow: element \(i) of arange(\(s0), step: \(ds)) does not fit in int64",
                                      hint: "use a float dtype")
                }
                p[i] = v
            }
        case .bool: let p = out.pointer(UInt8.self); for i in 0..<n { p[i] = start + Double(i) * step != 0 ? 1 : 0 }
        }
        return out
    }

    /// `count` evenly spaced values from `start` to `end` inclusive.
    public static func linspace(_ start: Double, _ end: Double, count: Int, dtype: DType = DefaultDType.float) throws -> Tensor {
        guard count >= 0 else { throw TensorError(.value, op: "linspace", "count must be non-negative, got \(count)") }
        let step = count > 1 ? (end - start) / Double(count - 1) : 0
        return try Tensor((0..<count).map { start + Double($0) * step }, shape: [count], dtype: dtype)
    }

    /// The `n x m` identity (ones on the diagonal).
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = DefaultDType.float) throws -> Tensor {
        let cols = m ?? n
        let out = try zeros([n, cols], dtype: dtype)
        let one = try full(1, shape: [], dtype: dtype)
        for i in 0..<min(n, cols) {
            let dst = out.storage.base + (i * cols + i) * dtype.byteWidth
            dst.copyMemory(from: one.storage.base, byteCount: dtype.byteWidth)
        }
        return out
    }
}
