/// Shape arithmetic shared by every op: counts, strides, broadcasting, axis normalization.
public enum Shape {
    /// Product of the dimensions (1 for a scalar).
    @inline(__always)
    public static func count(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape { n &*= d }
        return n
    }

    /// Row-major strides for a dense tensor of `shape`.
    @inline(__always)
    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var s = 1
        var i = shape.count - 1
        while i >= 0 {
            strides[i] = s
            s &*= shape[i]
            i -= 1
        }
        return strides
    }

    /// The element count of `shape`, checked: no negative dimension, no overflow, within
    /// `TensorLimits.maxBytes` and within what `MemoryBudget` has left.
    public static func checkedCount(_ shape: [Int], dtype: DType, op: String) throws -> Int {
        guard shape.count <= TensorLimits.maxRank else {
            throw TensorError(.size, op: op, "rank \(shape.count) exceeds the limit of \(TensorLimits.maxRank)")
        }
        var n = 1
        for d in shape {
            guard d >= 0 else {
                throw TensorError(.size, op: op, "negative dimension \(d) in shape \(TensorError.show(shape))")
            }
            let (m, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow else {
                throw TensorError(.size, op: op, "shape \(TensorError.show(shape)) has too many elements")
            }
            n = m
        }
        let (bytes, overflow) = n.multipliedReportingOverflow(by: dtype.byteWidth)
        guard !overflow, bytes <= TensorLimits.maxBytes else {
            let asked = overflow ? "more than \(Int.max) bytes" : "\(bytes) bytes"
            throw TensorError(.size, op: op, "shape \(TensorError.show(shape)) asks for \(asked), over the limit of \(TensorLimits.maxBytes) bytes",
                              hint: "use smaller sizes")
        }
        try MemoryBudget.check(bytes, shape: shape, op: op)
        return n
    }

    /// The NumPy broadcast of two shapes, or a shape error naming both.
    public static func broadcast(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
        if a == b { return a }
        let n = max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let da = i < n - a.count ? 1 : a[i - (n - a.count)]
            let db = i < n - b.count ? 1 : b[i - (n - b.count)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else {
                throw TensorError.shapeMismatch(op, a, b, "cannot be broadcast together (dimension \(da) vs \(db))",
                                                hint: "broadcasting aligns trailing dimensions; each pair must be equal or 1")
            }
        }
        return out
    }

    /// Strides that read a tensor of (`shape`, `strides`) as if it had shape `target`
    /// (leading and size-1 dimensions get stride 0). `target` must be a broadcast of `shape`.
    public static func broadcastStrides(_ shape: [Int], _ strides: [Int], to target: [Int]) -> [Int] {
        var out = [Int](repeating: 0, count: target.count)
        let lead = target.count - shape.count
        for i in 0..<shape.count where shape[i] != 1 {
            out[lead + i] = strides[i]
        }
        return out
    }

    /// Normalizes a possibly negative axis, or throws naming the rank.
    public static func axis(_ axis: Int, rank: Int, op: String) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < max(rank, 1) || (rank == 0 && a == 0) else {
            throw TensorError(.index, op: op, "axis \(axis) is out of range for a tensor of rank \(rank)")
        }
        return a
    }
}

extension Tensor {
    /// A broadcast view of this tensor with `shape` (stride 0 along expanded dimensions).
    /// Throws when the shapes are not broadcast-compatible.
    public func expanded(to target: [Int]) throws -> Tensor {
        if shape == target { return self }
        let b = try Shape.broadcast(shape, target, op: "expand")
        guard b == target else {
            throw TensorError.shapeMismatch("expand", shape, target, "do not match: cannot expand to a smaller shape")
        }
        return Tensor(storage: storage, dtype: dtype, shape: target, strides: Shape.broadcastStrides(shape, strides, to: target), offset: offset)
    }
}
