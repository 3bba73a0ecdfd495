/// The machinery all axis reductions share: the reduced axes are moved last (a dense copy
/// only when they are not already last), then each output element reduces one contiguous run.
public struct ReductionPlan {
    /// Normalized, sorted, unique axes being reduced.
    public let axes: [Int]
    /// The output shape with keepdims.
    public let keptShape: [Int]
    /// The output shape without the reduced axes.
    public let droppedShape: [Int]
    /// Number of outputs, and elements reduced into each.
    public let outer: Int, inner: Int
    /// The input, permuted so that reduced axes are last, dense.
    public let source: Tensor

    /// Plans a reduction of `x` over `axes` (nil or empty: all axes).
    public init(_ x: Tensor, axes requested: [Int]?, op: String) throws {
        let rank = x.rank
        let axes = try ReductionPlan.normalize(requested, rank: rank, op: op)
        self.axes = axes
        let kept = (0..<rank).filter { !axes.contains($0) }
        keptShape = (0..<rank).map { axes.contains($0) ? 1 : x.shape[$0] }
        droppedShape = kept.map { x.shape[$0] }
        // Zero-size inputs are the only real tensors whose partial products can overflow Int
        // ([0, 10**10, 10**10], [10**10, 10**10, 0]): a wrapped count would allocate garbage or
        // loop forever, so the output count is checked (the caller's allocation then checks
        // its bytes), and an empty reduced run counts 0 however large its other dimensions.
        var outer = 1
        for d in droppedShape {
            let (m, overflow) = outer.multipliedReportingOverflow(by: d)
            guard !overflow else {
                throw TensorError(.size, op: op, "the result of shape \(TensorError.show(droppedShape)) has too many elements", hint: "use smaller sizes")
            }
            outer = m
        }
        self.outer = outer
        var inner = 1
        if !axes.contains(where: { x.shape[$0] == 0 }) {
            for a in axes {
                let (m, overflow) = inner.multipliedReportingOverflow(by: x.shape[a])
                // Only possible when `outer` is 0 (the input has no elements), so no run is read.
                inner = overflow ? Int.max : m
                if overflow { break }
            }
        } else {
            inner = 0
        }
        self.inner = inner
        let order = kept + axes
        if order == Array(0..<rank) {
            source = x.contiguous()
        } else {
            let permuted = Tensor(storage: x.storage, dtype: x.dtype, shape: order.map { x.shape[$0] },
                                  strides: order.map { x.strides[$0] }, offset: x.offset)
            source = permuted.contiguous()
        }
    }

    /// The output shape for the given keepdims flag.
    public func shape(keepdims: Bool) -> [Int] { keepdims ? keptShape : droppedShape }

    /// Normalized, sorted, unique axes (nil or empty: all axes), or an error naming the op.
    public static func normalize(_ requested: [Int]?, rank: Int, op: String) throws -> [Int] {
        guard let requested, !requested.isEmpty else { return Array(0..<rank) }
        var axes = try requested.map { try Shape.axis($0, rank: rank, op: op) }
        guard Set(axes).count == axes.count else {
            throw TensorError(.index, op: op, "axis repeated in \(requested)")
        }
        if rank == 0 { axes = [] }
        axes.sort()
        return axes
    }

    /// The keepdims output shape of reducing `shape` over `axes`, without planning a copy
    /// (gradient rules need only this).
    public static func keptShape(_ shape: [Int], axes requested: [Int]?, op: String) throws -> [Int] {
        let axes = try normalize(requested, rank: shape.count, op: op)
        var kept = shape
        for a in axes { kept[a] = 1 }
        return kept
    }

    /// A tensor laid out like `source` (kept axes first, reduced axes last, dense) put back in
    /// the original axis order of a tensor of `shape`, dense. Gradient kernels that work per
    /// reduced run use it to return to the input's layout.
    public func unpermute(_ t: Tensor, to shape: [Int]) -> Tensor {
        let rank = shape.count
        let order = (0..<rank).filter { !axes.contains($0) } + axes
        if order == Array(0..<rank) { return t.viewing(as: shape) }
        let dense = Shape.contiguousStrides(order.map { shape[$0] })
        var strides = [Int](repeating: 0, count: rank)
        for (k, a) in order.enumerated() { strides[a] = dense[k] }
        let c = t.contiguous()
        return Tensor(storage: c.storage, dtype: c.dtype, shape: shape, strides: strides, offset: c.offset).contiguous()
    }

    /// When `x` is dense and `axes` are exactly its leading axes (reducing a batch), the number
    /// of reduced rows and the row length: such reductions add whole rows, with no permute copy.
    static func leadingSplit(_ x: Tensor, axes requested: [Int]?) -> (rows: Int, cols: Int, kept: [Int], dropped: [Int])? {
        // A fast-path test: bad axes take the general path, which reports them; zero-size tensors
        // take the general plan, whose counts are overflow-checked.
        guard let requested, !requested.isEmpty, x.isContiguous, !x.shape.contains(0),
              let axes = try? normalize(requested, rank: x.rank, op: ""),
              axes.count < x.rank, axes == Array(0..<axes.count) else { return nil }
        let k = axes.count
        let dropped = Array(x.shape[k...])
        return (Shape.count(Array(x.shape[..<k])), Shape.count(dropped), [Int](repeating: 1, count: k) + dropped, dropped)
    }
}

// MARK: - Dense kernels shared by the reductions

/// Reductions of dense float runs on SIMD registers. Four vector accumulators hide the add
/// latency (a single running sum is bound by it, ~4x slower) and make rounding error grow more
/// slowly. Generic code picks the `Float` or `Double` version by a type test that folds away
/// after specialization.
enum DenseSIMD {
    @inline(__always)
    static func load<V: SIMD>(_ p: UnsafeMutablePointer<V.Scalar>, _ j: Int, _: V.Type) -> V {
        UnsafeRawPointer(p + j).loadUnaligned(as: V.self)
    }

    @inline(__always)
    static func sum<V: SIMD>(_ p: UnsafeMutablePointer<V.Scalar>, _ n: Int, _: V.Type) -> V.Scalar where V.Scalar: BinaryFloatingPoint {
        let w = V.scalarCount
        var a0 = V(), a1 = V(), a2 = V(), a3 = V()
        var j = 0
        while j + 4 * w <= n {
            a0 += load(p, j, V.self); a1 += load(p, j + w, V.self)
            a2 += load(p, j + 2 * w, V.self); a3 += load(p, j + 3 * w, V.self)
            j += 4 * w
        }
        while j + w <= n { a0 += load(p, j, V.self); j += w }
        var s = ((a0 + a1) + (a2 + a3)).sum()
        while j < n { s += p[j]; j += 1 }
        return s
    }

    /// Σ (p - m)² over the run.
    @inline(__always)
    static func squaredDeviation<V: SIMD>(_ p: UnsafeMutablePointer<V.Scalar>, _ n: Int, _ m: V.Scalar, _: V.Type) -> V.Scalar
    where V.Scalar: BinaryFloatingPoint {
        let w = V.scalarCount
        let mv = V(repeating: m)
        var a0 = V(), a1 = V()
        var j = 0
        while j + 2 * w <= n {
            let d0 = load(p, j, V.self) - mv, d1 = load(p, j + w, V.self) - mv
            a0 += d0 * d0; a1 += d1 * d1
            j += 2 * w
        }
        var s = (a0 + a1).sum()
        while j < n { let d = p[j] - m; s += d * d; j += 1 }
        return s
    }

    /// Σ a·b over two runs.
    @inline(__always)
    static func dot<V: SIMD>(_ a: UnsafeMutablePointer<V.Scalar>, _ b: UnsafeMutablePointer<V.Scalar>, _ n: Int, _: V.Type) -> V.Scalar
    where V.Scalar: BinaryFloatingPoint {
        let w = V.scalarCount
        var a0 = V(), a1 = V()
        var j = 0
        while j + 2 * w <= n {
            a0 += load(a, j, V.self) * load(b, j, V.self)
            a1 += load(a, j + w, V.self) * load(b, j + w, V.self)
            j += 2 * w
        }
        var s = (a0 + a1).sum()
        while j < n { s += a[j] * b[j]; j += 1 }
        return s
    }

    /// The largest (or smallest) element, NaN when any element is NaN. The vector loop
    /// ignores NaN (a compare with NaN is false) but adds v·0 into a sentinel, which turns NaN
    /// when a NaN or an infinity went by; only then does a scalar pass decide exactly. (SIMD
    /// mask registers would say it directly but compile to slow code, and so does this loop
    /// when generic over the vector type: hence one copy per element type.)
    @inline(__always)
    static func extremeFloat(_ p: UnsafeMutablePointer<Float>, _ n: Int, largest: Bool) -> Float {
        let w = SIMD8<Float>.scalarCount
        let start: Float = largest ? -.infinity : .infinity
        var m0 = SIMD8<Float>(repeating: start), m1 = SIMD8<Float>(repeating: start), sentinel = SIMD8<Float>()
        var j = 0
        while j + 2 * w <= n {
            let v0 = load(p, j, SIMD8<Float>.self), v1 = load(p, j + w, SIMD8<Float>.self)
            if largest {
                m0 = m0.replacing(with: v0, where: v0 .> m0); m1 = m1.replacing(with: v1, where: v1 .> m1)
            } else {
                m0 = m0.replacing(with: v0, where: v0 .< m0); m1 = m1.replacing(with: v1, where: v1 .< m1)
            }
            sentinel += v0 * 0 + v1 * 0
            j += 2 * w
        }
        if sentinel.sum().isNaN { return scalarExtreme(p, n, largest: largest) }
        var m = largest ? m0.replacing(with: m1, where: m1 .> m0).max() : m0.replacing(with: m1, where: m1 .< m0).min()
        var sawNaN = false
        while j < n {
            let v = p[j]
            if largest ? v > m : v < m { m = v }
            sawNaN = sawNaN || v.isNaN
            j += 1
        }
        return sawNaN ? .nan : m
    }

    @inline(__always)
    static func extremeDouble(_ p: UnsafeMutablePointer<Double>, _ n: Int, largest: Bool) -> Double {
        let w = SIMD4<Double>.scalarCount
        let start: Double = largest ? -.infinity : .infinity
        var m0 = SIMD4<Double>(repeating: start), m1 = SIMD4<Double>(repeating: start), sentinel = SIMD4<Double>()
        var j = 0
        while j + 2 * w <= n {
            let v0 = load(p, j, SIMD4<Double>.self), v1 = load(p, j + w, SIMD4<Double>.self)
            if largest {
                m0 = m0.replacing(with: v0, where: v0 .> m0); m1 = m1.replacing(with: v1, where: v1 .> m1)
            } else {
                m0 = m0.replacing(with: v0, where: v0 .< m0); m1 = m1.replacing(with: v1, where: v1 .< m1)
            }
            sentinel += v0 * 0 + v1 * 0
            j += 2 * w
        }
        if sentinel.sum().isNaN { return scalarExtreme(p, n, largest: largest) }
        var m = largest ? m0.replacing(with: m1, where: m1 .> m0).max() : m0.replacing(with: m1, where: m1 .< m0).min()
        var sawNaN = false
        while j < n {
            let v = p[j]
            if largest ? v > m : v < m { m = v }
            sawNaN = sawNaN || v.isNaN
            j += 1
        }
        return sawNaN ? .nan : m
    }

    /// exp of 8 floats at once, within 1 ulp of libm's expf (Cephes' range reduction and
    /// polynomial): x = k ln2 + r with |r| <= ln2/2, exp(r) from a degree-7 polynomial, 2^k
    /// built in the exponent bits. Below -87.34 it gives 0 (no subnormals), above 88.38 +inf
    /// (a little early: the last 0.35 before Float.max overflows), NaN stays NaN. About 2.5x
    /// faster than calling expf per element; softmax and cross-entropy spend their time here.
    @inline(__always)
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        typealias V = SIMD8<Float>
        let lo = V(repeating: -87.33654), hi = V(repeating: 88.37626)
        var xc = x.replacing(with: lo, where: x .< lo)
        xc = xc.replacing(with: hi, where: xc .> hi)
        xc = xc.replacing(with: 0, where: x .!= x)
        // Adding 1.5·2^23 rounds x·log2(e) to an integer k held in the low mantissa bits.
        let magic = V(repeating: 12582912.0)
        let kf = xc * 1.44269504088896341 + magic
        let k = kf - magic
        let r = xc - k * 0.693359375 + k * 2.12194440e-4
        var y = V(repeating: 1.9875691500e-4)
        y = y * r + 1.3981999507e-3
        y = y * r + 8.3334519073e-3
        y = y * r + 4.1665795894e-2
        y = y * r + 1.6666665459e-1
        y = y * r + 5.0000001201e-1
        y = y * r * r + r + 1
        let kbits = unsafeBitCast(kf, to: SIMD8<UInt32>.self) &- 0x4B40_0000
        var v = y * unsafeBitCast((kbits &+ 127) &<< 23, to: V.self)
        v = v.replacing(with: 0, where: x .< lo)
        v = v.replacing(with: .infinity, where: x .> hi)
        return v.replacing(with: x, where: x .!= x)
    }

    static func scalarExtreme<T: BinaryFloatingPoint>(_ p: UnsafeMutablePointer<T>, _ n: Int, largest: Bool) -> T {
        var m: T = largest ? -.infinity : .infinity
        for j in 0..<n {
            let v = p[j]
            if v.isNaN { return .nan }
            if largest ? v > m : v < m { m = v }
        }
        return m
    }
}

@inline(__always)
func floatPointer<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
}

@inline(__always)
func doublePointer<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Double> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Double.self)
}

/// The sum of `n` dense elements.
@inline(__always)
func denseSum<T: FloatElement>(_ p: UnsafeMutablePointer<T>, _ n: Int) -> T {
    if T.self == Float.self { return unsafeBitCast(DenseSIMD.sum(floatPointer(p), n, SIMD8<Float>.self), to: T.self) }
    return unsafeBitCast(DenseSIMD.sum(doublePointer(p), n, SIMD4<Double>.self), to: T.self)
}

/// Σ a·b over `n` dense elements of each.
@inline(__always)
func denseDot<T: FloatElement>(_ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>, _ n: Int) -> T {
    if T.self == Float.self { return unsafeBitCast(DenseSIMD.dot(floatPointer(a), floatPointer(b), n, SIMD8<Float>.self), to: T.self) }
    return unsafeBitCast(DenseSIMD.dot(doublePointer(a), doublePointer(b), n, SIMD4<Double>.self), to: T.self)
}

/// Column sums of a dense `rows x cols` block: `out[j] = sum_i p[i*cols + j]`, row by row so
/// every pass is a contiguous, vectorizable add.
@inline(__always)
func columnSum<T: AdditiveArithmetic>(_ p: UnsafeMutablePointer<T>, rows: Int, cols: Int, into o: UnsafeMutablePointer<T>,
                                      _ add: (T, T) -> T) {
    if rows == 0 { o.update(repeating: .zero, count: cols); return }
    o.update(from: p, count: cols)
    for i in 1..<max(rows, 1) {
        let row = p + i * cols
        for j in 0..<cols { o[j] = add(o[j], row[j]) }
    }
}

extension Tensor {
    /// Sum over `axes` (all when nil). Integer and boolean tensors sum to int64 and throw when
    /// a sum does not fit (no silent wrap-around).
    public func sum(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        let dtype: DType = self.dtype.isFloating ? self.dtype : .int64
        var overflowed = false
        @inline(__always) func checkedAdd(_ a: Int, _ b: Int) -> Int {
            let (r, o) = a.addingReportingOverflow(b)
            overflowed = overflowed || o
            return r
        }
        if let split = ReductionPlan.leadingSplit(self, axes: axes) {
            let out = try Tensor.uninitialized(keepdims ? split.kept : split.dropped, dtype: dtype, op: "sum")
            let src = try checkedCast(to: dtype, op: "sum")
            switch dtype {
            case .float32: columnSum(src.pointer(Float.self), rows: split.rows, cols: split.cols, into: out.pointer(Float.self), +)
            case .float64: columnSum(src.pointer(Double.self), rows: split.rows, cols: split.cols, into: out.pointer(Double.self), +)
            default: columnSum(src.pointer(Int.self), rows: split.rows, cols: split.cols, into: out.pointer(Int.self), checkedAdd)
            }
            if overflowed { throw TensorError.intOverflow("sum", "the sum does not fit in int64") }
            return out
        }
        let plan = try ReductionPlan(self, axes: axes, op: "sum")
        let out = try Tensor.uninitialized(plan.shape(keepdims: keepdims), dtype: dtype, op: "sum")
        let src = try plan.source.checkedCast(to: dtype, op: "sum")
        func run<T: FloatElement>(_: T.Type) {
            let p = src.pointer(T.self), o = out.pointer(T.self)
            for i in 0..<plan.outer { o[i] = denseSum(p + i * plan.inner, plan.inner) }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        default:
            let p = src.pointer(Int.self), o = out.pointer(Int.self)
            for i in 0..<plan.outer {
                var acc = 0
                for j in 0..<plan.inner { acc = checkedAdd(acc, p[i * plan.inner + j]) }
                o[i] = acc
            }
            if overflowed { throw TensorError.intOverflow("sum", "the sum does not fit in int64") }
        }
        return out
    }

    /// Sums a broadcast result back to `shape` (the gradient of broadcasting). `shape` must
    /// broadcast to this tensor's shape.
    public func sumToShape(_ shape: [Int]) throws -> Tensor {
        if self.shape == shape { return self }
        let lead = rank - shape.count
        guard lead >= 0 else {
            throw TensorError.shapeMismatch("unbroadcast", self.shape, shape, "do not broadcast")
        }
        var axes = Array(0..<lead)
        for (i, d) in shape.enumerated() where d == 1 && self.shape[lead + i] != 1 { axes.append(lead + i) }
        let reduced = axes.isEmpty ? self : try sum(axes: axes, keepdims: true)
        return reduced.reshapedView(shape)
    }
}
