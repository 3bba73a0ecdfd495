// Structured selections: triangles (tril/triu, the causal mask), `where` / masked_fill, and
// diagonals (diag, trace). Triangles and diagonals act on the last two axes, batched over the
// rest. (`eye` lives in Creation.swift.)

// MARK: - Triangles

extension Tensor {
    /// The lower triangle of the last two axes: elements with `col - row <= diagonal` are
    /// kept, the rest are zero (`diagonal` > 0 keeps diagonals above the main one).
    public func tril(diagonal k: Int = 0) throws -> Tensor {
        try triangle(lower: true, k, op: "tril")
    }

    /// The upper triangle of the last two axes: elements with `col - row >= diagonal` are kept.
    public func triu(diagonal k: Int = 0) throws -> Tensor {
        try triangle(lower: false, k, op: "triu")
    }

    private func triangle(lower: Bool, _ k: Int, op: String) throws -> Tensor {
        guard rank >= 2 else {
            throw TensorError(.shape, op: op, "needs a tensor of rank 2 or more, got shape \(TensorError.show(shape))")
        }
        let out = copied()
        let rows = shape[rank - 2], cols = shape[rank - 1]
        let matrices = rows * cols == 0 ? 0 : count / (rows * cols)
        let w = dtype.byteWidth
        // Clamp so that huge offsets cannot overflow the column arithmetic.
        let kk = Swift.max(-rows - 1, Swift.min(k, cols + 1))
        for m in 0..<matrices {
            for i in 0..<rows {
                let row = out.storage.base + ((m * rows + i) * cols) * w
                // Zero the columns outside the triangle: j > i + k (lower) or j < i + k (upper).
                let lo = lower ? Swift.max(0, i + kk + 1) : 0
                let hi = lower ? cols : Swift.min(cols, Swift.max(0, i + kk))
                if lo < hi { (row + lo * w).initializeMemory(as: UInt8.self, repeating: 0, count: (hi - lo) * w) }
            }
        }
        return out
    }

    /// The `[t, t]` boolean mask of causal attention: true where key position `j <= i`
    /// (query `i` may attend to itself and the past).
    public static func causalMask(_ t: Int) throws -> Tensor {
        guard t >= 0 else { throw TensorError(.value, op: "causal_mask", "size must be non-negative, got \(t)") }
        return try Tensor.ones([t, t], dtype: .bool).tril()
    }
}

// MARK: - where / masked_fill

extension Tensor {
    /// Elementwise `cond ? a : b` with all three broadcast together; `a` and `b` are promoted
    /// to a common dtype. `cond` is read by truthiness (nonzero is true).
    public static func `where`(_ cond: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let ab = try Shape.broadcast(a.shape, b.shape, op: "where")
        let shape = try Shape.broadcast(cond.shape, ab, op: "where")
        let dtype = DType.promote(a.dtype, b.dtype)
        let c = cond.cast(to: .bool), x = a.cast(to: dtype), y = b.cast(to: dtype)
        let out = try Tensor.uninitialized(shape, dtype: dtype, op: "where")
        switch dtype {
        case .float32: selectLoop(c, x, y, out, Float.self)
        case .float64: selectLoop(c, x, y, out, Double.self)
        case .int64: selectLoop(c, x, y, out, Int.self)
        case .bool: selectLoop(c, x, y, out, UInt8.self)
        }
        return out
    }

    /// This tensor with `value` wherever `mask` is true (the mask broadcasts; e.g. a `[T, T]`
    /// causal mask over `[B, H, T, T]` attention scores).
    public func maskedFill(_ mask: Tensor, with value: Double) throws -> Tensor {
        // `Tensor(scalar:)` would store 0 for a value with no int64 value.
        if dtype == .int64 && !fitsInt64(value) {
            throw TensorError(.value, op: "masked_fill", "cannot fill an int64 tensor with \(Tensor.describe(value)): it has no int64 value",
                              hint: "cast x to a float dtype first")
        }
        return try Tensor.where(mask, Tensor(scalar: value, dtype: dtype), self)
    }
}

/// The three-way broadcast loop of `where`: dense output, the innermost axis a plain loop.
private func selectLoop<T>(_ c: Tensor, _ a: Tensor, _ b: Tensor, _ out: Tensor, _: T.Type) {
    let shape = out.shape, rank = shape.count
    if out.count == 0 { return }
    let pc = c.pointer(UInt8.self), pa = a.pointer(T.self), pb = b.pointer(T.self), po = out.pointer(T.self)
    if rank == 0 { po.pointee = pc.pointee != 0 ? pa.pointee : pb.pointee; return }
    let sc = Shape.broadcastStrides(c.shape, c.strides, to: shape)
    let sa = Shape.broadcastStrides(a.shape, a.strides, to: shape)
    let sb = Shape.broadcastStrides(b.shape, b.strides, to: shape)
    let walk = RowWalk(shape, sc, sa, sb)
    let inner = walk.inner, ic = sc[rank - 1], ia = sa[rank - 1], ib = sb[rank - 1]
    walk.forEachRow { row, oc, oa, ob in
        let qc = pc + oc, qa = pa + oa, qb = pb + ob, qo = po + row * inner
        for j in 0..<inner { qo[j] = qc[j * ic] != 0 ? qa[j * ia] : qb[j * ib] }
    }
}

// MARK: - Diagonals

extension Tensor {
    /// For a vector: the square matrix with it on diagonal `offset` (> 0 above the main one).
    /// For rank ≥ 2: diagonal `offset` of the last two axes, batched over the rest (a view).
    public func diag(offset k: Int = 0) throws -> Tensor {
        switch rank {
        case 0:
            throw TensorError(.shape, op: "diag", "needs a vector or a matrix, got a scalar")
        case 1:
            let n = shape[0]
            let m = try checkedSum(n, k.magnitude, op: "diag")
            let out = try Tensor.zeros([m, m], dtype: dtype)
            if n > 0 { StridedAssign.copy(self, into: out.diagonalView(k)) }
            return out
        default:
            return diagonalView(k)
        }
    }

    /// A copy with diagonal `offset` of the last two axes replaced by `values` (broadcast to
    /// the diagonal's shape, `batch + [length]`).
    public func settingDiagonal(_ values: Tensor, offset k: Int = 0) throws -> Tensor {
        guard rank >= 2 else {
            throw TensorError(.shape, op: "set_diagonal", "needs a tensor of rank 2 or more, got shape \(TensorError.show(shape))")
        }
        let out = copied()
        let view = out.diagonalView(k)
        let src = try values.cast(to: dtype).expanded(to: view.shape)
        StridedAssign.copy(src, into: view)
        return out
    }

    /// Sum of the main diagonal of the last two axes (a scalar for a matrix, batched otherwise).
    public func trace() throws -> Tensor {
        guard rank >= 2 else {
            throw TensorError(.shape, op: "trace", "needs a matrix (rank 2 or more), got shape \(TensorError.show(shape))")
        }
        return try diagonalView(0).sum(axes: [-1])
    }

    /// Diagonal `k` of the last two axes as a view: shape `batch + [length]`.
    func diagonalView(_ k: Int) -> Tensor {
        let r = rank
        let rows = shape[r - 2], cols = shape[r - 1], rs = strides[r - 2], cs = strides[r - 1]
        let len: Int
        var off = offset
        if k >= 0 {
            len = k >= cols ? 0 : Swift.max(0, Swift.min(rows, cols - k))
            if len > 0 { off += k * cs }
        } else {
            len = k <= -rows ? 0 : Swift.max(0, Swift.min(rows + k, cols))
            if len > 0 { off += -k * rs }
        }
        return Tensor(storage: storage, dtype: dtype, shape: Array(shape.dropLast(2)) + [len],
                      strides: Array(strides.dropLast(2)) + [rs + cs], offset: off)
    }
}

/// `a + b`, or a size error instead of an overflow trap.
private func checkedSum(_ a: Int, _ b: UInt, op: String) throws -> Int {
    guard b <= UInt(Int.max) else { throw TensorError(.size, op: op, "offset too large") }
    let (s, overflow) = a.addingReportingOverflow(Int(b))
    guard !overflow else { throw TensorError(.size, op: op, "offset too large") }
    return s
}
