import Tensors

/// Sum over `axes` (all when nil). The gradient broadcasts back over the reduced axes.
public func sum(_ x: Variable, axes: [Int]? = nil, keepdims: Bool = false) throws -> Variable {
    let plan = try ReductionPlan(x.value, axes: axes, op: "sum")
    let y = try x.value.sum(axes: axes, keepdims: keepdims)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    let inShape = x.shape, kept = plan.keptShape
    return tape.record(y, x) { g in
        try g.viewing(as: kept).expanded(to: inShape)
    }
}
