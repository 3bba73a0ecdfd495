import CBLAS
import RealModule

// Linear algebra on LAPACK (OpenBLAS's Fortran routines, declared in Sources/CBLAS/shim.h).
//
// Every routine works in float64: inputs are converted, results cast back to the promoted
// input dtype (float32 in, float32 out). Matrices are the last two dimensions; leading
// dimensions are a batch, looped over one LAPACK call per matrix. LAPACK is column-major, so
// each matrix is transposed into a scratch buffer on the way in and out; that copy is O(n²)
// beside O(n³) work. Bad input throws `TensorError`; LAPACK is never handed NaN, a zero
// leading dimension or a size that does not fit its 32-bit integers.

// MARK: - Public API

extension Tensor {
    /// Solves `A X = B` for `X`. `A` is `[..., n, n]`; `B` is a vector `[n]` or a matrix stack
    /// `[..., n, k]` whose batch dimensions broadcast with `A`'s. Throws when `A` is singular.
    public static func solve(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let op = "solve"
        let (batchA, n) = try squareParts(a, op: op)
        let (batchB, rowsB, k, vector) = try rhsParts(a, b, op: op)
        guard rowsB == n else {
            throw TensorError.shapeMismatch(op, a.shape, b.shape, "do not match: A is \(n)x\(n) but B has \(rowsB) rows",
                                            hint: "solve(A, B) needs B with as many rows as A")
        }
        let batch = try broadcastBatch(batchA, batchB, a.shape, b.shape, op: op)
        let dtype = resultDType(a, b)
        let outShape = vector ? batch + [n] : batch + [n, k]
        let outCount = try Shape.checkedCount(outShape, dtype: .float64, op: op)
        let am = try float64Dense(a, op: op).expanded(to: batch + [n, n]).contiguous()
        let bm = try float64Dense(vector ? b.reshapedView([n, 1]) : b, op: op).expanded(to: batch + [n, k]).contiguous()
        let out = Tensor.uncheckedEmpty(batch + [n, k], count: outCount, dtype: .float64)
        let count = Shape.count(batch)
        if outCount == 0 || n == 0 {
            out.fillZero()
            return out.reshapedView(outShape).cast(to: dtype)
        }
        var ni = try lapackInt(n, op: op), nrhs = try lapackInt(k, op: op), lda = ni, ldb = ni
        var aBuf = [Double](repeating: 0, count: n * n), bBuf = [Double](repeating: 0, count: n * k)
        var ipiv = [Int32](repeating: 0, count: n)
        for i in 0..<count {
            transposeCopy(am.pointer(Double.self) + i * n * n, rows: n, cols: n, into: &aBuf)
            transposeCopy(bm.pointer(Double.self) + i * n * k, rows: n, cols: k, into: &bBuf)
            var info: Int32 = 0
            dgesv_(&ni, &nrhs, &aBuf, &lda, &ipiv, &bBuf, &ldb, &info)
            try check(info, op: op, routine: "dgesv", batch: count > 1 ? i : nil)
            transposeCopy(bBuf, rows: k, cols: n, into: out.pointer(Double.self) + i * n * k)
        }
        return out.reshapedView(outShape).cast(to: dtype)
    }

    /// The inverse of each square matrix in `[..., n, n]`. Throws when a matrix is singular.
    public static func inv(_ a: Tensor) throws -> Tensor {
        let op = "inv"
        let (batch, n) = try squareParts(a, op: op)
        let dtype = resultDType(a)
        // Row-major A read column-major is Aᵀ, and inv(Aᵀ) = inv(A)ᵀ: LAPACK's column-major
        // answer read back row-major is inv(A), so no transposes are needed.
        let out = try float64Dense(a, op: op).copied()
        if out.count == 0 { return out.cast(to: dtype) }
        var ni = try lapackInt(n, op: op), lda = ni
        var ipiv = [Int32](repeating: 0, count: n)
        var lwork: Int32 = -1, info: Int32 = 0, query = 0.0
        dgetri_(&ni, out.pointer(Double.self), &lda, &ipiv, &query, &lwork, &info)
        lwork = try lapackInt(max(Int(query), n), op: op)
        var work = [Double](repeating: 0, count: Int(lwork))
        let count = Shape.count(batch)
        for i in 0..<count {
            let p = out.pointer(Double.self) + i * n * n
            dgetrf_(&ni, &ni, p, &lda, &ipiv, &info)
            try check(info, op: op, routine: "dgetrf", batch: count > 1 ? i : nil)
            dgetri_(&ni, p, &lda, &ipiv, &work, &lwork, &info)
            try check(info, op: op, routine: "dgetri", batch: count > 1 ? i : nil)
        }
        return out.cast(to: dtype)
    }

    /// The determinant of each square matrix in `[..., n, n]` (shape `[...]`). A singular
    /// matrix has determinant 0; that is not an error.
    public static func det(_ a: Tensor) throws -> Tensor {
        try luDeterminants(a, op: "det").det
    }

    /// Sign (-1, 0 or 1) and natural log of the absolute determinant of each matrix in
    /// `[..., n, n]`. Unlike `det` it does not overflow for large matrices; a singular matrix
    /// gives sign 0 and log -infinity.
    public static func slogdet(_ a: Tensor) throws -> (sign: Tensor, logabsdet: Tensor) {
        let (sign, logabs, _) = try luDeterminants(a, op: "slogdet")
        return (sign, logabs)
    }

    /// `log(det(A))`: NaN where the determinant is negative, -infinity where it is 0 (as in
    /// PyTorch). Use `slogdet` for the log of the absolute value.
    public static func logdet(_ a: Tensor) throws -> Tensor {
        let (sign, logabs, _) = try luDeterminants(a, op: "logdet")
        let s = sign.cast(to: .float64).contiguous(), l = logabs.cast(to: .float64).contiguous()
        let out = Tensor.uncheckedEmpty(l.shape, count: l.count, dtype: .float64)
        let ps = s.pointer(Double.self), pl = l.pointer(Double.self), po = out.pointer(Double.self)
        for i in 0..<l.count { po[i] = ps[i] < 0 ? .nan : pl[i] }
        return out.cast(to: logabs.dtype)
    }

    /// Eigen-decomposition of symmetric matrices `[..., n, n]`: eigenvalues in ascending order
    /// `[..., n]` and orthonormal eigenvectors as the columns of `[..., n, n]`, so that
    /// `A = V diag(w) Vᵀ`.
    ///
    /// The input is symmetrized first, `(A + Aᵀ)/2` (as JAX does), so a slightly asymmetric
    /// matrix from rounding is fine and the result is a smooth function of every entry. Each
    /// eigenvector's sign is fixed so its largest-magnitude entry is positive, making results
    /// reproducible.
    public static func eigh(_ a: Tensor) throws -> (values: Tensor, vectors: Tensor) {
        let op = "eigh"
        let (batch, n) = try squareParts(a, op: op)
        let dtype = resultDType(a)
        let am = try float64Dense(a, op: op)
        let values = try Tensor.uninitialized(batch + [n], dtype: .float64, op: op)
        let vectors = Tensor.uncheckedEmpty(a.shape, count: am.count, dtype: .float64)
        if am.count == 0 { return (values.cast(to: dtype), vectors.cast(to: dtype)) }
        var ni = try lapackInt(n, op: op), lda = ni
        var jobz = CChar(UInt8(ascii: "V")), uplo = CChar(UInt8(ascii: "L"))
        var buf = [Double](repeating: 0, count: n * n)
        var lwork: Int32 = -1, liwork: Int32 = -1, info: Int32 = 0, query = 0.0, iquery: Int32 = 0
        dsyevd_(&jobz, &uplo, &ni, &buf, &lda, values.pointer(Double.self), &query, &lwork, &iquery, &liwork, &info, 1, 1)
        lwork = try lapackInt(max(Int(query), 1 + 6 * n + 2 * n * n), op: op)
        liwork = try lapackInt(max(Int(iquery), 3 + 5 * n), op: op)
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        let count = Shape.count(batch)
        for i in 0..<count {
            let src = am.pointer(Double.self) + i * n * n
            // Symmetrize while copying; the result is symmetric, so its layout needs no transpose.
            for r in 0..<n { for c in 0..<n { buf[c * n + r] = 0.5 * (src[r * n + c] + src[c * n + r]) } }
            dsyevd_(&jobz, &uplo, &ni, &buf, &lda, values.pointer(Double.self) + i * n, &work, &lwork, &iwork, &liwork, &info, 1, 1)
            try check(info, op: op, routine: "dsyevd", batch: count > 1 ? i : nil, failure: "the eigenvalue algorithm did not converge")
            _ = normalizeColumnSigns(&buf, rows: n, cols: n)
            transposeCopy(buf, rows: n, cols: n, into: vectors.pointer(Double.self) + i * n * n)
        }
        return (values.cast(to: dtype), vectors.cast(to: dtype))
    }

    /// Reduced singular value decomposition of `[..., m, n]`: `U [..., m, k]`, singular values
    /// `S [..., k]` in descending order and `Vt [..., k, n]` with `k = min(m, n)`, so that
    /// `A = U diag(S) Vt`. Signs are fixed so each column of U has its largest-magnitude entry
    /// positive (the matching row of Vt flips with it).
    public static func svd(_ a: Tensor) throws -> (u: Tensor, s: Tensor, vt: Tensor) {
        let op = "svd"
        let (batch, m, n) = try matrixParts(a, op: op)
        let k = Swift.min(m, n)
        let dtype = resultDType(a)
        let am = try float64Dense(a, op: op)
        let u = try Tensor.uninitialized(batch + [m, k], dtype: .float64, op: op)
        let s = try Tensor.uninitialized(batch + [k], dtype: .float64, op: op)
        let vt = try Tensor.uninitialized(batch + [k, n], dtype: .float64, op: op)
        if k == 0 || am.count == 0 {
            u.fillZero(); vt.fillZero()
            return (u.cast(to: dtype), s.cast(to: dtype), vt.cast(to: dtype))
        }
        var mi = try lapackInt(m, op: op), ni = try lapackInt(n, op: op), ki = try lapackInt(k, op: op)
        var lda = mi, ldu = mi, ldvt = ki
        var jobz = CChar(UInt8(ascii: "S"))
        var buf = [Double](repeating: 0, count: m * n)
        var ubuf = [Double](repeating: 0, count: m * k), vtbuf = [Double](repeating: 0, count: k * n)
        var iwork = [Int32](repeating: 0, count: 8 * k)
        var lwork: Int32 = -1, info: Int32 = 0, query = 0.0
        dgesdd_(&jobz, &mi, &ni, &buf, &lda, s.pointer(Double.self), &ubuf, &ldu, &vtbuf, &ldvt, &query, &lwork, &iwork, &info, 1)
        lwork = try lapackInt(max(Int(query), 1), op: op)
        var work = [Double](repeating: 0, count: Int(lwork))
        let count = Shape.count(batch)
        for i in 0..<count {
            transposeCopy(am.pointer(Double.self) + i * m * n, rows: m, cols: n, into: &buf)
            dgesdd_(&jobz, &mi, &ni, &buf, &lda, s.pointer(Double.self) + i * k, &ubuf, &ldu, &vtbuf, &ldvt, &work, &lwork, &iwork, &info, 1)
            try check(info, op: op, routine: "dgesdd", batch: count > 1 ? i : nil, failure: "the SVD algorithm did not converge")
            for c in normalizeColumnSigns(&ubuf, rows: m, cols: k) {
                // Row c of the column-major k x n Vt flips with column c of U.
                for j in 0..<n { vtbuf[j * k + c] = -vtbuf[j * k + c] }
            }
            transposeCopy(ubuf, rows: k, cols: m, into: u.pointer(Double.self) + i * m * k)
            transposeCopy(vtbuf, rows: n, cols: k, into: vt.pointer(Double.self) + i * k * n)
        }
        return (u.cast(to: dtype), s.cast(to: dtype), vt.cast(to: dtype))
    }

    /// Reduced QR decomposition of `[..., m, n]`: `Q [..., m, k]` with orthonormal columns and
    /// upper-triangular `R [..., k, n]`, `k = min(m, n)`, so that `A = Q R`. Signs follow
    /// LAPACK (the diagonal of R may be negative).
    public static func qr(_ a: Tensor) throws -> (q: Tensor, r: Tensor) {
        let op = "qr"
        let (batch, m, n) = try matrixParts(a, op: op)
        let k = Swift.min(m, n)
        let dtype = resultDType(a)
        let am = try float64Dense(a, op: op)
        let q = try Tensor.uninitialized(batch + [m, k], dtype: .float64, op: op)
        let r = try Tensor.uninitialized(batch + [k, n], dtype: .float64, op: op)
        q.fillZero(); r.fillZero()
        if k == 0 || am.count == 0 { return (q.cast(to: dtype), r.cast(to: dtype)) }
        var mi = try lapackInt(m, op: op), ni = try lapackInt(n, op: op), ki = try lapackInt(k, op: op), lda = mi
        var buf = [Double](repeating: 0, count: m * n), tau = [Double](repeating: 0, count: k)
        var lwork: Int32 = -1, info: Int32 = 0, query = 0.0, query2 = 0.0
        dgeqrf_(&mi, &ni, &buf, &lda, &tau, &query, &lwork, &info)
        dorgqr_(&mi, &ki, &ki, &buf, &lda, &tau, &query2, &lwork, &info)
        lwork = try lapackInt(max(Int(query), Int(query2), n, 1), op: op)
        var work = [Double](repeating: 0, count: Int(lwork))
        let count = Shape.count(batch)
        for i in 0..<count {
            transposeCopy(am.pointer(Double.self) + i * m * n, rows: m, cols: n, into: &buf)
            dgeqrf_(&mi, &ni, &buf, &lda, &tau, &work, &lwork, &info)
            try check(info, op: op, routine: "dgeqrf", batch: count > 1 ? i : nil)
            // R is the upper triangle of the first k rows (column-major: entry (r, c) at c*m + r).
            let pr = r.pointer(Double.self) + i * k * n
            for row in 0..<k { for col in row..<n { pr[row * n + col] = buf[col * m + row] } }
            dorgqr_(&mi, &ki, &ki, &buf, &lda, &tau, &work, &lwork, &info)
            try check(info, op: op, routine: "dorgqr", batch: count > 1 ? i : nil)
            transposeCopy(buf, rows: k, cols: m, into: q.pointer(Double.self) + i * m * k)
        }
        return (q.cast(to: dtype), r.cast(to: dtype))
    }

    /// The minimum-norm least-squares solution of `A X ≈ B` (LAPACK `dgelsd`, SVD-based):
    /// `A` is `[..., m, n]` of any shape and rank, `B` a vector `[m]` or `[..., m, k]`; the
    /// result is `[..., n]` or `[..., n, k]`. Singular values below `rcond * max(S)` count as
    /// zero; the default `rcond` is machine epsilon times `max(m, n)` (as NumPy).
    public static func lstsq(_ a: Tensor, _ b: Tensor, rcond: Double? = nil) throws -> Tensor {
        let op = "lstsq"
        let (batchA, m, n) = try matrixParts(a, op: op)
        let (batchB, rowsB, k, vector) = try rhsParts(a, b, op: op)
        guard rowsB == m else {
            throw TensorError.shapeMismatch(op, a.shape, b.shape, "do not match: A has \(m) rows but B has \(rowsB)",
                                            hint: "lstsq(A, B) needs B with as many rows as A")
        }
        if let rcond, !rcond.isFinite {
            throw TensorError(.value, op: op, "rcond must be finite, got \(rcond)")
        }
        let batch = try broadcastBatch(batchA, batchB, a.shape, b.shape, op: op)
        let dtype = resultDType(a, b)
        let outShape = vector ? batch + [n] : batch + [n, k]
        let outCount = try Shape.checkedCount(outShape, dtype: .float64, op: op)
        let am = try float64Dense(a, op: op).expanded(to: batch + [m, n]).contiguous()
        let bm = try float64Dense(vector ? b.reshapedView([m, 1]) : b, op: op).expanded(to: batch + [m, k]).contiguous()
        let out = Tensor.uncheckedEmpty(batch + [n, k], count: outCount, dtype: .float64)
        out.fillZero()
        // With no equations (m = 0) or no unknowns the minimum-norm solution is zero.
        if outCount == 0 || m == 0 { return out.reshapedView(outShape).cast(to: dtype) }
        let ldbCount = Swift.max(m, n)
        var mi = try lapackInt(m, op: op), ni = try lapackInt(n, op: op), nrhs = try lapackInt(k, op: op)
        var lda = mi, ldb = try lapackInt(ldbCount, op: op)
        var rc = rcond ?? Double.ulpOfOne * Double(ldbCount)
        var aBuf = [Double](repeating: 0, count: m * n), bBuf = [Double](repeating: 0, count: ldbCount * k)
        var sv = [Double](repeating: 0, count: Swift.max(1, Swift.min(m, n)))
        var rank: Int32 = 0, info: Int32 = 0, lwork: Int32 = -1, query = 0.0, iquery: Int32 = 0
        dgelsd_(&mi, &ni, &nrhs, &aBuf, &lda, &bBuf, &ldb, &sv, &rc, &rank, &query, &lwork, &iquery, &info)
        lwork = try lapackInt(max(Int(query), 1), op: op)
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Swift.max(1, Int(iquery)))
        let count = Shape.count(batch)
        for i in 0..<count {
            transposeCopy(am.pointer(Double.self) + i * m * n, rows: m, cols: n, into: &aBuf)
            // B is m x k in an ldb x k column-major array (ldb >= n holds the n x k answer).
            let pb = bm.pointer(Double.self) + i * m * k
            for c in 0..<k { for r in 0..<m { bBuf[c * ldbCount + r] = pb[r * k + c] } }
            dgelsd_(&mi, &ni, &nrhs, &aBuf, &lda, &bBuf, &ldb, &sv, &rc, &rank, &work, &lwork, &iwork, &info)
            try check(info, op: op, routine: "dgelsd", batch: count > 1 ? i : nil, failure: "the SVD algorithm did not converge")
            let po = out.pointer(Double.self) + i * n * k
            for r in 0..<n { for c in 0..<k { po[r * k + c] = bBuf[c * ldbCount + r] } }
        }
        return out.reshapedView(outShape).cast(to: dtype)
    }

    /// The Moore–Penrose pseudo-inverse of `[..., m, n]` (shape `[..., n, m]`), from the SVD;
    /// singular values below `rcond * max(S)` are treated as zero (default: epsilon times
    /// `max(m, n)`).
    public static func pinv(_ a: Tensor, rcond: Double? = nil) throws -> Tensor {
        let (batch, m, n) = try matrixParts(a, op: "pinv")
        let k = Swift.min(m, n)
        // Float64 input keeps the factors in float64 whatever the input precision.
        let (u, s, vt) = try svd(a.cast(to: .float64))
        let out = try Tensor.uninitialized(batch + [n, m], dtype: .float64, op: "pinv")
        out.fillZero()
        let cut = rcond ?? Double.ulpOfOne * Double(Swift.max(m, n))
        let pu = u.pointer(Double.self), ps = s.pointer(Double.self), pv = vt.pointer(Double.self), po = out.pointer(Double.self)
        for b in 0..<Shape.count(batch) where k > 0 {
            let sb = ps + b * k, ub = pu + b * m * k, vb = pv + b * k * n, ob = po + b * n * m
            let largest = sb[0]
            // out[r][c] = Σ_j Vt[j][r] * (1/s_j) * U[c][j], over the kept singular values.
            for j in 0..<k where sb[j] > cut * largest && sb[j] > 0 {
                let inv = 1 / sb[j]
                for r in 0..<n { let v = vb[j * n + r] * inv; for c in 0..<m { ob[r * m + c] += v * ub[c * k + j] } }
            }
        }
        return out.cast(to: resultDType(a))
    }
}

// MARK: - Shapes and dtypes

extension Tensor {
    /// Batch shape and size of a stack of square matrices, or an error naming the shape.
    fileprivate static func squareParts(_ a: Tensor, op: String) throws -> (batch: [Int], n: Int) {
        let (batch, m, n) = try matrixParts(a, op: op)
        guard m == n else {
            throw TensorError(.shape, op: op, "needs square matrices, got shape \(TensorError.show(a.shape)) (\(m)x\(n))",
                              hint: m > n ? "for a tall system use lstsq" : nil)
        }
        return (batch, n)
    }

    fileprivate static func matrixParts(_ a: Tensor, op: String) throws -> (batch: [Int], m: Int, n: Int) {
        guard a.rank >= 2 else {
            throw TensorError(.shape, op: op, "needs a matrix (rank 2 or more), got shape \(TensorError.show(a.shape))")
        }
        guard a.dtype != .bool else {
            throw TensorError(.dtype, op: op, "needs a numeric matrix, got a bool tensor")
        }
        return (Array(a.shape.dropLast(2)), a.shape[a.rank - 2], a.shape[a.rank - 1])
    }

    /// The right-hand side of `solve`/`lstsq`: a vector `[m]` or a stack `[..., m, k]`.
    fileprivate static func rhsParts(_ a: Tensor, _ b: Tensor, op: String) throws -> (batch: [Int], rows: Int, cols: Int, vector: Bool) {
        guard b.rank >= 1 else {
            throw TensorError.shapeMismatch(op, a.shape, b.shape, "do not match: the right-hand side must be a vector or a matrix")
        }
        guard b.dtype != .bool else {
            throw TensorError(.dtype, op: op, "needs a numeric right-hand side, got a bool tensor")
        }
        if b.rank == 1 { return ([], b.shape[0], 1, true) }
        return (Array(b.shape.dropLast(2)), b.shape[b.rank - 2], b.shape[b.rank - 1], false)
    }

    fileprivate static func broadcastBatch(_ ba: [Int], _ bb: [Int], _ sa: [Int], _ sb: [Int], op: String) throws -> [Int] {
        do {
            return try Shape.broadcast(ba, bb, op: op)
        } catch {
            throw TensorError.shapeMismatch(op, sa, sb, "have batch dimensions \(TensorError.show(ba)) and \(TensorError.show(bb)) that do not broadcast")
        }
    }

    /// Float results keep the promoted float dtype; integer inputs give the default float dtype.
    fileprivate static func resultDType(_ ts: Tensor...) -> DType {
        var d = ts[0].dtype
        for t in ts.dropFirst() { d = DType.promote(d, t.dtype) }
        return d.isFloating ? d : DefaultDType.float
    }

    /// The tensor as dense float64, refusing NaN and infinity (LAPACK's iterations may not
    /// terminate sensibly on them).
    fileprivate static func float64Dense(_ t: Tensor, op: String) throws -> Tensor {
        let d = t.cast(to: .float64).contiguous()
        let p = d.pointer(Double.self)
        for i in 0..<d.count where !p[i].isFinite {
            throw TensorError(.value, op: op, "the matrix contains \(p[i].isNaN ? "NaN" : "infinity")",
                              hint: "linear algebra needs finite entries")
        }
        return d
    }

    /// Sign, log|det| and det of each matrix, from an LU factorization.
    fileprivate static func luDeterminants(_ a: Tensor, op: String) throws -> (sign: Tensor, logabs: Tensor, det: Tensor) {
        let (batch, n) = try squareParts(a, op: op)
        let dtype = resultDType(a)
        let am = try float64Dense(a, op: op).copied()
        let count = Shape.count(batch)
        let sign = try Tensor.uninitialized(batch, dtype: .float64, op: op)
        let logabs = Tensor.uncheckedEmpty(batch, count: count, dtype: .float64)
        let product = Tensor.uncheckedEmpty(batch, count: count, dtype: .float64)
        let ps = sign.pointer(Double.self), pl = logabs.pointer(Double.self), pp = product.pointer(Double.self)
        if n == 0 {
            for i in 0..<count { ps[i] = 1; pl[i] = 0; pp[i] = 1 }
            return (sign.cast(to: dtype), logabs.cast(to: dtype), product.cast(to: dtype))
        }
        var ni = try lapackInt(n, op: op), lda = ni, info: Int32 = 0
        var ipiv = [Int32](repeating: 0, count: n)
        for i in 0..<count {
            let p = am.pointer(Double.self) + i * n * n
            dgetrf_(&ni, &ni, p, &lda, &ipiv, &info)
            // info > 0 means an exactly zero pivot: the determinant is 0, which is an answer.
            if info < 0 { try check(info, op: op, routine: "dgetrf", batch: nil) }
            var s = 1.0, l = 0.0, prod = 1.0
            for j in 0..<n {
                let d = p[j * n + j]
                if ipiv[j] != Int32(j + 1) { s = -s; prod = -prod }
                if d < 0 { s = -s }
                l += Double.log(Swift.abs(d))
                prod *= d
            }
            if info > 0 { s = 0; l = -.infinity; prod = 0 }
            ps[i] = s; pl[i] = l; pp[i] = prod
        }
        return (sign.cast(to: dtype), logabs.cast(to: dtype), product.cast(to: dtype))
    }
}

// MARK: - LAPACK helpers

private func lapackInt(_ n: Int, op: String) throws -> Int32 {
    guard n >= 0, n <= Int(Int32.max) else {
        throw TensorError(.size, op: op, "size \(n) is too large for LAPACK (limit \(Int32.max))", hint: "use smaller matrices")
    }
    return Int32(n)
}

/// Turns a LAPACK `info` into an error: negative is an argument LAPACK rejected (a bug here),
/// positive is a numerical failure (a singular matrix for the LU routines).
private func check(_ info: Int32, op: String, routine: String, batch: Int?, failure: String? = nil) throws {
    if info == 0 { return }
    let which = batch.map { " (matrix \($0) of the batch)" } ?? ""
    if info < 0 {
        throw TensorError(.linalg, op: op, "LAPACK \(routine) rejected argument \(-info)\(which)")
    }
    if let failure {
        throw TensorError(.linalg, op: op, "\(failure)\(which)")
    }
    throw TensorError(.linalg, op: op, "matrix is singular\(which): pivot \(info) is exactly zero",
                      hint: "for a singular or non-square system use lstsq or pinv")
}

/// Writes the transpose of a row-major `rows x cols` matrix into `dst` (row-major `cols x rows`).
/// Row-major Aᵀ is column-major A, so this converts in both directions.
private func transposeCopy(_ src: UnsafePointer<Double>, rows: Int, cols: Int, into dst: UnsafeMutablePointer<Double>) {
    for r in 0..<rows { for c in 0..<cols { dst[c * rows + r] = src[r * cols + c] } }
}

private func transposeCopy(_ src: UnsafePointer<Double>, rows: Int, cols: Int, into dst: inout [Double]) {
    dst.withUnsafeMutableBufferPointer { d in
        if let base = d.baseAddress { transposeCopy(src, rows: rows, cols: cols, into: base) }
    }
}

private func transposeCopy(_ src: [Double], rows: Int, cols: Int, into dst: UnsafeMutablePointer<Double>) {
    src.withUnsafeBufferPointer { s in
        if let base = s.baseAddress { transposeCopy(base, rows: rows, cols: cols, into: dst) }
    }
}

/// Flips column-major columns so each one's largest-magnitude entry is positive (first one on
/// ties). Returns the flipped columns, so an SVD can flip the matching rows of Vt.
private func normalizeColumnSigns(_ a: inout [Double], rows: Int, cols: Int) -> [Int] {
    var flipped: [Int] = []
    for c in 0..<cols {
        var best = 0.0, sign = 1.0
        for r in 0..<rows {
            let v = a[c * rows + r]
            if Swift.abs(v) > best { best = Swift.abs(v); sign = v < 0 ? -1 : 1 }
        }
        guard sign < 0 else { continue }
        for r in 0..<rows { a[c * rows + r] = -a[c * rows + r] }
        flipped.append(c)
    }
    return flipped
}
