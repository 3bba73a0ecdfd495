extension Tensor {
    /// A tensor of `shape` with every element `value`.
    public static func full(_ value: Double, shape: [Int], dtype: DType = DefaultDType.float) throws -> Tensor {
        let out = try Tensor.uninitialized(shape, dtype: dtype, op: "full")
        let n = out.count
        switch dtype {
        case .float32: out.pointer(Float.self).update(repeating: Float(value), count: n)
        case .float64: out.pointer(Double.self).update(repeating: value, count: n)
        case .int64: out.pointer(Int.self).update(repeating: value.isFinite ? Int(value) : 0, count: n)
        case .bool: out.pointer(UInt8.self).update(repeating: value != 0 ? 1 : 0, count: n)
        }
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
        let n = max(0, Int(((end - start) / step).rounded(.up)))
        let isInt = start == start.rounded() && step == step.rounded()
        let dt = dtype ?? (isInt ? .int64 : DefaultDType.float)
        let out = try Tensor.uninitialized([n], dtype: dt, op: "arange")
        switch dt {
        case .float32: let p = out.pointer(Float.self); for i in 0..<n { p[i] = Float(start + Double(i) * step) }
        case .float64: let p = out.pointer(Double.self); for i in 0..<n { p[i] = start + Double(i) * step }
        case .int64: let p = out.pointer(Int.self); for i in 0..<n { p[i] = Int(start) + i * Int(step) }
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
