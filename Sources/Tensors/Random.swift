// Random tensors. Every function draws from a `RandomGenerator` (this thread's `current` one
// unless another is passed), in row-major order, so the same seed and the same sequence of
// calls give bit-identical tensors on every machine. Float32 and float64 results come from
// the same float64 draws, rounded.

// MARK: - Continuous distributions

extension Tensor {
    /// Uniform values in `[low, high)`.
    public static func uniform(_ shape: [Int], low: Double = 0, high: Double = 1, dtype: DType = DefaultDType.float,
                               generator: RandomGenerator = .current) throws -> Tensor {
        let op = "uniform"
        guard low.isFinite, high.isFinite, low < high else {
            throw TensorError(.value, op: op, "needs finite low < high, got low \(low) and high \(high)")
        }
        let out = try Tensor.uninitialized(shape, dtype: try floatDType(dtype, op: op), op: op)
        let n = out.count, width = high - low
        if dtype == .float32 {
            // Rounding to float32 can land on `high`; keep the interval half-open.
            let top = Float(high).nextDown
            let p = out.pointer(Float.self)
            for i in 0..<n { p[i] = Swift.min(Float(low + width * generator.nextDouble()), top) }
        } else {
            let p = out.pointer(Double.self)
            for i in 0..<n { p[i] = Swift.min(low + width * generator.nextDouble(), high.nextDown) }
        }
        return out
    }

    /// Normally distributed values with the given mean and standard deviation.
    public static func normal(_ shape: [Int], mean: Double = 0, std: Double = 1, dtype: DType = DefaultDType.float,
                              generator: RandomGenerator = .current) throws -> Tensor {
        let op = "normal"
        guard mean.isFinite, std.isFinite, std >= 0 else {
            throw TensorError(.value, op: op, "needs a finite mean and a finite std >= 0, got mean \(mean) and std \(std)")
        }
        let out = try Tensor.uninitialized(shape, dtype: try floatDType(dtype, op: op), op: op)
        // Draws come in pairs; an odd count drops the last second draw.
        if dtype == .float32 {
            generator.fillNormals(out.pointer(Float.self), count: out.count, mean: mean, std: std)
        } else {
            generator.fillNormals(out.pointer(Double.self), count: out.count, mean: mean, std: std)
        }
        return out
    }

    /// A Haar-distributed (uniformly random) `n x n` orthogonal matrix: the Q of the QR
    /// decomposition of a standard Gaussian matrix, with each column multiplied by the sign of
    /// R's diagonal entry. Without that correction Q would be biased by LAPACK's sign choice
    /// (Mezzadri, "How to generate random matrices from the classical compact groups").
    public static func orthogonal(_ n: Int, dtype: DType = DefaultDType.float, generator: RandomGenerator = .current) throws -> Tensor {
        let op = "orthogonal"
        guard n >= 0 else { throw TensorError(.value, op: op, "needs a size n >= 0, got \(n)") }
        let target = try floatDType(dtype, op: op)
        let g = try normal([n, n], dtype: .float64, generator: generator)
        let (q, r) = try qr(g)
        let pq = q.pointer(Double.self), pr = r.pointer(Double.self)
        for j in 0..<n where pr[j * n + j] < 0 {
            for i in 0..<n { pq[i * n + j] = -pq[i * n + j] }
        }
        return q.cast(to: target)
    }
}

// MARK: - Discrete distributions

extension Tensor {
    /// Uniform integers in `low..<high` (int64), without modulo bias.
    public static func randint(_ low: Int, _ high: Int, shape: [Int], generator: RandomGenerator = .current) throws -> Tensor {
        let op = "randint"
        guard high > low else {
            throw TensorError(.value, op: op, "needs high > low, got low \(low) and high \(high)")
        }
        let out = try Tensor.uninitialized(shape, dtype: .int64, op: op)
        // The width fits in UInt64 even when high - low overflows Int.
        let width = UInt64(bitPattern: Int64(high)) &- UInt64(bitPattern: Int64(low))
        let p = out.pointer(Int.self)
        for i in 0..<out.count { p[i] = low &+ Int(truncatingIfNeeded: generator.nextBelow(width)) }
        return out
    }

    /// 1 with probability `p`, else 0, in the given float dtype (or int64/bool when asked).
    public static func bernoulli(_ p: Double, shape: [Int], dtype: DType = DefaultDType.float,
                                 generator: RandomGenerator = .current) throws -> Tensor {
        let op = "bernoulli"
        guard p >= 0, p <= 1 else {
            throw TensorError(.value, op: op, "needs a probability in [0, 1], got \(p)")
        }
        let out = try Tensor.uninitialized(shape, dtype: .float64, op: op)
        let q = out.pointer(Double.self)
        for i in 0..<out.count { q[i] = generator.nextDouble() < p ? 1 : 0 }
        return out.cast(to: dtype)
    }

    /// 1 with probability `probabilities[i]` at each position (the result has their shape and
    /// dtype, float32 for integer input). Every probability must be in [0, 1].
    public static func bernoulli(_ probabilities: Tensor, generator: RandomGenerator = .current) throws -> Tensor {
        let op = "bernoulli"
        let probs = probabilities.cast(to: .float64).contiguous()
        let pp = probs.pointer(Double.self)
        for i in 0..<probs.count where !(pp[i] >= 0 && pp[i] <= 1) {
            throw TensorError(.value, op: op, "needs probabilities in [0, 1], got \(pp[i]) at flat index \(i)")
        }
        let out = Tensor.uncheckedEmpty(probs.shape, count: probs.count, dtype: .float64)
        let q = out.pointer(Double.self)
        for i in 0..<probs.count { q[i] = generator.nextDouble() < pp[i] ? 1 : 0 }
        return out.cast(to: probabilities.dtype.isFloating ? probabilities.dtype : DefaultDType.float)
    }

    /// A random ordering of `0..<n` (int64), by Fisher–Yates shuffle.
    public static func permutation(_ n: Int, generator: RandomGenerator = .current) throws -> Tensor {
        let op = "permutation"
        guard n >= 0 else { throw TensorError(.value, op: op, "needs n >= 0, got \(n)") }
        let out = try Tensor.uninitialized([n], dtype: .int64, op: op)
        let p = out.pointer(Int.self)
        for i in 0..<n { p[i] = i }
        var i = n - 1
        while i > 0 {
            let j = Int(generator.nextBelow(UInt64(i + 1)))
            let t = p[i]; p[i] = p[j]; p[j] = t
            i -= 1
        }
        return out
    }

    /// `size` indices drawn from `0..<n` (int64), uniformly or with the given probabilities,
    /// with or without replacement.
    ///
    /// With probabilities and replacement each draw inverts the cumulative distribution (binary
    /// search); without replacement items are drawn one at a time in proportion to the weights
    /// still left (as NumPy does).
    public static func choice(_ n: Int, size: Int, probabilities: [Double]? = nil, replace: Bool = true,
                              generator: RandomGenerator = .current) throws -> Tensor {
        let op = "choice"
        guard n >= 0, size >= 0 else {
            throw TensorError(.value, op: op, "needs n >= 0 and size >= 0, got n \(n) and size \(size)")
        }
        let out = try Tensor.uninitialized([size], dtype: .int64, op: op)
        if size == 0 { return out }
        guard n > 0 else { throw TensorError(.value, op: op, "cannot choose \(size) items from an empty population") }
        let p = out.pointer(Int.self)
        if let probabilities {
            try checkProbabilities(probabilities, n: n, op: op)
            if replace {
                var cdf = [Double](repeating: 0, count: n)
                var total = 0.0
                for i in 0..<n { total += probabilities[i]; cdf[i] = total }
                for s in 0..<size { p[s] = searchCDF(cdf, generator.nextDouble() * total) }
            } else {
                let positive = probabilities.lazy.filter { $0 > 0 }.count
                guard size <= positive else {
                    throw TensorError(.value, op: op, "cannot choose \(size) items without replacement: only \(positive) have nonzero probability")
                }
                var weights = probabilities
                for s in 0..<size {
                    var total = 0.0
                    for w in weights { total += w }
                    let u = generator.nextDouble() * total
                    var acc = 0.0, pick = -1
                    for i in 0..<n where weights[i] > 0 {
                        pick = i
                        acc += weights[i]
                        if u < acc { break }
                    }
                    p[s] = pick
                    weights[pick] = 0
                }
            }
        } else if replace {
            for s in 0..<size { p[s] = Int(generator.nextBelow(UInt64(n))) }
        } else {
            guard size <= n else {
                throw TensorError(.value, op: op, "cannot choose \(size) items from \(n) without replacement",
                                  hint: "use replace: true, or a size of at most \(n)")
            }
            // A partial Fisher–Yates shuffle: the first `size` slots are the sample.
            var pool = Array(0..<n)
            for s in 0..<size {
                let j = s + Int(generator.nextBelow(UInt64(n - s)))
                pool.swapAt(s, j)
                p[s] = pool[s]
            }
        }
        return out
    }

    /// `size` rows (entries along axis 0) of `values`, chosen as `choice(n, ...)` chooses indices.
    public static func choice(_ values: Tensor, size: Int, probabilities: [Double]? = nil, replace: Bool = true,
                              generator: RandomGenerator = .current) throws -> Tensor {
        guard values.rank >= 1 else {
            throw TensorError(.shape, op: "choice", "needs values with at least one dimension, got shape \(TensorError.show(values.shape))")
        }
        let rows = values.shape[0]
        let index = try choice(rows, size: size, probabilities: probabilities, replace: replace, generator: generator)
        let src = values.contiguous()
        let rowShape = Array(values.shape.dropFirst())
        let out = try Tensor.uninitialized([size] + rowShape, dtype: values.dtype, op: "choice")
        let rowBytes = Shape.count(rowShape) * values.dtype.byteWidth
        let pi = index.pointer(Int.self)
        let base = src.storage.base + src.offset * values.dtype.byteWidth
        for s in 0..<size {
            (out.storage.base + s * rowBytes).copyMemory(from: base + pi[s] * rowBytes, byteCount: rowBytes)
        }
        return out
    }
}

// MARK: - RandomGenerator conveniences

extension RandomGenerator {
    /// Uniform values in `[low, high)` from this generator.
    public func uniform(_ shape: [Int], low: Double = 0, high: Double = 1, dtype: DType = DefaultDType.float) throws -> Tensor {
        try Tensor.uniform(shape, low: low, high: high, dtype: dtype, generator: self)
    }

    /// Normal values from this generator.
    public func normal(_ shape: [Int], mean: Double = 0, std: Double = 1, dtype: DType = DefaultDType.float) throws -> Tensor {
        try Tensor.normal(shape, mean: mean, std: std, dtype: dtype, generator: self)
    }

    /// Uniform integers in `low..<high` from this generator.
    public func randint(_ low: Int, _ high: Int, shape: [Int]) throws -> Tensor {
        try Tensor.randint(low, high, shape: shape, generator: self)
    }
}

// MARK: - Helpers

extension Tensor {
    fileprivate static func floatDType(_ dtype: DType, op: String) throws -> DType {
        guard dtype.isFloating else {
            throw TensorError(.dtype, op: op, "makes float tensors; \(dtype) was asked for", hint: "use float32 or float64")
        }
        return dtype
    }

    /// Probabilities must be one per item, finite, non-negative and sum to 1 (within 1e-6, so
    /// float32-rounded weights pass); they are used as given, not renormalized beyond that.
    fileprivate static func checkProbabilities(_ probs: [Double], n: Int, op: String) throws {
        guard probs.count == n else {
            throw TensorError(.shape, op: op, "got \(probs.count) probabilities for \(n) items")
        }
        var total = 0.0
        for (i, q) in probs.enumerated() {
            guard q.isFinite, q >= 0 else {
                throw TensorError(.value, op: op, "probability \(i) is \(q); probabilities must be finite and >= 0")
            }
            total += q
        }
        guard Swift.abs(total - 1) <= 1e-6 else {
            throw TensorError(.value, op: op, "probabilities sum to \(total), not 1", hint: "divide them by their sum")
        }
    }

    /// The first index whose cumulative weight exceeds `u` (`u` < total, so one always does;
    /// zero-weight items are never chosen since their cdf equals the previous one).
    fileprivate static func searchCDF(_ cdf: [Double], _ u: Double) -> Int {
        var lo = 0, hi = cdf.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cdf[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
