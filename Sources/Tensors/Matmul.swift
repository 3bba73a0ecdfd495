import CBLAS

extension Tensor {
    /// Matrix product with NumPy `matmul` semantics: 1-D operands are promoted to a row
    /// (left) or column (right) and the added dimension removed; operands of rank > 2 are
    /// stacks of matrices whose batch dimensions broadcast. Runs on BLAS (`sgemm`/`dgemm`);
    /// transposed views are passed to BLAS as transposes instead of being copied.
    public static func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard a.rank >= 1, b.rank >= 1 else {
            throw TensorError.shapeMismatch("matmul", a.shape, b.shape, "cannot be multiplied: matmul needs tensors of rank 1 or more",
                                            hint: "use * to multiply by a scalar")
        }
        var dtype = DType.promote(a.dtype, b.dtype)
        if !dtype.isFloating { dtype = DefaultDType.float }
        var x = a.cast(to: dtype), y = b.cast(to: dtype)
        let vecLeft = x.rank == 1, vecRight = y.rank == 1
        if vecLeft { x = x.reshapedView([1, x.shape[0]]) }
        if vecRight { y = y.reshapedView([y.shape[0], 1]) }
        let m = x.shape[x.rank - 2], k = x.shape[x.rank - 1]
        let k2 = y.shape[y.rank - 2], n = y.shape[y.rank - 1]
        guard k == k2 else {
            throw TensorError.shapeMismatch("matmul", a.shape, b.shape, "cannot be multiplied: inner dimensions \(k) and \(k2) differ",
                                            hint: a.rank == 2 && b.rank == 2 && a.shape[0] == b.shape[0] ? "did you mean a.T @ b?" : nil)
        }
        let batchA = Array(x.shape.dropLast(2)), batchB = Array(y.shape.dropLast(2))
        let batch = try Shape.broadcast(batchA, batchB, op: "matmul")
        var outShape = batch + [m, n]
        let total = try Shape.checkedCount(outShape, dtype: dtype, op: "matmul")
        // A stack times one matrix with a dense stack: fold the stack into the rows (one gemm).
        if batchB.isEmpty && !batchA.isEmpty && x.isContiguous {
            let rows = Shape.count(batchA) * m
            let out = Tensor.uncheckedEmpty(outShape, count: total, dtype: dtype)
            gemm(x.reshapedView([rows, k]), y, out, offsetA: 0, offsetB: 0, offsetC: 0, m: rows, n: n, k: k)
            return finish(out, vecLeft, vecRight)
        }
        let out = Tensor.uncheckedEmpty(outShape, count: total, dtype: dtype)
        let batchCount = Shape.count(batch)
        if batchCount > 0 && m > 0 && n > 0 {
            let xa = x.matrixStack(batch), yb = y.matrixStack(batch)
            let sa = Shape.broadcastStrides(batchA, Array(xa.strides.dropLast(2)), to: batch)
            let sb = Shape.broadcastStrides(batchB, Array(yb.strides.dropLast(2)), to: batch)
            var index = [Int](repeating: 0, count: batch.count)
            for i in 0..<batchCount {
                var oa = 0, ob = 0
                for (axis, j) in index.enumerated() { oa += j * sa[axis]; ob += j * sb[axis] }
                gemm(xa, yb, out, offsetA: oa, offsetB: ob, offsetC: i * m * n, m: m, n: n, k: k)
                var axis = batch.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    if index[axis] < batch[axis] { break }
                    index[axis] = 0
                    axis -= 1
                }
            }
        } else if m > 0 && n > 0 {
            out.fillZero()
        }
        outShape = out.shape
        return finish(out, vecLeft, vecRight)
    }

    /// The outer product of two vectors: `[m] x [n] -> [m, n]`.
    public static func outer(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard a.rank == 1, b.rank == 1 else {
            throw TensorError.shapeMismatch("outer", a.shape, b.shape, "are not both vectors")
        }
        return try matmul(a.reshapedView([a.shape[0], 1]), b.reshapedView([1, b.shape[0]]))
    }

    private static func finish(_ out: Tensor, _ vecLeft: Bool, _ vecRight: Bool) -> Tensor {
        var shape = out.shape
        if vecRight { shape.remove(at: shape.count - 1) }
        if vecLeft { shape.remove(at: shape.count - (vecRight ? 1 : 2)) }
        return shape == out.shape ? out : out.reshapedView(shape)
    }

    /// A view with the given shape when the tensor is dense; otherwise a dense copy reshaped.
    func reshapedView(_ shape: [Int]) -> Tensor {
        let c = contiguous()
        return Tensor(storage: c.storage, dtype: dtype, shape: shape, strides: Shape.contiguousStrides(shape), offset: c.offset)
    }

    /// Makes the last two dimensions BLAS-addressable (unit stride in one of them); batch
    /// dimensions keep their strides, so broadcast stacks are not copied.
    private func matrixStack(_ batch: [Int]) -> Tensor {
        let r = rank
        let rs = strides[r - 2], cs = strides[r - 1]
        let okRow = cs == 1 && rs >= max(1, shape[r - 1])
        let okCol = rs == 1 && cs >= max(1, shape[r - 2])
        if okRow || okCol { return self }
        return contiguous()
    }

    /// One gemm on the matrices at the given element offsets of three stacks.
    private static func gemm(_ a: Tensor, _ b: Tensor, _ c: Tensor, offsetA: Int, offsetB: Int, offsetC: Int, m: Int, n: Int, k: Int) {
        let (ta, lda) = blasLayout(a)
        let (tb, ldb) = blasLayout(b)
        if k == 0 {
            c.fillZero()
            return
        }
        if a.dtype == .float32 {
            cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), 1,
                        a.pointer(Float.self) + offsetA, Int32(lda), b.pointer(Float.self) + offsetB, Int32(ldb),
                        0, c.pointer(Float.self) + offsetC, Int32(n))
        } else {
            cblas_dgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), 1,
                        a.pointer(Double.self) + offsetA, Int32(lda), b.pointer(Double.self) + offsetB, Int32(ldb),
                        0, c.pointer(Double.self) + offsetC, Int32(n))
        }
    }

    private static func blasLayout(_ t: Tensor) -> (CBLAS_TRANSPOSE, Int) {
        let r = t.rank
        let rows = t.shape[r - 2], cols = t.shape[r - 1]
        let rs = t.strides[r - 2], cs = t.strides[r - 1]
        if cs == 1 && (rows <= 1 || rs >= max(1, cols)) { return (CblasNoTrans, max(rows <= 1 ? cols : rs, 1)) }
        return (CblasTrans, max(cols <= 1 ? rows : cs, 1))
    }

    /// Sets every element to zero (dense tensors only).
    public func fillZero() {
        storage.base.advanced(by: offset * dtype.byteWidth).initializeMemory(as: UInt8.self, repeating: 0, count: count * dtype.byteWidth)
    }
}
