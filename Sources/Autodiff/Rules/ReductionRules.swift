import Tensors

// Gradient rules for reductions. Each pullback receives the gradient in the output's shape,
// views it with the reduced axes kept (size 1) and lets broadcasting carry it back over them;
// only rules that need the input values (var, max, norm, prod...) touch the full input.

/// `g` (the gradient of a reduction's output) as a view of shape `inShape`: reshaped to keep
/// the reduced axes as size 1, then expanded with stride 0. No copy.
@inline(__always)
func spread(_ g: Tensor, kept: [Int], to inShape: [Int]) throws -> Tensor {
    try g.viewing(as: kept).expanded(to: inShape)
}

/// The number of elements each output of a reduction over `axes` combines.
func reducedCount(_ shape: [Int], _ kept: [Int]) -> Int {
    var n = 1
    for (d, k) in zip(shape, kept) where k == 1 { n *= d }
    return n
}

/// Sum over `axes` (all when nil). The gradient broadcasts back over the reduced axes.
public func sum(_ x: Variable, axes: [Int]? = nil, keepdims: Bool = false) throws -> Variable {
    let y = try x.value.sum(axes: axes, keepdims: keepdims)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    let inShape = x.shape
    let kept = try ReductionPlan.keptShape(inShape, axes: axes, op: "sum")
    return tape.record(y, x) { g in try spread(g, kept: kept, to: inShape) }
}

/// Mean over `axes`. The gradient is g / N spread over the reduced axes.
public func mean(_ x: Variable, axes: [Int]? = nil, keepdims: Bool = false) throws -> Variable {
    let y = try x.value.mean(axes: axes, keepdims: keepdims)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    let inShape = x.shape
    let kept = try ReductionPlan.keptShape(inShape, axes: axes, op: "mean")
    let scale = Tensor(scalar: 1 / Double(reducedCount(inShape, kept)), dtype: y.dtype)
    // Scale the small gradient, then spread it: one pass over the outputs, none over the input.
    return tape.record(y, x) { g in try spread(g * scale, kept: kept, to: inShape) }
}

/// Variance over `axes` with `correction` (NumPy's ddof). Gradient: 2 (x - mean) g / (N - c).
public func variance(_ x: Variable, axes: [Int]? = nil, correction: Double = 0, keepdims: Bool = false) throws -> Variable {
    let y = try x.value.variance(axes: axes, correction: correction, keepdims: keepdims)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    let xv = x.value, inShape = x.shape
    let kept = try ReductionPlan.keptShape(inShape, axes: axes, op: "var")
    let denom = Swift.max(Double(reducedCount(inShape, kept)) - correction, 0)
    let scale = Tensor(scalar: 2 / denom, dtype: y.dtype)
    return tape.record(y, x) { g in
        let centered = try xv - xv.mean(axes: axes, keepdims: true)
        return try centered * spread(g * scale, kept: kept, to: inShape)
    }
}

/// Standard deviation over `axes`. Gradient: (x - mean) g / ((N - c) std). Where std is 0 (a
/// constant run) the gradient is 0, the subgradient that keeps training finite (PyTorch gives NaN).
public func std(_ x: Variable, axes: [Int]? = nil, correction: Double = 0, keepdims: Bool = false) throws -> Variable {
    let y = try x.value.std(axes: axes, correction: correction, keepdims: keepdims)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    let xv = x.value, inShape = x.shape
    let kept = try ReductionPlan.keptShape(inShape, axes: axes, op: "std")
    let denom = Tensor(scalar: Swift.max(Double(reducedCount(inShape, kept)) - correction, 0), dtype: y.dtype)
    return tape.record(y, x) { g in
        let centered = try xv - xv.mean(axes: axes, keepdims: true)
        let factor = try g / (safeDenominator(y) * denom)
        return try centered * spread(factor, kept: kept, to: inShape)
    }
}

/// `t` with zeros replaced by ones, for dividing by a norm or std that may be 0 where the
/// numerator is 0 too (so the quotient is the 0 subgradient instead of NaN).
func safeDenominator(_ t: Tensor) throws -> Tensor {
    let zero = Tensor(scalar: 0, dtype: t.dtype)
    return try t + Tensor.compare(.eq, t, zero).cast(to: t.dtype)
}

/// Largest element over `axes`. The gradient goes to the element(s) equal to the maximum;
/// ties share it evenly (as PyTorch's amax), so the gradient of max(a, a) is 1/2 each.
public func amax(_ x: Variable, axes: [Int]? = nil, keepdims: Bool = false) throws -> Variable {
    try extreme(x, axes: axes, keepdims: keepdims, largest: true)
}

/// Smallest element over `axes`; ties share the gradient evenly (see `amax`).
public func amin(_ x: Variable, axes: [Int]? = nil, keepdims: Bool = false) throws -> Variable {
    try extreme(x, axes: axes, keepdims: keepdims, largest: false)
}

private func extreme(_ x: Variable, axes: [Int]?, keepdims: Bool, largest: Bool) throws -> Variable {
    let y = largest ? try x.value.amax(axes: axes, keepdims: keepdims) : try x.value.amin(axes: axes, keepdims: keepdims)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    let xv = x.value, inShape = x.shape
    let kept = try ReductionPlan.keptShape(inShape, axes: axes, op: largest ? "amax" : "amin")
    return tape.record(y, x) { g in
        let hit = try Tensor.compare(.eq, xv, y.viewing(as: kept)).cast(to: xv.dtype)
        let ties = try hit.sum(axes: axes, keepdims: true)
        return try hit * spread(g.viewing(as: kept) / ties, kept: kept, to: inShape)
    }
}

/// Index of the largest element (int64). Not differentiable: the result is a constant.
public func argmax(_ x: Variable, axis: Int? = nil, keepdims: Bool = false) throws -> Variable {
    Variable(try x.value.argmax(axis: axis, keepdims: keepdims))
}

/// Index of the smallest element (int64). Not differentiable: the result is a constant.
public func argmin(_ x: Variable, axis: Int? = nil, keepdims: Bool = false) throws -> Variable {
    Variable(try x.value.argmin(axis: axis, keepdims: keepdims))
}

/// Stable log-sum-exp over `axes`. Gradient: g · exp(x - y), the softmax over the reduced axes.
public func logsumexp(_ x: Variable, axes: [Int]? = nil, keepdims: Bool = false) throws -> Variable {
    let y = try x.value.logsumexp(axes: axes, keepdims: keepdims)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    let xv = x.value, inShape = x.shape
    let kept = try ReductionPlan.keptShape(inShape, axes: axes, op: "logsumexp")
    return tape.record(y, x) { g in
        let p = try (xv - y.viewing(as: kept)).unary(.exp)
        return try p * spread(g, kept: kept, to: inShape)
    }
}

/// Product over `axes`. The gradient of each element is the product of the others, computed
/// exactly even when the run holds zeros (not as prod / x).
public func prod(_ x: Variable, axes: [Int]? = nil, keepdims: Bool = false) throws -> Variable {
    let y = try x.value.prod(axes: axes, keepdims: keepdims)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    let xv = x.value
    return tape.record(y, x) { g in try Tensor.prodBackward(xv, axes: axes, grad: g) }
}

/// Vector norm over `axes`. Gradient: x g / norm for `.l2` (0 where the norm is 0), sign(x) g
/// for `.l1` (0 at x = 0).
public func norm(_ x: Variable, _ ord: NormOrder = .l2, axes: [Int]? = nil, keepdims: Bool = false) throws -> Variable {
    let y = try x.value.norm(ord, axes: axes, keepdims: keepdims)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    let xv = x.value, inShape = x.shape
    let kept = try ReductionPlan.keptShape(inShape, axes: axes, op: "norm")
    return tape.record(y, x) { g in
        switch ord {
        case .l1: return try xv.unary(.sign) * spread(g, kept: kept, to: inShape)
        case .l2: return try xv * spread(g / safeDenominator(y), kept: kept, to: inShape)
        }
    }
}

/// Running sum along `axis`. Gradient: the running sum of g in the opposite direction.
public func cumsum(_ x: Variable, axis: Int, reverse: Bool = false) throws -> Variable {
    let y = try x.value.cumsum(axis: axis, reverse: reverse)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    return tape.record(y, x) { g in try g.cumsum(axis: axis, reverse: !reverse) }
}
