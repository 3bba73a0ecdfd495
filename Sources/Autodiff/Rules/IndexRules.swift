import Tensors

// Gradient rules for indexing (Tensors/Indexing.swift) and the structured selections
// (Tensors/Structure.swift). Index tensors and masks are plain `Tensor`s: they are never
// differentiated. The gradient of every gather is a scatter-add, so repeated indices accumulate.

// MARK: - Subscripts

/// `x[items]` (NumPy semantics; see `IndexPlan`). Gradient: the output gradient scatter-added
/// into zeros of `x`'s shape at the indexed positions.
public func subscripting(_ x: Variable, _ items: [IndexItem]) throws -> Variable {
    let plan = try IndexPlan(items, shape: x.shape)
    let y = try plan.gather(x.value)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    return tape.record(y, x) { g in try plan.scatterAdd(g) }
}

/// `x[items] = value` as a new value. Gradients: to `x`, the output gradient with the
/// overwritten positions zeroed; to `value`, the output gradient at those positions, summed
/// over the axes `value` was broadcast along. (With repeated advanced indices every copy
/// counts for `value`, although only the last write survives.)
public func settingSubscript(_ x: Variable, _ items: [IndexItem], to value: Variable) throws -> Variable {
    let plan = try IndexPlan(items, shape: x.shape)
    let y = try plan.assign(value.value, into: x.value)
    let tape = Tape.current
    guard tape.tracks(x, value), y.dtype.isFloating else { return Variable(y) }
    let valueShape = value.shape, valueFloating = value.dtype.isFloating
    return tape.record(y, x, value) { g in
        let gx = tape.index(x) >= 0 ? try plan.assign(Tensor(scalar: 0, dtype: g.dtype), into: g) : nil
        let gv = tape.index(value) >= 0 && valueFloating ? try plan.gather(g).sumToShape(valueShape) : nil
        return (gx, gv)
    }
}

/// Slices of `x` at `index` along `axis` (NumPy `take`). Gradient: scatter-add.
public func indexSelect(_ x: Variable, axis: Int, index: Tensor) throws -> Variable {
    let ax = try Shape.axis(axis, rank: x.rank, op: "index_select")
    guard index.dtype == .int64 else { return Variable(try x.value.indexSelect(axis: axis, index: index)) }
    return try subscripting(x, [IndexItem](repeating: .all, count: ax) + [.tensor(index)])
}

// MARK: - Gather / scatter along an axis

/// `take_along_axis(x, index, axis)`. Gradient: `scatterAdd` of the output gradient.
public func gather(_ x: Variable, axis: Int, index: Tensor) throws -> Variable {
    let y = try x.value.takeAlongAxis(axis: axis, index: index)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    let ax = try Shape.axis(axis, rank: x.rank, op: "gather")
    var xs = x.shape, ishape = index.shape
    xs[ax] = 1; ishape[ax] = 1
    var source = try Shape.broadcast(xs, ishape, op: "gather")
    source[ax] = x.shape[ax]
    let inShape = x.shape
    return tape.record(y, x) { g in
        try Tensor.scatterAdd(shape: source, axis: ax, index: index, values: g).sumToShape(inShape)
    }
}

/// Zeros of `shape` with `values` added at `index` along `axis`. Gradient to `values`: the
/// output gradient gathered at `index`.
public func scatterAdd(shape: [Int], axis: Int, index: Tensor, values: Variable) throws -> Variable {
    let y = try Tensor.scatterAdd(shape: shape, axis: axis, index: index, values: values.value)
    let tape = Tape.current
    guard tape.tracks(values), values.dtype.isFloating else { return Variable(y) }
    let valueShape = values.shape
    return tape.record(y, values) { g in
        try g.takeAlongAxis(axis: axis, index: index).sumToShape(valueShape)
    }
}

// MARK: - where / masked_fill

/// `cond ? a : b` elementwise, broadcast. Gradient: to `a` where `cond` holds, to `b` elsewhere.
public func `where`(_ cond: Tensor, _ a: Variable, _ b: Variable) throws -> Variable {
    let y = try Tensor.where(cond, a.value, b.value)
    let tape = Tape.current
    guard tape.tracks(a, b), y.dtype.isFloating else { return Variable(y) }
    return tape.record(y, a, b) { g in
        let zero = Tensor(scalar: 0, dtype: g.dtype)
        let ga = tape.index(a) >= 0 && a.dtype.isFloating ? try Tensor.where(cond, g, zero).sumToShape(a.shape) : nil
        let gb = tape.index(b) >= 0 && b.dtype.isFloating ? try Tensor.where(cond, zero, g).sumToShape(b.shape) : nil
        return (ga, gb)
    }
}

/// `x` with `value` where `mask` is true. Gradient: passes where the mask is false.
public func maskedFill(_ x: Variable, mask: Tensor, value: Double) throws -> Variable {
    let y = try x.value.maskedFill(mask, with: value)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    let inShape = x.shape
    return tape.record(y, x) { g in
        try Tensor.where(mask, Tensor(scalar: 0, dtype: g.dtype), g).sumToShape(inShape)
    }
}

// MARK: - Triangles and diagonals

/// The lower triangle of the last two axes. Gradient: the same triangle of the gradient.
public func tril(_ x: Variable, diagonal k: Int = 0) throws -> Variable {
    let y = try x.value.tril(diagonal: k)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    return tape.record(y, x) { g in try g.tril(diagonal: k) }
}

/// The upper triangle of the last two axes. Gradient: the same triangle of the gradient.
public func triu(_ x: Variable, diagonal k: Int = 0) throws -> Variable {
    let y = try x.value.triu(diagonal: k)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    return tape.record(y, x) { g in try g.triu(diagonal: k) }
}

/// Vector → diagonal matrix, or matrix (batched) → its diagonal `offset`. Gradient: the
/// opposite direction.
public func diag(_ x: Variable, offset k: Int = 0) throws -> Variable {
    let y = try x.value.diag(offset: k)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    let inShape = x.shape, vector = x.rank == 1
    return tape.record(y, x) { g in
        if vector { return try g.diag(offset: k) }
        return try Tensor.zeros(inShape, dtype: g.dtype).settingDiagonal(g, offset: k)
    }
}

/// Sum of the main diagonal of the last two axes. Gradient: the identity pattern times the
/// output gradient.
public func trace(_ x: Variable) throws -> Variable {
    let y = try x.value.trace()
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    let inShape = x.shape
    return tape.record(y, x) { g in
        try Tensor.zeros(inShape, dtype: g.dtype).settingDiagonal(g.unsqueezed(axis: -1))
    }
}
