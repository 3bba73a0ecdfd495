import CBLAS
import CKernels

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
        // Two matrices of one float dtype, the most common call: skip the batch bookkeeping.
        if a.rank == 2, b.rank == 2, a.dtype == b.dtype, a.dtype.isFloating, a.shape[1] == b.shape[0] {
            let m = a.shape[0], k = a.shape[1], n = b.shape[1]
            let out = try Tensor.uninitialized([m, n], dtype: a.dtype, op: "matmul")
            if m > 0 && n > 0 { gemm(a.matrixStack([]), b.matrixStack([]), out, offsetA: 0, offsetB: 0, offsetC: 0, m: m, n: n, k: k) }
            return out
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
            // Items write disjoint outputs, so a stack is split over the cores by items (one
            // single-threaded BLAS call per item); a stack too short to share splits each item.
            let perItem = m * n * max(k, 1)
            let minimum = max(1, (1 << 16) / perItem)
            let byItems = batchCount / minimum >= Parallel.threads
            Parallel.forEachRange(byItems ? batchCount : 0, minimumPerThread: minimum) { range in
                if ownKernelStack(xa, yb, out, items: range, batch: batch, sa: sa, sb: sb, m: m, n: n, k: k) { return }
                for i in range {
                    let (oa, ob) = itemOffsets(i, batch, sa, sb)
                    gemm(xa, yb, out, offsetA: oa, offsetB: ob, offsetC: i * m * n, m: m, n: n, k: k, split: false)
                }
            }
            if !byItems {
                for i in 0..<batchCount {
                    let (oa, ob) = itemOffsets(i, batch, sa, sb)
                    gemm(xa, yb, out, offsetA: oa, offsetB: ob, offsetC: i * m * n, m: m, n: n, k: k)
                }
            }
        } else if m > 0 && n > 0 {
            out.fillZero()
        }
        outShape = out.shape
        return finish(out, vecLeft, vecRight)
    }

    /// Element offsets of item `i` (row-major over `batch`) in two stacks with batch strides `sa`, `sb`.
    @inline(__always)
    private static func itemOffsets(_ i: Int, _ batch: [Int], _ sa: [Int], _ sb: [Int]) -> (Int, Int) {
        var oa = 0, ob = 0, rest = i
        var axis = batch.count - 1
        while axis >= 0 {
            let j = rest % batch[axis]
            rest /= batch[axis]
            oa += j * sa[axis]; ob += j * sb[axis]
            axis -= 1
        }
        return (oa, ob)
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

    /// One gemm on the matrices at the given element offsets of three stacks. Large products
    /// are split into row (or column) blocks of C computed on both cores; `split: false` keeps
    /// it on the calling thread (the caller is already parallel over a stack).
    private static func gemm(_ a: Tensor, _ b: Tensor, _ c: Tensor, offsetA: Int, offsetB: Int, offsetC: Int, m: Int, n: Int, k: Int,
                             accumulate: Bool = false, split: Bool = true) {
        let (ta, lda) = blasLayout(a)
        let (tb, ldb) = blasLayout(b)
        if k == 0 {
            if !accumulate { c.fillZero() }
            return
        }
        BLASThreads.configure()
        let call = { (rows: Range<Int>, cols: Range<Int>) in
            // Element (i, j) of a row-major NoTrans matrix is at i·ld + j, of a Trans one at j·ld + i.
            let oa = offsetA + rows.lowerBound * (ta == CblasNoTrans ? lda : 1)
            let ob = offsetB + cols.lowerBound * (tb == CblasNoTrans ? 1 : ldb)
            let oc = offsetC + rows.lowerBound * n + cols.lowerBound
            if a.dtype == .float32 {
                if OwnGemm.handles(m: rows.count, n: cols.count, bTransposed: tb != CblasNoTrans) {
                    let (sai, sak) = elementStrides(ta, lda), (sbk, sbj) = elementStrides(tb, ldb)
                    _ = ck_sgemm(Int64(rows.count), Int64(cols.count), Int64(k), a.pointer(Float.self) + oa, Int64(sai), Int64(sak),
                                 b.pointer(Float.self) + ob, Int64(sbk), Int64(sbj), c.pointer(Float.self) + oc, Int64(n),
                                 accumulate ? 1 : 0)
                    return
                }
                cblas_sgemm(CblasRowMajor, ta, tb, Int32(rows.count), Int32(cols.count), Int32(k), 1,
                            a.pointer(Float.self) + oa, Int32(lda), b.pointer(Float.self) + ob, Int32(ldb),
                            accumulate ? 1 : 0, c.pointer(Float.self) + oc, Int32(n))
            } else {
                cblas_dgemm(CblasRowMajor, ta, tb, Int32(rows.count), Int32(cols.count), Int32(k), 1,
                            a.pointer(Double.self) + oa, Int32(lda), b.pointer(Double.self) + ob, Int32(ldb),
                            accumulate ? 1 : 0, c.pointer(Double.self) + oc, Int32(n))
            }
        }
        let work = m * n * k
        guard split, Parallel.threads > 1, work >= BLASThreads.splitWork else {
            call(0..<m, 0..<n)
            return
        }
        // Blocks of C along its longer side, each a multiple of 16 so BLAS kernels stay aligned.
        let alongRows = m >= n
        let extent = alongRows ? m : n
        let parts = min(Parallel.threads, max(1, extent / 16))
        let block = ((extent + parts - 1) / parts + 15) / 16 * 16
        Parallel.forEachRange(parts, minimumPerThread: 1) { range in
            for p in range {
                let lo = min(extent, p * block), hi = min(extent, lo + block)
                if lo < hi { alongRows ? call(lo..<hi, 0..<n) : call(0..<m, lo..<hi) }
            }
        }
    }

    /// The items `items` of a float32 stack product on the own kernel, in one call (a stack of
    /// attention heads is hundreds of products of ~10^5 multiply-adds, where per-call overhead
    /// shows). False, doing nothing, when the own kernel does not take this shape.
    private static func ownKernelStack(_ a: Tensor, _ b: Tensor, _ c: Tensor, items: Range<Int>, batch: [Int], sa: [Int], sb: [Int],
                                       m: Int, n: Int, k: Int) -> Bool {
        let (ta, lda) = blasLayout(a), (tb, ldb) = blasLayout(b)
        guard a.dtype == .float32, k > 0, OwnGemm.handles(m: m, n: n, bTransposed: tb != CblasNoTrans) else { return false }
        var offsetsA = [Int64](), offsetsB = [Int64]()
        offsetsA.reserveCapacity(items.count)
        offsetsB.reserveCapacity(items.count)
        for i in items {
            let (oa, ob) = itemOffsets(i, batch, sa, sb)
            offsetsA.append(Int64(oa))
            offsetsB.append(Int64(ob))
        }
        let (sai, sak) = elementStrides(ta, lda), (sbk, sbj) = elementStrides(tb, ldb)
        return ck_sgemm_batch(Int64(items.count), offsetsA, offsetsB, Int64(m * n), Int64(m), Int64(n), Int64(k), a.pointer(Float.self),
                              Int64(sai), Int64(sak), b.pointer(Float.self), Int64(sbk), Int64(sbj),
                              c.pointer(Float.self) + items.lowerBound * m * n, Int64(n)) != 0
    }

    /// The strides of a BLAS operand's element (row, column) in memory.
    private static func elementStrides(_ trans: CBLAS_TRANSPOSE, _ ld: Int) -> (Int, Int) {
        trans == CblasNoTrans ? (ld, 1) : (1, ld)
    }

    /// Σ over the batch of `x_i @ y_i` for stacks `[..., m, k]` and `[..., k, n]` with the same
    /// batch shape: the gradient of a matrix that multiplied every item of a batch. When the
    /// batch and contraction axes of both operands merge into one strided axis (a transposed
    /// view of a dense stack against a dense stack, the usual weight gradient), it is one gemm
    /// with a long inner dimension; otherwise one gemm per item accumulating into the result,
    /// never a `[batch, m, n]` temporary.
    public static func matmulSummingBatch(_ x: Tensor, _ y: Tensor) throws -> Tensor {
        guard x.rank >= 2, y.rank >= 2, x.rank == y.rank, x.dtype == y.dtype, x.dtype.isFloating,
              Array(x.shape.dropLast(2)) == Array(y.shape.dropLast(2)) else {
            throw TensorError.shapeMismatch("matmul", x.shape, y.shape, "are not stacks of matrices with the same batch shape")
        }
        let r = x.rank
        let m = x.shape[r - 2], k = x.shape[r - 1], k2 = y.shape[r - 2], n = y.shape[r - 1]
        guard k == k2 else {
            throw TensorError.shapeMismatch("matmul", x.shape, y.shape, "cannot be multiplied: inner dimensions \(k) and \(k2) differ")
        }
        let batch = Array(x.shape.dropLast(2))
        let items = Shape.count(batch)
        let out = Tensor.uncheckedEmpty([m, n], count: m * n, dtype: x.dtype)
        if m == 0 || n == 0 { return out }
        if items == 0 || k == 0 { out.fillZero(); return out }
        // Merge the batch axes into the contraction axis when both strides chain.
        func merged(_ t: Tensor, contraction axis: Int) -> Int? {
            var stride = t.strides[axis], extent = t.shape[axis]
            var i = r - 3
            while i >= 0 {
                if t.shape[i] != 1 {
                    guard t.strides[i] == stride * extent else { return nil }
                    stride = t.strides[i]; extent = t.shape[i]
                }
                i -= 1
            }
            return t.strides[axis]
        }
        if let sx = merged(x, contraction: r - 1), let sy = merged(y, contraction: r - 2) {
            let kk = items * k
            let xv = Tensor(storage: x.storage, dtype: x.dtype, shape: [m, kk], strides: [x.strides[r - 2], sx], offset: x.offset)
            let yv = Tensor(storage: y.storage, dtype: y.dtype, shape: [kk, n], strides: [sy, y.strides[r - 1]], offset: y.offset)
            if let xm = xv.blasAddressable, let ym = yv.blasAddressable {
                gemm(xm, ym, out, offsetA: 0, offsetB: 0, offsetC: 0, m: m, n: n, k: kk)
                return out
            }
        }
        // Every item accumulates into the one result, so each core sums its share of the items
        // into a partial result of its own, and the partials are added at the end.
        let xa = x.matrixStack(batch), ya = y.matrixStack(batch)
        let sa = Array(xa.strides.dropLast(2)), sb = Array(ya.strides.dropLast(2))
        let parts = min(Parallel.threads, max(1, items * m * n * k / BLASThreads.splitWork))
        let partials = [out] + (1..<parts).map { _ in Tensor.uncheckedEmpty([m, n], count: m * n, dtype: x.dtype) }
        let share = (items + parts - 1) / parts
        Parallel.forEachRange(parts, minimumPerThread: 1) { range in
            for p in range {
                let lo = min(items, p * share), hi = min(items, lo + share)
                if lo == hi { partials[p].fillZero() }
                for i in lo..<hi {
                    let (oa, ob) = itemOffsets(i, batch, sa, sb)
                    gemm(xa, ya, partials[p], offsetA: oa, offsetB: ob, offsetC: 0, m: m, n: n, k: k, accumulate: i > lo, split: false)
                }
            }
        }
        return try partials.dropFirst().reduce(out) { try Tensor.binary(.add, $0, $1) }
    }

    /// Itself when BLAS can read it as a matrix (unit stride along one axis, the other stride
    /// at least the extent of the first), else nil.
    private var blasAddressable: Tensor? {
        let rs = strides[0], cs = strides[1]
        if cs == 1 && rs >= max(1, shape[1]) { return self }
        if rs == 1 && cs >= max(1, shape[0]) { return self }
        return nil
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
