// Gamma, beta and Dirichlet tensors, all built on `GammaSampler`. Elements are drawn in
// row-major order of the result, one after another from one generator, so the same seed and
// the same calls give the same bits on every machine and for any thread count. Float32 results
// are the float64 draws rounded.

extension Tensor {
    /// Gamma(alpha, 1) draws (shape parameter `alpha`, scale 1; multiply by θ for scale θ).
    ///
    /// `alpha` is broadcast to `shape` (its own shape when `shape` is nil), so a tensor of
    /// concentrations gives one draw per concentration. Every concentration must be finite and
    /// at least 1e-300 (see `GammaSampler.minimumAlpha`).
    public static func gamma(_ alpha: Tensor, shape: [Int]? = nil, dtype: DType = DefaultDType.float,
                             generator: RandomGenerator = .current) throws -> Tensor {
        let op = "gamma"
        let target = shape ?? alpha.shape
        let a = try concentrations(alpha, broadcastTo: target, name: "alpha", op: op)
        let out = try Tensor.uninitialized(target, dtype: .float64, op: op)
        let pa = a.pointer(Double.self), po = out.pointer(Double.self)
        var sampler = GammaSampler(generator)
        for i in 0..<out.count { po[i] = sampler.next(pa[i]) }
        return out.cast(to: try samplerDType(dtype, op: op))
    }

    /// Beta(a, b) draws on [0, 1]: X / (X + Y) with X ~ Gamma(a) and Y ~ Gamma(b), drawn in that
    /// order for each element. Computed from the logarithms of X and Y, so concentrations far
    /// below 1 (whose gamma draws underflow to 0) still give draws, not 0/0.
    ///
    /// `a` and `b` broadcast together and to `shape` (their broadcast shape when nil).
    public static func beta(_ a: Tensor, _ b: Tensor, shape: [Int]? = nil, dtype: DType = DefaultDType.float,
                            generator: RandomGenerator = .current) throws -> Tensor {
        let op = "beta"
        let target = try shape ?? Shape.broadcast(a.shape, b.shape, op: op)
        let pa = try concentrations(a, broadcastTo: target, name: "a", op: op)
        let pb = try concentrations(b, broadcastTo: target, name: "b", op: op)
        let out = try Tensor.uninitialized(target, dtype: .float64, op: op)
        let xa = pa.pointer(Double.self), xb = pb.pointer(Double.self), po = out.pointer(Double.self)
        var sampler = GammaSampler(generator)
        for i in 0..<out.count {
            let lx = sampler.nextLog(xa[i]), ly = sampler.nextLog(xb[i])
            // X / (X + Y) = 1 / (1 + e^(log Y − log X)); an overflowing exponential gives 0.
            po[i] = 1 / (1 + portableExp(ly - lx))
        }
        return out.cast(to: try samplerDType(dtype, op: op))
    }

    /// Dirichlet(alpha) draws: each row along the last axis is a probability vector (non-negative,
    /// summing to 1 up to rounding), the normalized Gamma(alpha_k) draws of its K entries.
    ///
    /// `alpha` has K concentrations on its last axis (shape [K], or [..., K] for a different
    /// alpha per row); the result has shape `shape + [K]`, alpha's leading axes broadcasting to
    /// `shape` (which defaults to them). `dirichlet(ones([K]), shape: [K])` is a random K×K
    /// row-stochastic matrix, uniform over such matrices.
    ///
    /// Rows are normalized from the logarithms of the gamma draws (the largest factored out), so
    /// concentrations far below 1 give rows close to one-hot vectors rather than 0/0.
    public static func dirichlet(_ alpha: Tensor, shape: [Int]? = nil, dtype: DType = DefaultDType.float,
                                 generator: RandomGenerator = .current) throws -> Tensor {
        let op = "dirichlet"
        guard let k = alpha.shape.last else {
            throw TensorError(.shape, op: op, "needs alpha with the K concentrations on its last axis, got a scalar",
                              hint: "for K equal concentrations c use c * ones([K])")
        }
        guard k >= 1 else {
            throw TensorError(.shape, op: op, "needs at least one concentration, got alpha of shape \(TensorError.show(alpha.shape))")
        }
        let target = (shape ?? Array(alpha.shape.dropLast())) + [k]
        let a = try concentrations(alpha, broadcastTo: target, name: "alpha", op: op)
        let out = try Tensor.uninitialized(target, dtype: .float64, op: op)
        let pa = a.pointer(Double.self), po = out.pointer(Double.self)
        var sampler = GammaSampler(generator)
        for row in 0..<(out.count / k) {
            let base = row * k
            var top = -Double.infinity
            for j in 0..<k {
                po[base + j] = sampler.nextLog(pa[base + j])
                top = Swift.max(top, po[base + j])
            }
            // Every log is finite (alpha ≥ 1e-300), so the largest entry becomes e^0 = 1 and the
            // sum is at least 1: no division by zero, no NaN.
            var total = 0.0
            for j in 0..<k {
                po[base + j] = portableExp(po[base + j] - top)
                total += po[base + j]
            }
            for j in 0..<k { po[base + j] /= total }
        }
        return out.cast(to: try samplerDType(dtype, op: op))
    }

    /// Gamma(alpha, 1) draws for one concentration.
    public static func gamma(_ alpha: Double, shape: [Int], dtype: DType = DefaultDType.float,
                             generator: RandomGenerator = .current) throws -> Tensor {
        try gamma(Tensor(scalar: alpha, dtype: .float64), shape: shape, dtype: dtype, generator: generator)
    }
}

// MARK: - Checks

extension Tensor {
    /// `t`'s values as dense float64 of shape `target` after checking that every one is a
    /// usable concentration and that `t` broadcasts to `target`.
    fileprivate static func concentrations(_ t: Tensor, broadcastTo target: [Int], name: String, op: String) throws -> Tensor {
        // Size-checked first: a broadcast view can be far larger once dense and in float64.
        _ = try Shape.checkedCount(t.shape, dtype: .float64, op: op)
        let values = try t.checkedCast(to: .float64, op: op).contiguous()
        let p = values.pointer(Double.self)
        for i in 0..<values.count where !(p[i].isFinite && p[i] >= GammaSampler.minimumAlpha) {
            let at = values.count == 1 ? "" : " at flat index \(i)"
            throw TensorError(.value, op: op, "\(name) must be finite and positive (at least 1e-300), got \(p[i])\(at)")
        }
        let joint = try Shape.broadcast(t.shape, target, op: op)
        guard joint == target else {
            throw TensorError.shapeMismatch(op, t.shape, target, "do not match: \(name) must broadcast to the result's shape")
        }
        // Checked before allocating: the result is about to be this size too.
        _ = try Shape.checkedCount(target, dtype: .float64, op: op)
        return try values.expanded(to: target).contiguous()
    }

    fileprivate static func samplerDType(_ dtype: DType, op: String) throws -> DType {
        guard dtype.isFloating else {
            throw TensorError(.dtype, op: op, "makes float tensors; \(dtype) was asked for", hint: "use float32 or float64")
        }
        return dtype
    }
}
