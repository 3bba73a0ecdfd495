import Tensors

// Gradient rules for sorting. A sorted tensor (or its top k) is a gather of the input at the
// indices the sort chose, so the gradient is the output gradient scattered back to those
// positions; positions not selected (outside the top k) get 0. The indices are constants.

/// `x` sorted along `axis` and the int64 indices the values came from (stable; NaN largest).
/// Gradient to `x`: the values' gradient put back where each value came from.
public func sort(_ x: Variable, axis: Int = -1, descending: Bool = false) throws -> (values: Variable, indices: Variable) {
    let (v, i) = try x.value.sorted(axis: axis, descending: descending)
    return (try selected(x, v, i, axis: axis, op: "sort"), Variable(i))
}

/// The `k` largest (or smallest) elements along `axis`, most extreme first, and their int64
/// indices. Gradient to `x`: each value's gradient at the position it came from, 0 elsewhere.
public func topk(_ x: Variable, _ k: Int, axis: Int = -1, largest: Bool = true) throws -> (values: Variable, indices: Variable) {
    let (v, i) = try x.value.topk(k, axis: axis, largest: largest)
    return (try selected(x, v, i, axis: axis, op: "topk"), Variable(i))
}

/// The int64 indices that sort `x` along `axis`. Not differentiable: the result is a constant.
public func argsort(_ x: Variable, axis: Int = -1, descending: Bool = false) throws -> Variable {
    Variable(try x.value.argsort(axis: axis, descending: descending))
}

/// Records `values = takeAlongAxis(x, axis, indices)`, already computed, on the tape.
private func selected(_ x: Variable, _ values: Tensor, _ indices: Tensor, axis: Int, op: String) throws -> Variable {
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(values) }
    let ax = try Shape.axis(axis, rank: x.rank, op: op)
    let inShape = x.shape
    return tape.record(values, x) { g in
        try Tensor.scatterAdd(shape: inShape, axis: ax, index: indices, values: g)
    }
}
