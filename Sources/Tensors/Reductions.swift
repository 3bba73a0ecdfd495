import RealModule

// Reductions beyond `sum` (Reduce.swift): each plans with `ReductionPlan`, so every output
// element reduces one dense run of memory, and the kernels are generic over the element type.

/// Which vector norm `norm` computes over the reduced elements.
public enum NormOrder: Sendable, Equatable {
    /// Sum of absolute values.
    case l1
    /// Square root of the sum of squares (Frobenius for matrices, Euclidean for vectors).
    case l2

    /// Parses the user's spelling: `1`, `"l1"`; `2`, `"l2"`, `"fro"`.
    public init?(name: String) {
        switch name.lowercased() {
        case "1", "l1": self = .l1
        case "2", "l2", "fro": self = .l2
        default: return nil
        }
    }
}

// MARK: - Drivers

extension ReductionPlan {
    /// Calls `body` once per output element with the dense run it reduces. Inlined so `body`
    /// becomes the loop body.
    @inline(__always)
    func reduceRows<T, R>(_ src: Tensor, _: T.Type, into out: Tensor, _: R.Type,
                          _ body: (UnsafeMutablePointer<T>, Int) -> R) {
        let p = src.pointer(T.self), o = out.pointer(R.self)
        let n = inner
        for i in 0..<outer { o[i] = body(p + i * n, n) }
    }

    /// Throws when the reduced runs are empty for an op that has no value for an empty set.
    func requireNonEmpty(_ op: String, _ shape: [Int]) throws {
        if inner == 0 && outer > 0 {
            throw TensorError(.value, op: op, "cannot reduce over an empty axis (shape \(TensorError.show(shape)))",
                              hint: "\(op) of no elements is undefined")
        }
    }
}

/// The mean of a dense run, as `mean` computes it (variance and std reuse it so their
/// gradients see the very same mean).
@inline(__always)
func denseMean<T: FloatElement>(_ p: UnsafeMutablePointer<T>, _ n: Int) -> T {
    denseSum(p, n) / T(n)
}

/// The sum of squared deviations from `m` over a dense run.
@inline(__always)
func denseSquaredDeviation<T: FloatElement>(_ p: UnsafeMutablePointer<T>, _ n: Int, _ m: T) -> T {
    if T.self == Float.self {
        return unsafeBitCast(DenseSIMD.squaredDeviation(floatPointer(p), n, unsafeBitCast(m, to: Float.self), SIMD8<Float>.self), to: T.self)
    }
    return unsafeBitCast(DenseSIMD.squaredDeviation(doublePointer(p), n, unsafeBitCast(m, to: Double.self), SIMD4<Double>.self), to: T.self)
}

/// The largest element of a dense run; NaN when any element is NaN (as in NumPy).
@inline(__always)
func denseMax<T: FloatElement>(_ p: UnsafeMutablePointer<T>, _ n: Int) -> T {
    if T.self == Float.self { return unsafeBitCast(DenseSIMD.extremeFloat(floatPointer(p), n, largest: true), to: T.self) }
    return unsafeBitCast(DenseSIMD.extremeDouble(doublePointer(p), n, largest: true), to: T.self)
}

/// The smallest element of a dense run; NaN when any element is NaN.
@inline(__always)
func denseMin<T: FloatElement>(_ p: UnsafeMutablePointer<T>, _ n: Int) -> T {
    if T.self == Float.self { return unsafeBitCast(DenseSIMD.extremeFloat(floatPointer(p), n, largest: false), to: T.self) }
    return unsafeBitCast(DenseSIMD.extremeDouble(doublePointer(p), n, largest: false), to: T.self)
}

/// exp(src[k] - shift) for each of `n` dense elements, written to `dst` when given; returns
/// their sum. Floats use the vector exp (`DenseSIMD.exp`), doubles libm's.
@inline(__always)
func denseShiftedExp<T: FloatElement>(_ src: UnsafeMutablePointer<T>, _ n: Int, minus shift: T,
                                      into dst: UnsafeMutablePointer<T>?) -> T {
    if T.self == Float.self {
        let p = floatPointer(src), sh = unsafeBitCast(shift, to: Float.self)
        let sv = SIMD8<Float>(repeating: sh)
        var acc = SIMD8<Float>()
        var j = 0
        if let dst {
            let o = floatPointer(dst)
            while j + 8 <= n {
                let e = DenseSIMD.exp(DenseSIMD.load(p, j, SIMD8<Float>.self) - sv)
                UnsafeMutableRawPointer(o + j).storeBytes(of: e, as: SIMD8<Float>.self)
                acc += e
                j += 8
            }
        } else {
            while j + 8 <= n {
                acc += DenseSIMD.exp(DenseSIMD.load(p, j, SIMD8<Float>.self) - sv)
                j += 8
            }
        }
        var s = acc.sum()
        while j < n {
            let e = Float.exp(p[j] - sh)
            if let dst { floatPointer(dst)[j] = e }
            s += e
            j += 1
        }
        return unsafeBitCast(s, to: T.self)
    }
    var s: T = 0
    if let dst {
        for j in 0..<n { let e = T.exp(src[j] - shift); dst[j] = e; s += e }
    } else {
        for j in 0..<n { s += T.exp(src[j] - shift) }
    }
    return s
}

/// log(sum(exp(p))) computed as m + log(sum(exp(p - m))) with m the maximum, so large values
/// do not overflow. An all -inf run gives -inf; a run holding +inf gives +inf.
@inline(__always)
func denseLogSumExp<T: FloatElement>(_ p: UnsafeMutablePointer<T>, _ n: Int) -> T {
    let m = denseMax(p, n)
    if !m.isFinite { return m }
    return m + T.log(denseShiftedExp(p, n, minus: m, into: nil))
}

extension Tensor {
    /// The float dtype a float-valued reduction of this tensor produces.
    var floatResultDType: DType { dtype.isFloating ? dtype : DefaultDType.float }

    /// Runs `body` on the plan's source cast to the float result dtype, writing one value per
    /// output element.
    @inline(__always)
    func floatReduce(_ op: String, axes: [Int]?, keepdims: Bool,
                     _ body32: (UnsafeMutablePointer<Float>, Int) -> Float,
                     _ body64: (UnsafeMutablePointer<Double>, Int) -> Double) throws -> Tensor {
        let plan = try ReductionPlan(self, axes: axes, op: op)
        let dt = floatResultDType
        let out = try Tensor.uninitialized(plan.shape(keepdims: keepdims), dtype: dt, op: op)
        let src = try plan.source.checkedCast(to: dt, op: op)
        if dt == .float32 {
            plan.reduceRows(src, Float.self, into: out, Float.self, body32)
        } else {
            plan.reduceRows(src, Double.self, into: out, Double.self, body64)
        }
        return out
    }
}

// MARK: - Mean, variance, standard deviation

extension Tensor {
    /// Arithmetic mean over `axes` (all when nil). Integer inputs give the default float dtype.
    /// The mean of no elements is NaN, as in NumPy.
    public func mean(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        if let split = ReductionPlan.leadingSplit(self, axes: axes) {
            let dt = floatResultDType
            let out = try Tensor.uninitialized(keepdims ? split.kept : split.dropped, dtype: dt, op: "mean")
            let src = try checkedCast(to: dt, op: "mean")
            func run<T: FloatElement>(_: T.Type) {
                let o = out.pointer(T.self)
                columnSum(src.pointer(T.self), rows: split.rows, cols: split.cols, into: o, +)
                let scale = 1 / T(split.rows)
                for j in 0..<split.cols { o[j] *= scale }
            }
            if dt == .float32 { run(Float.self) } else { run(Double.self) }
            return out
        }
        return try floatReduce("mean", axes: axes, keepdims: keepdims, { denseMean($0, $1) }, { denseMean($0, $1) })
    }

    /// Variance over `axes`: the sum of squared deviations from the mean divided by
    /// `N - correction` (NumPy's `ddof`; 0 gives the population variance, 1 the unbiased
    /// estimate). When `N - correction <= 0` the result is inf or NaN, as in NumPy.
    public func variance(axes: [Int]? = nil, correction: Double = 0, keepdims: Bool = false) throws -> Tensor {
        try Tensor.checkCorrection(correction, op: "var")
        return try floatReduce("var", axes: axes, keepdims: keepdims, { p, n in
            denseSquaredDeviation(p, n, denseMean(p, n)) / Float(Swift.max(Double(n) - correction, 0))
        }, { p, n in
            denseSquaredDeviation(p, n, denseMean(p, n)) / Swift.max(Double(n) - correction, 0)
        })
    }

    /// Standard deviation over `axes`: the square root of `variance` with the same `correction`.
    public func std(axes: [Int]? = nil, correction: Double = 0, keepdims: Bool = false) throws -> Tensor {
        try variance(axes: axes, correction: correction, keepdims: keepdims).unary(.sqrt)
    }

    static func checkCorrection(_ c: Double, op: String) throws {
        guard c >= 0, c.isFinite else {
            throw TensorError(.value, op: op, "correction must be a finite number >= 0, got \(c)")
        }
    }
}

// MARK: - Max, min, argmax, argmin

extension Tensor {
    /// The largest element over `axes` (NaN if any is NaN). Integer and boolean tensors keep
    /// their dtype. Throws for an empty axis, which has no maximum.
    public func amax(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        try extreme("amax", axes: axes, keepdims: keepdims, largest: true)
    }

    /// The smallest element over `axes` (NaN if any is NaN). See `amax`.
    public func amin(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        try extreme("amin", axes: axes, keepdims: keepdims, largest: false)
    }

    private func extreme(_ op: String, axes: [Int]?, keepdims: Bool, largest: Bool) throws -> Tensor {
        if dtype.isFloating, let split = ReductionPlan.leadingSplit(self, axes: axes) {
            // Over leading (batch) axes: fold whole rows elementwise, no permute copy.
            if split.rows == 0 && split.cols > 0 {
                throw TensorError(.value, op: op, "cannot reduce over an empty axis (shape \(TensorError.show(shape)))",
                                  hint: "\(op) of no elements is undefined")
            }
            let out = try Tensor.uninitialized(keepdims ? split.kept : split.dropped, dtype: dtype, op: op)
            func run<T: FloatElement>(_: T.Type) {
                let p = pointer(T.self), o = out.pointer(T.self)
                if split.cols == 0 { return }
                o.update(from: p, count: split.cols)
                for i in 1..<Swift.max(split.rows, 1) {
                    let row = p + i * split.cols
                    // NaN wins: once stored, no comparison with it is true.
                    if largest {
                        for j in 0..<split.cols { let v = row[j]; o[j] = v > o[j] || v != v ? v : o[j] }
                    } else {
                        for j in 0..<split.cols { let v = row[j]; o[j] = v < o[j] || v != v ? v : o[j] }
                    }
                }
            }
            if dtype == .float32 { run(Float.self) } else { run(Double.self) }
            return out
        }
        let plan = try ReductionPlan(self, axes: axes, op: op)
        try plan.requireNonEmpty(op, shape)
        let out = try Tensor.uninitialized(plan.shape(keepdims: keepdims), dtype: dtype, op: op)
        let src = plan.source
        func integer<T: FixedWidthInteger>(_: T.Type) {
            if largest {
                plan.reduceRows(src, T.self, into: out, T.self) { p, n in
                    var m = T.min
                    for j in 0..<n where p[j] > m { m = p[j] }
                    return m
                }
            } else {
                plan.reduceRows(src, T.self, into: out, T.self) { p, n in
                    var m = T.max
                    for j in 0..<n where p[j] < m { m = p[j] }
                    return m
                }
            }
        }
        func float<T: FloatElement>(_: T.Type) {
            if largest {
                plan.reduceRows(src, T.self, into: out, T.self) { denseMax($0, $1) }
            } else {
                plan.reduceRows(src, T.self, into: out, T.self) { denseMin($0, $1) }
            }
        }
        switch dtype {
        case .float32: float(Float.self)
        case .float64: float(Double.self)
        case .int64: integer(Int.self)
        case .bool: integer(UInt8.self)
        }
        return out
    }

    /// The index of the largest element along `axis` (over the flattened tensor when nil), as
    /// int64. Ties go to the first occurrence; a NaN counts as the largest (as in NumPy).
    public func argmax(axis: Int? = nil, keepdims: Bool = false) throws -> Tensor {
        try argExtreme("argmax", axis: axis, keepdims: keepdims, largest: true)
    }

    /// The index of the smallest element along `axis`; see `argmax`.
    public func argmin(axis: Int? = nil, keepdims: Bool = false) throws -> Tensor {
        try argExtreme("argmin", axis: axis, keepdims: keepdims, largest: false)
    }

    private func argExtreme(_ op: String, axis: Int?, keepdims: Bool, largest: Bool) throws -> Tensor {
        let plan = try ReductionPlan(self, axes: axis.map { [$0] }, op: op)
        try plan.requireNonEmpty(op, shape)
        let out = try Tensor.uninitialized(plan.shape(keepdims: keepdims), dtype: .int64, op: op)
        let src = plan.source
        func integer<T: FixedWidthInteger>(_: T.Type) {
            plan.reduceRows(src, T.self, into: out, Int.self) { p, n in
                var best = 0
                for j in 1..<Swift.max(n, 1) where largest ? p[j] > p[best] : p[j] < p[best] { best = j }
                return best
            }
        }
        func float<T: FloatElement>(_: T.Type) {
            // Two passes, both fast: the extreme value on SIMD registers, then the first
            // element equal to it (or the first NaN, when the extreme is NaN).
            plan.reduceRows(src, T.self, into: out, Int.self) { p, n in
                let m = largest ? denseMax(p, n) : denseMin(p, n)
                if m.isNaN {
                    for j in 0..<n where p[j].isNaN { return j }
                }
                for j in 0..<n where p[j] == m { return j }
                return 0
            }
        }
        switch dtype {
        case .float32: float(Float.self)
        case .float64: float(Double.self)
        case .int64: integer(Int.self)
        case .bool: integer(UInt8.self)
        }
        return out
    }
}

// MARK: - logsumexp, prod, norm

extension Tensor {
    /// log(sum(exp(x))) over `axes`, computed stably (the maximum is factored out), so huge
    /// inputs stay finite. The logsumexp of no elements is -inf.
    public func logsumexp(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        try floatReduce("logsumexp", axes: axes, keepdims: keepdims, { denseLogSumExp($0, $1) }, { denseLogSumExp($0, $1) })
    }

    /// Product over `axes`. Integer and boolean tensors multiply as int64 and throw when a
    /// product does not fit (no silent wrap-around). The product of no elements is 1.
    public func prod(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        if dtype.isFloating {
            return try floatReduce("prod", axes: axes, keepdims: keepdims, { p, n in
                var acc: Float = 1
                for j in 0..<n { acc *= p[j] }
                return acc
            }, { p, n in
                var acc: Double = 1
                for j in 0..<n { acc *= p[j] }
                return acc
            })
        }
        let plan = try ReductionPlan(self, axes: axes, op: "prod")
        let out = try Tensor.uninitialized(plan.shape(keepdims: keepdims), dtype: .int64, op: "prod")
        let src = try plan.source.checkedCast(to: .int64, op: "prod")
        var overflowed = false
        plan.reduceRows(src, Int.self, into: out, Int.self) { p, n in
            var acc = 1
            for j in 0..<n {
                let (r, o) = acc.multipliedReportingOverflow(by: p[j])
                overflowed = overflowed || o
                acc = r
            }
            return acc
        }
        if overflowed { throw TensorError.intOverflow("prod", "the product does not fit in int64") }
        return out
    }

    /// The vector norm of the elements over `axes` (all when nil): `.l2` (also called "fro")
    /// is sqrt(sum x²), `.l1` is sum |x|. Matrices are treated as flat vectors, so `.l2` of a
    /// matrix is its Frobenius norm, not its spectral norm.
    public func norm(_ ord: NormOrder = .l2, axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        switch ord {
        case .l1:
            return try floatReduce("norm", axes: axes, keepdims: keepdims, { p, n in
                var acc: Float = 0
                for j in 0..<n { acc += Swift.abs(p[j]) }
                return acc
            }, { p, n in
                var acc: Double = 0
                for j in 0..<n { acc += Swift.abs(p[j]) }
                return acc
            })
        case .l2:
            return try floatReduce("norm", axes: axes, keepdims: keepdims, {
                denseSquaredDeviation($0, $1, 0).squareRoot()
            }, {
                denseSquaredDeviation($0, $1, 0).squareRoot()
            })
        }
    }
}

// MARK: - any, all

extension Tensor {
    /// True where any element over `axes` is nonzero (false for no elements). Boolean result.
    public func any(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        try truth("any", axes: axes, keepdims: keepdims, any: true)
    }

    /// True where every element over `axes` is nonzero (true for no elements). Boolean result.
    public func all(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        try truth("all", axes: axes, keepdims: keepdims, any: false)
    }

    private func truth(_ op: String, axes: [Int]?, keepdims: Bool, any: Bool) throws -> Tensor {
        let plan = try ReductionPlan(self.cast(to: .bool), axes: axes, op: op)
        let out = try Tensor.uninitialized(plan.shape(keepdims: keepdims), dtype: .bool, op: op)
        if any {
            plan.reduceRows(plan.source, UInt8.self, into: out, UInt8.self) { p, n in
                var acc: UInt8 = 0
                for j in 0..<n { acc |= p[j] }
                return acc
            }
        } else {
            plan.reduceRows(plan.source, UInt8.self, into: out, UInt8.self) { p, n in
                var acc: UInt8 = 1
                for j in 0..<n { acc &= p[j] }
                return acc
            }
        }
        return out
    }
}

// MARK: - cumsum

/// A tensor seen as `[outer, n, inner]` around one axis: the layout of every op that works
/// along a single axis (cumsum, softmax, cross-entropy, layer norm) on dense memory.
struct AxisSplit {
    let axis: Int, outer: Int, n: Int, inner: Int

    init(_ shape: [Int], axis requested: Int, op: String) throws {
        guard !shape.isEmpty else {
            throw TensorError(.shape, op: op, "needs a tensor with at least one axis, got a scalar")
        }
        axis = try Shape.axis(requested, rank: shape.count, op: op)
        n = shape[axis]
        // A zero-size tensor can have dimensions whose product overflows Int ([10**10, 10**10, 0]);
        // wrapped counts would make kernels loop or trap, so such shapes are refused.
        var before = 1, after = 1, overflow = false
        for d in shape[..<axis] { let (m, o) = before.multipliedReportingOverflow(by: d); before = m; overflow = overflow || o }
        for d in shape[(axis + 1)...] { let (m, o) = after.multipliedReportingOverflow(by: d); after = m; overflow = overflow || o }
        guard !overflow, !before.multipliedReportingOverflow(by: after).overflow else {
            throw TensorError(.size, op: op, "shape \(TensorError.show(shape)) has too many positions along axis \(axis)")
        }
        outer = before
        inner = after
    }

    /// The shape with `axis` removed: one entry per position along which the op works.
    static func positions(_ shape: [Int], axis: Int) -> [Int] {
        var s = shape
        s.remove(at: axis)
        return s
    }
}

extension Tensor {
    /// Running sum along `axis` (from the end when `reverse`). Integer and boolean tensors
    /// accumulate as int64 and throw when a running sum does not fit.
    public func cumsum(axis: Int, reverse: Bool = false) throws -> Tensor {
        let split = try AxisSplit(shape, axis: axis, op: "cumsum")
        let dt: DType = dtype.isFloating ? dtype : .int64
        // Checked: a bool tensor under the size limit can be over it as int64.
        let out = try Tensor.uninitialized(shape, dtype: dt, op: "cumsum")
        let src = try checkedCast(to: dt, op: "cumsum").contiguous()
        func run<T: AdditiveArithmetic>(_: T.Type, _ add: (T, T) -> T) {
            let p = src.pointer(T.self), o = out.pointer(T.self)
            let n = split.n, inner = split.inner
            if n == 0 || inner == 0 { return }
            if inner == 1 {
                for b in 0..<split.outer {
                    let x = p + b * n, y = o + b * n
                    var acc = T.zero
                    if reverse {
                        var k = n - 1
                        while k >= 0 { acc = add(acc, x[k]); y[k] = acc; k -= 1 }
                    } else {
                        for k in 0..<n { acc = add(acc, x[k]); y[k] = acc }
                    }
                }
                return
            }
            for b in 0..<split.outer {
                let x = p + b * n * inner, y = o + b * n * inner
                let first = reverse ? n - 1 : 0, step = reverse ? -1 : 1
                (y + first * inner).update(from: x + first * inner, count: inner)
                var k = first + step, prev = first
                while k >= 0 && k < n {
                    let xr = x + k * inner, yr = y + k * inner, yp = y + prev * inner
                    for i in 0..<inner { yr[i] = add(yp[i], xr[i]) }
                    prev = k
                    k += step
                }
            }
        }
        switch dt {
        case .float32: run(Float.self, +)
        case .float64: run(Double.self, +)
        default:
            var overflowed = false
            run(Int.self) { a, b in
                let (r, o) = a.addingReportingOverflow(b)
                overflowed = overflowed || o
                return r
            }
            if overflowed { throw TensorError.intOverflow("cumsum", "a running sum does not fit in int64") }
        }
        return out
    }
}

// MARK: - Gradient kernels

extension Tensor {
    /// The gradient of `prod` over `axes` given the upstream gradient `g` (the output's shape,
    /// with or without kept dims): each element gets g times the product of the other elements
    /// of its run, from prefix and suffix products, so zeros and underflow are handled exactly
    /// and nothing is divided.
    public static func prodBackward(_ x: Tensor, axes: [Int]?, grad g: Tensor) throws -> Tensor {
        let plan = try ReductionPlan(x.asFloat(), axes: axes, op: "prod")
        guard g.count == plan.outer else {
            throw TensorError.shapeMismatch("prod", g.shape, plan.droppedShape, "differ: the gradient must have the output's shape")
        }
        let src = plan.source, dt = src.dtype
        let gd = g.cast(to: dt).contiguous()
        let out = Tensor.uncheckedEmpty(src.shape, count: src.count, dtype: dt)
        func run<T: FloatElement>(_: T.Type) {
            let p = src.pointer(T.self), o = out.pointer(T.self), pg = gd.pointer(T.self)
            let n = plan.inner
            for i in 0..<plan.outer {
                let row = p + i * n, orow = o + i * n
                var acc = pg[i]
                for j in 0..<n { orow[j] = acc; acc *= row[j] }
                acc = 1
                var j = n - 1
                while j >= 0 { orow[j] *= acc; acc *= row[j]; j -= 1 }
            }
        }
        if dt == .float32 { run(Float.self) } else { run(Double.self) }
        return plan.unpermute(out, to: x.shape)
    }
}
