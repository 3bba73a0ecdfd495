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
        outer = Shape.count(droppedShape)
        inner = axes.reduce(1) { $0 * x.shape[$1] }
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
        guard let requested, !requested.isEmpty, x.isContiguous,
              let axes = try? normalize(requested, rank: x.rank, op: ""),
              axes.count < x.rank, axes == Array(0..<axes.count) else { return nil }
        let k = axes.count
        let dropped = Array(x.shape[k...])
        return (Shape.count(Array(x.shape[..<k])), Shape.count(dropped), [Int](repeating: 1, count: k) + dropped, dropped)
    }
}

// MARK: - Dense kernels shared by the reductions

/// The sum of `n` dense elements. Four accumulators break the dependency chain (faster, and
/// the rounding error grows more slowly than with one running sum).
@inline(__always)
func denseSum<T: FloatElement>(_ p: UnsafeMutablePointer<T>, _ n: Int) -> T {
    var a0: T = 0, a1: T = 0, a2: T = 0, a3: T = 0
    var j = 0
    while j + 4 <= n {
        a0 += p[j]; a1 += p[j + 1]; a2 += p[j + 2]; a3 += p[j + 3]
        j += 4
    }
    while j < n { a0 += p[j]; j += 1 }
    return (a0 + a1) + (a2 + a3)
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
    /// Sum over `axes` (all when nil). Integer and boolean tensors sum to int64.
    public func sum(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        let dtype: DType = self.dtype.isFloating ? self.dtype : .int64
        if let split = ReductionPlan.leadingSplit(self, axes: axes) {
            let src = cast(to: dtype)
            let out = Tensor.uncheckedEmpty(keepdims ? split.kept : split.dropped, count: split.cols, dtype: dtype)
            switch dtype {
            case .float32: columnSum(src.pointer(Float.self), rows: split.rows, cols: split.cols, into: out.pointer(Float.self), +)
            case .float64: columnSum(src.pointer(Double.self), rows: split.rows, cols: split.cols, into: out.pointer(Double.self), +)
            default: columnSum(src.pointer(Int.self), rows: split.rows, cols: split.cols, into: out.pointer(Int.self), &+)
            }
            return out
        }
        let plan = try ReductionPlan(self, axes: axes, op: "sum")
        let src = plan.source.cast(to: dtype)
        let out = Tensor.uncheckedEmpty(plan.shape(keepdims: keepdims), count: plan.outer, dtype: dtype)
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
                for j in 0..<plan.inner { acc &+= p[i * plan.inner + j] }
                o[i] = acc
            }
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
