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
        var axes: [Int]
        if let requested, !requested.isEmpty {
            axes = try requested.map { try Shape.axis($0, rank: rank, op: op) }
            guard Set(axes).count == axes.count else {
                throw TensorError(.index, op: op, "axis repeated in \(requested)")
            }
            if rank == 0 { axes = [] }
            axes.sort()
        } else {
            axes = Array(0..<rank)
        }
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
}

extension Tensor {
    /// Sum over `axes` (all when nil). Integer and boolean tensors sum to int64.
    public func sum(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        let plan = try ReductionPlan(self, axes: axes, op: "sum")
        let dtype: DType = self.dtype.isFloating ? self.dtype : .int64
        let src = plan.source.cast(to: dtype)
        let out = Tensor.uncheckedEmpty(plan.shape(keepdims: keepdims), count: plan.outer, dtype: dtype)
        func run<T: FloatElement>(_: T.Type) {
            let p = src.pointer(T.self), o = out.pointer(T.self)
            for i in 0..<plan.outer {
                var acc: T = 0
                let row = p + i * plan.inner
                for j in 0..<plan.inner { acc += row[j] }
                o[i] = acc
            }
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
