import Tensors

// Gradient rules for linear algebra. Values come from the LAPACK-backed `Tensor` functions;
// pullbacks are written with matmul/solve so they batch the same way. Pullbacks compute in
// float64 and return the input's dtype. Decompositions with several outputs record one tape
// node per output: each pullback is linear in its own cotangent, so the tape's sum over nodes
// is the full gradient.
//
// Where a gradient does not exist (repeated eigenvalues or singular values, singular
// matrices) the pullback throws a `TensorError(.linalg, ...)` saying so, instead of
// returning infinities.

// MARK: - solve, inv, det

/// `X` with `A X = B` (see `Tensor.solve`). Pullbacks: `gB = A⁻ᵀ G`, `gA = −gB Xᵀ`, summed
/// over broadcast batch dimensions.
public func solve(_ a: Variable, _ b: Variable) throws -> Variable {
    let x = try Tensor.solve(a.value, b.value)
    let tape = Tape.current
    guard tape.tracks(a, b) else { return Variable(x) }
    let av = a.value, bv = b.value
    return tape.record(x, a, b) { g in
        let (g2, x2, b2Shape) = liftRHS(g, x, bv)
        let gb2 = try Tensor.solve(av.matrixTranspose, g2)
        let gb = tape.index(b) >= 0 ? try gb2.sumToShape(b2Shape).viewing(as: bv.shape).cast(to: linalgFloatType(bv)) : nil
        let ga = tape.index(a) >= 0
            ? try Tensor.matmul(gb2, x2.matrixTranspose).unary(.neg).sumToShape(av.shape).cast(to: linalgFloatType(av)) : nil
        return (ga, gb)
    }
}

/// The matrix inverse. Pullback: `gA = −Yᵀ G Yᵀ` with `Y = A⁻¹`.
public func inv(_ a: Variable) throws -> Variable {
    let y = try Tensor.inv(a.value)
    let tape = Tape.current
    guard tape.tracks(a) else { return Variable(y) }
    let dtype = linalgFloatType(a.value)
    return tape.record(y, a) { g in
        let yt = y.matrixTranspose
        return try Tensor.matmul(Tensor.matmul(yt, g), yt).unary(.neg).cast(to: dtype)
    }
}

/// The determinant. Pullback: the cofactor matrix, `g · det(A) · A⁻ᵀ`; at a singular matrix
/// (where `A⁻¹` does not exist but the cofactors do) it is computed from the SVD instead.
public func det(_ a: Variable) throws -> Variable {
    let d = try Tensor.det(a.value)
    let tape = Tape.current
    guard tape.tracks(a) else { return Variable(d) }
    let av = a.value
    return tape.record(d, a) { g in
        let scale = g.cast(to: .float64)
        let cof = try cofactors(av, det: d)
        return try Tensor.binary(.mul, cof, scale.viewing(as: scale.shape + [1, 1])).cast(to: linalgFloatType(av))
    }
}

/// `log(det(A))` (NaN for a negative determinant, see `Tensor.logdet`). Pullback: `g · A⁻ᵀ`.
public func logdet(_ a: Variable) throws -> Variable {
    let y = try Tensor.logdet(a.value)
    return try recordLogDet(y, a)
}

/// Sign and `log|det(A)|`; the sign is a constant, the log differentiable (`g · A⁻ᵀ`).
public func slogdet(_ a: Variable) throws -> (sign: Tensor, logabsdet: Variable) {
    let (sign, logabs) = try Tensor.slogdet(a.value)
    return (sign, try recordLogDet(logabs, a))
}

private func recordLogDet(_ y: Tensor, _ a: Variable) throws -> Variable {
    let tape = Tape.current
    guard tape.tracks(a) else { return Variable(y) }
    let av = a.value
    return tape.record(y, a) { g in
        let invT = try Tensor.inv(av).matrixTranspose.cast(to: .float64)
        let g64 = g.cast(to: .float64)
        return try Tensor.binary(.mul, invT, g64.viewing(as: g64.shape + [1, 1])).cast(to: linalgFloatType(av))
    }
}

/// Cofactor matrices `det(A) A⁻ᵀ`, also at singular A: with `A = U diag(s) Vt`,
/// `cof(A) = det(U) det(Vt) · U diag(∏_{j≠i} s_j) Vt`.
private func cofactors(_ a: Tensor, det d: Tensor) throws -> Tensor {
    let a64 = a.cast(to: .float64)
    let d64 = d.cast(to: .float64).contiguous()
    let dets = d64.toDoubles()
    if !dets.contains(0) {
        let invT = try Tensor.inv(a64).matrixTranspose
        return try Tensor.binary(.mul, invT, d64.viewing(as: d64.shape + [1, 1]))
    }
    let (u, s, vt) = try Tensor.svd(a64)
    let k = s.shape.last ?? 0
    let signs = try Tensor.binary(.mul, Tensor.det(u), Tensor.det(vt)).contiguous()
    let prods = try Tensor.uninitialized(s.shape, dtype: .float64)
    let ps = s.contiguous().pointer(Double.self), pp = prods.pointer(Double.self), sg = signs.pointer(Double.self)
    for b in 0..<(k == 0 ? 0 : s.count / k) {
        for i in 0..<k {
            var p = sg[b]
            for j in 0..<k where j != i { p *= ps[b * k + j] }
            pp[b * k + i] = p
        }
    }
    return try Tensor.matmul(scaleColumns(u, prods), vt)
}

// MARK: - eigh

/// Eigenvalues (ascending) and eigenvectors of symmetric matrices (see `Tensor.eigh`, which
/// symmetrizes its input). Both outputs are differentiable; the gradient is symmetric:
/// from the values `V diag(gw) Vᵀ`, from the vectors `V (F ∘ (Vᵀ gV − gVᵀ V)/2) Vᵀ` with
/// `F_ij = 1/(w_j − w_i)`.
///
/// The eigenvector gradient exists only for distinct eigenvalues (for a repeated one the
/// eigenvectors are not unique); the pullback throws on exactly equal eigenvalues, and is
/// large when two are close. The eigenvalue gradient has no such restriction in practice.
public func eigh(_ a: Variable) throws -> (values: Variable, vectors: Variable) {
    let (w, v) = try Tensor.eigh(a.value)
    let tape = Tape.current
    guard tape.tracks(a) else { return (Variable(w), Variable(v)) }
    let dtype = linalgFloatType(a.value)
    let v64 = v.cast(to: .float64), w64 = w.cast(to: .float64)
    let values = tape.record(w, a) { g in
        try Tensor.matmul(scaleColumns(v64, g.cast(to: .float64)), v64.matrixTranspose).cast(to: dtype)
    }
    let vectors = tape.record(v, a) { g in
        let x = try Tensor.matmul(v64.matrixTranspose, g.cast(to: .float64))
        let inner = try skewOverGaps(x, w64, squared: false, op: "eigh", what: "eigenvalues")
        let half = try Tensor.binary(.mul, inner, Tensor(scalar: 0.5, dtype: .float64))
        return try Tensor.matmul(Tensor.matmul(v64, half), v64.matrixTranspose).cast(to: dtype)
    }
    return (values, vectors)
}

// MARK: - svd

/// Reduced SVD `A = U diag(S) Vt` (see `Tensor.svd`), differentiable in all three outputs:
/// `gA = U [diag(gS) + (skew(Uᵀ gU)/E) S + S (skew(Vᵀ gV)/E)] Vt
///       + (I − U Uᵀ) gU S⁻¹ Vt + U S⁻¹ gVt (I − V Vt)`,
/// with `E_ij = s_j² − s_i²`, `skew(X) = X − Xᵀ`, `V = Vtᵀ`.
///
/// The singular-value gradient `U diag(gS) Vt` always exists. The U and Vt gradients need
/// distinct singular values, and nonzero ones when the matrix is not square; the pullbacks
/// throw when that fails.
public func svd(_ a: Variable) throws -> (u: Variable, s: Variable, vt: Variable) {
    let (u, s, vt) = try Tensor.svd(a.value)
    let tape = Tape.current
    guard tape.tracks(a) else { return (Variable(u), Variable(s), Variable(vt)) }
    let dtype = linalgFloatType(a.value)
    let m = a.shape[a.rank - 2], n = a.shape[a.rank - 1], k = Swift.min(m, n)
    let u64 = u.cast(to: .float64), s64 = s.cast(to: .float64), vt64 = vt.cast(to: .float64)
    let sVar = tape.record(s, a) { g in
        try Tensor.matmul(scaleColumns(u64, g.cast(to: .float64)), vt64).cast(to: dtype)
    }
    let uVar = tape.record(u, a) { g in
        let g64 = g.cast(to: .float64)
        let x = try Tensor.matmul(u64.matrixTranspose, g64)
        let j = try skewOverGaps(x, s64, squared: true, op: "svd", what: "singular values")
        var inner = try Tensor.matmul(u64, scaleColumns(j, s64))
        if m > k {
            // The part of gU outside U's column space, through S⁻¹.
            let outside = try Tensor.binary(.sub, g64, Tensor.matmul(u64, x))
            inner = try Tensor.binary(.add, inner, scaleColumns(outside, reciprocals(s64, op: "svd")))
        }
        return try Tensor.matmul(inner, vt64).cast(to: dtype)
    }
    let vtVar = tape.record(vt, a) { g in
        let g64 = g.cast(to: .float64)
        // Vᵀ gV with gV = gVtᵀ is (gVt V)ᵀ.
        let y = try Tensor.matmul(g64, vt64.matrixTranspose).matrixTranspose
        let kk = try skewOverGaps(y, s64, squared: true, op: "svd", what: "singular values")
        var inner = try Tensor.matmul(scaleRows(kk, s64), vt64)
        if n > k {
            let outside = try Tensor.binary(.sub, g64, Tensor.matmul(y.matrixTranspose, vt64))
            inner = try Tensor.binary(.add, inner, scaleRows(outside, reciprocals(s64, op: "svd")))
        }
        return try Tensor.matmul(u64, inner).cast(to: dtype)
    }
    return (uVar, sVar, vtVar)
}

// MARK: - qr

/// Reduced QR `A = Q R` (see `Tensor.qr`). Differentiable for `m >= n` with R invertible
/// (A of full column rank): `gA = [gQ + Q (N − Qᵀ gQ)] R⁻ᵀ`, with
/// `N = gR Rᵀ + tril(W − Wᵀ, −1)` and `W = Qᵀ gQ − gR Rᵀ`. For wide matrices the pullback throws.
public func qr(_ a: Variable) throws -> (q: Variable, r: Variable) {
    let (q, r) = try Tensor.qr(a.value)
    let tape = Tape.current
    guard tape.tracks(a) else { return (Variable(q), Variable(r)) }
    let dtype = linalgFloatType(a.value)
    let m = a.shape[a.rank - 2], n = a.shape[a.rank - 1]
    let q64 = q.cast(to: .float64), r64 = r.cast(to: .float64)
    func finish(_ y: Tensor) throws -> Tensor {
        guard m >= n else {
            throw TensorError(.linalg, op: "qr", "the gradient of qr is only available for m >= n, got a \(m)x\(n) matrix")
        }
        // Y R⁻ᵀ = (R⁻¹ Yᵀ)ᵀ.
        return try Tensor.solve(r64, y.matrixTranspose).matrixTranspose.cast(to: dtype)
    }
    let qVar = tape.record(q, a) { g in
        let g64 = g.cast(to: .float64)
        let w = try Tensor.matmul(q64.matrixTranspose, g64)
        let nn = try strictLowerSkew(w)
        return try finish(Tensor.binary(.add, g64, Tensor.matmul(q64, Tensor.binary(.sub, nn, w))))
    }
    let rVar = tape.record(r, a) { g in
        let grt = try Tensor.matmul(g.cast(to: .float64), r64.matrixTranspose)
        let nn = try Tensor.binary(.add, grt, strictLowerSkew(grt.unary(.neg)))
        return try finish(Tensor.matmul(q64, nn))
    }
    return (qVar, rVar)
}

// MARK: - lstsq

/// Minimum-norm least squares (see `Tensor.lstsq`). With `P = A⁺` (pseudo-inverse) and
/// residual `r = B − A X` the pullbacks are `gB = Pᵀ G` and
/// `gA = −Pᵀ G Xᵀ + r Gᵀ P Pᵀ + Pᵀ X Gᵀ (I − P A)`.
/// For A of full column rank this is the normal-equation gradient (`P = (AᵀA)⁻¹Aᵀ`, last
/// term zero). It holds wherever the rank of A is locally constant (full column or row rank);
/// at a rank-deficient A the minimum-norm solution is not differentiable and the result is
/// only a one-sided answer.
public func lstsq(_ a: Variable, _ b: Variable, rcond: Double? = nil) throws -> Variable {
    let x = try Tensor.lstsq(a.value, b.value, rcond: rcond)
    let tape = Tape.current
    guard tape.tracks(a, b) else { return Variable(x) }
    let av = a.value.cast(to: .float64), bv = b.value
    return tape.record(x, a, b) { g in
        let (g2, x2, b2Shape) = liftRHS(g.cast(to: .float64), x.cast(to: .float64), bv)
        let p = try Tensor.pinv(av, rcond: rcond)
        let pt = p.matrixTranspose
        let gb2 = try Tensor.matmul(pt, g2)
        let gb = tape.index(b) >= 0 ? try gb2.sumToShape(b2Shape).viewing(as: bv.shape).cast(to: linalgFloatType(bv)) : nil
        guard tape.index(a) >= 0 else { return (nil, gb) }
        let b2 = bv.cast(to: .float64).viewing(as: b2Shape)
        let r = try Tensor.binary(.sub, b2, Tensor.matmul(av, x2))
        var ga = try Tensor.matmul(gb2, x2.matrixTranspose).unary(.neg)
        ga = try Tensor.binary(.add, ga, Tensor.matmul(Tensor.matmul(r, g2.matrixTranspose), Tensor.matmul(p, pt)))
        let n = av.shape[av.rank - 1]
        let projector = try Tensor.binary(.sub, Tensor.eye(n, dtype: .float64), Tensor.matmul(p, av))
        ga = try Tensor.binary(.add, ga, Tensor.matmul(Tensor.matmul(Tensor.matmul(pt, x2), g2.matrixTranspose), projector))
        return (try ga.sumToShape(av.shape).cast(to: linalgFloatType(a.value)), gb)
    }
}

// MARK: - Helpers

private func linalgFloatType(_ t: Tensor) -> DType { t.dtype.isFloating ? t.dtype : DefaultDType.float }

/// A vector right-hand side as a one-column matrix: returns G, X and B's shape lifted that way.
private func liftRHS(_ g: Tensor, _ x: Tensor, _ b: Tensor) -> (Tensor, Tensor, [Int]) {
    guard b.rank == 1 else { return (g, x, b.shape) }
    return (g.viewing(as: g.shape + [1]), x.viewing(as: x.shape + [1]), b.shape + [1])
}

/// `m` with column j multiplied by `v[..., j]` (that is, `m @ diag(v)`).
private func scaleColumns(_ m: Tensor, _ v: Tensor) throws -> Tensor {
    let k = v.shape.last ?? 1
    return try Tensor.binary(.mul, m, v.viewing(as: Array(v.shape.dropLast()) + [1, k]))
}

/// `m` with row i multiplied by `v[..., i]` (that is, `diag(v) @ m`).
private func scaleRows(_ m: Tensor, _ v: Tensor) throws -> Tensor {
    let k = v.shape.last ?? 1
    return try Tensor.binary(.mul, m, v.viewing(as: Array(v.shape.dropLast()) + [k, 1]))
}

private func reciprocals(_ s: Tensor, op: String) throws -> Tensor {
    let c = s.cast(to: .float64).contiguous()
    let p = c.pointer(Double.self)
    for i in 0..<c.count where p[i] == 0 {
        throw TensorError(.linalg, op: op, "the gradient of U or Vt needs nonzero singular values for a non-square matrix")
    }
    return try Tensor.binary(.div, Tensor(scalar: 1, dtype: .float64), c)
}

/// `(X − Xᵀ) / E` for each matrix of a stack, with `E_ij = f(v_j) − f(v_i)` (f = identity or
/// square) and zero diagonal; throws when two values coincide.
private func skewOverGaps(_ x: Tensor, _ values: Tensor, squared: Bool, op: String, what: String) throws -> Tensor {
    let xc = x.cast(to: .float64).contiguous(), vc = values.cast(to: .float64).contiguous()
    let k = vc.shape.last ?? 0
    let out = try Tensor.uninitialized(xc.shape, dtype: .float64)
    let px = xc.pointer(Double.self), pv = vc.pointer(Double.self), po = out.pointer(Double.self)
    for b in 0..<(k == 0 ? 0 : vc.count / k) {
        let xb = px + b * k * k, vb = pv + b * k, ob = po + b * k * k
        for i in 0..<k {
            ob[i * k + i] = 0
            for j in 0..<k where j != i {
                let gap = squared ? vb[j] * vb[j] - vb[i] * vb[i] : vb[j] - vb[i]
                guard gap != 0 else {
                    throw TensorError(.linalg, op: op, "the gradient is undefined: repeated \(what) (\(vb[i]))",
                                      hint: "use only the \(what), whose gradient exists")
                }
                ob[i * k + j] = (xb[i * k + j] - xb[j * k + i]) / gap
            }
        }
    }
    return out
}

/// `tril(W − Wᵀ, −1)` for each matrix of a stack.
private func strictLowerSkew(_ w: Tensor) throws -> Tensor {
    let wc = w.cast(to: .float64).contiguous()
    let k = wc.shape.last ?? 0
    let out = try Tensor.uninitialized(wc.shape, dtype: .float64)
    let pw = wc.pointer(Double.self), po = out.pointer(Double.self)
    for b in 0..<(k == 0 ? 0 : wc.count / (k * k)) {
        let wb = pw + b * k * k, ob = po + b * k * k
        for i in 0..<k { for j in 0..<k { ob[i * k + j] = i > j ? wb[i * k + j] - wb[j * k + i] : 0 } }
    }
    return out
}
