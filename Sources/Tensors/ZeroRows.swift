/// Rows of a stack of matrices that are entirely zero.
///
/// A loss read off a few positions (the last token's logits, one entry of a regression output)
/// sends back a gradient that is zero in every other row. Matrix-product pullbacks use these
/// to multiply only the rows that carry gradient: `(G @ Bᵀ)` is zero wherever `G`'s row is, and
/// `Aᵀ @ G` takes nothing from those rows.
extension Tensor {
    /// The indices `i` along the second-to-last axis for which `self[..., i, :]` holds a
    /// nonzero (or NaN) element in some matrix of the stack, ascending; nil when more than
    /// `limit` rows do, or for tensors that are not dense float matrices. A dense tensor is
    /// rejected after scanning about `limit` rows.
    public func rowsWithNonzeros(atMost limit: Int) -> [Int]? {
        guard rank >= 2, dtype.isFloating, isContiguous else { return nil }
        let m = shape[rank - 2], n = shape[rank - 1]
        guard m > 0, n > 0 else { return [] }
        let items = count / (m * n)
        var marked = [Bool](repeating: false, count: m)
        var found = 0
        func scan<E: BinaryFloatingPoint>(_: E.Type) -> Bool {
            let p = pointer(E.self)
            for t in 0..<items {
                for i in 0..<m where !marked[i] {
                    let row = p + (t * m + i) * n
                    // `!(x == 0)` is true for NaN too.
                    var j = 0
                    while j < n && row[j] == 0 { j += 1 }
                    if j < n {
                        marked[i] = true
                        found += 1
                        if found > limit { return false }
                    }
                }
            }
            return true
        }
        let sparse = dtype == .float32 ? scan(Float.self) : scan(Double.self)
        return sparse ? marked.indices.filter { marked[$0] } : nil
    }

    /// `self[..., rows, :]`: the given rows of every matrix of the stack (a view when they are
    /// consecutive).
    public func selectingRows(_ rows: [Int]) throws -> Tensor {
        let axis = rank - 2
        if let first = rows.first, rows.last == first + rows.count - 1 {
            return narrowView(axis: axis, start: first, count: rows.count)
        }
        return try indexSelect(axis: axis, index: Tensor(ints: rows, shape: [rows.count]))
    }

    /// A stack of matrices with `m` rows that is zero except `self[..., j, :]` at row
    /// `rows[j]` (the adjoint of `selectingRows`).
    public func placingRows(_ rows: [Int], inMatricesOf m: Int) -> Tensor {
        var outShape = shape
        outShape[rank - 2] = m
        let out = Tensor.uncheckedEmpty(outShape, count: Shape.count(outShape), dtype: dtype)
        out.fillZero()
        let part = contiguous()
        let n = shape[rank - 1], r = rows.count
        let items = r * n == 0 ? 0 : part.count / (r * n)
        func place<E>(_: E.Type) {
            let src = part.pointer(E.self), dst = out.pointer(E.self)
            for t in 0..<items {
                for (j, i) in rows.enumerated() {
                    (dst + (t * m + i) * n).update(from: src + (t * r + j) * n, count: n)
                }
            }
        }
        switch dtype {
        case .float32: place(Float.self)
        case .float64: place(Double.self)
        case .int64: place(Int.self)
        case .bool: place(UInt8.self)
        }
        return out
    }
}
