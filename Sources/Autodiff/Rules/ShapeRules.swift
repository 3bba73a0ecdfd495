import Tensors

// Gradient rules for the shape operations (Tensors/ShapeOps.swift). They only move gradients
// around: a reshape's gradient is reshaped back, a permutation's is inverse-permuted, a
// broadcast's is summed back (`sumToShape`), a concatenation's is split, and so on.

/// Records a one-input op whose value is `y` when `x` is a tracked float.
@inline(__always)
private func shapeRule(_ y: Tensor, _ x: Variable, _ pullback: @escaping (Tensor) throws -> Tensor) -> Variable {
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    return tape.record(y, x, pullback)
}

// MARK: - Reshape and axes

/// `x` under a new shape (one `-1` inferred). Gradient: reshaped back.
public func reshape(_ x: Variable, _ shape: [Int]) throws -> Variable {
    let y = try x.value.reshaped(shape)
    let inShape = x.shape
    return shapeRule(y, x) { g in try g.reshaped(inShape) }
}

/// Axes reordered (`y` axis i is `x` axis `axes[i]`). Gradient: the inverse permutation.
public func permute(_ x: Variable, _ axes: [Int]) throws -> Variable {
    let y = try x.value.permuted(axes)
    var inverse = [Int](repeating: 0, count: axes.count)
    for (i, a) in axes.enumerated() { inverse[a < 0 ? a + axes.count : a] = i }
    return shapeRule(y, x) { g in try g.permuted(inverse) }
}

/// Two axes swapped. Gradient: the same swap.
public func transpose(_ x: Variable, _ a: Int, _ b: Int) throws -> Variable {
    let y = try x.value.transposed(a, b)
    return shapeRule(y, x) { g in try g.transposed(a, b) }
}

/// The last two axes swapped (vectors unchanged): the language's `.T`.
public func matrixTranspose(_ x: Variable) -> Variable {
    shapeRule(x.value.matrixTranspose, x) { g in g.matrixTranspose }
}

extension Variable {
    /// `.T`: the last two axes swapped (see `Tensor.T`).
    public var T: Variable { matrixTranspose(self) }
}

/// A broadcast view of `x` with `shape`. Gradient: summed back over the broadcast axes.
public func expand(_ x: Variable, to shape: [Int]) throws -> Variable {
    let y = try x.value.broadcast(to: shape)
    let inShape = x.shape
    return shapeRule(y, x) { g in try g.sumToShape(inShape) }
}

/// Size-1 axes removed (the given ones, or all). Gradient: reshaped back.
public func squeeze(_ x: Variable, axes: [Int]? = nil) throws -> Variable {
    let y = try x.value.squeezed(axes: axes)
    let inShape = x.shape
    return shapeRule(y, x) { g in try g.reshaped(inShape) }
}

/// A size-1 axis inserted at `axis`. Gradient: reshaped back.
public func unsqueeze(_ x: Variable, axis: Int) throws -> Variable {
    let y = try x.value.unsqueezed(axis: axis)
    let inShape = x.shape
    return shapeRule(y, x) { g in try g.reshaped(inShape) }
}

/// Axes `start...end` merged into one. Gradient: reshaped back.
public func flatten(_ x: Variable, from start: Int = 0, to end: Int = -1) throws -> Variable {
    let y = try x.value.flattened(from: start, to: end)
    let inShape = x.shape
    return shapeRule(y, x) { g in try g.reshaped(inShape) }
}

// MARK: - Concatenate, stack, split

/// The inputs joined along `axis`. Gradient: the output gradient split into the inputs' pieces.
public func concat(_ xs: [Variable], axis: Int = 0) throws -> Variable {
    let y = try Tensor.concat(xs.map(\.value), axis: axis)
    let tape = Tape.current
    guard tape.tracks(xs), y.dtype.isFloating else { return Variable(y) }
    let ax = axis < 0 ? axis + y.rank : axis
    let sizes = xs.map { $0.shape[ax] }
    let floating = xs.map { $0.dtype.isFloating }
    return tape.record(y, xs) { g in
        let parts = try g.split(sizes: sizes, axis: ax)
        return parts.enumerated().map { i, p in floating[i] ? p : nil }
    }
}

/// The inputs (one shape) stacked along a new axis. Gradient: the slices along that axis.
public func stack(_ xs: [Variable], axis: Int = 0) throws -> Variable {
    let y = try Tensor.stack(xs.map(\.value), axis: axis)
    let tape = Tape.current
    guard tape.tracks(xs), y.dtype.isFloating else { return Variable(y) }
    let ax = axis < 0 ? axis + y.rank : axis
    let floating = xs.map { $0.dtype.isFloating }
    return tape.record(y, xs) { g in
        let parts = try g.split(count: floating.count, axis: ax)
        return try parts.enumerated().map { i, p in floating[i] ? try p.squeezed(axes: [ax]) : nil }
    }
}

/// Pieces of `x` of the given sizes along `axis`. Each piece's gradient is placed back at its
/// position in an otherwise zero tensor of `x`'s shape.
public func split(_ x: Variable, sizes: [Int], axis: Int = 0) throws -> [Variable] {
    let parts = try x.value.split(sizes: sizes, axis: axis)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return parts.map { Variable($0) } }
    let ax = axis < 0 ? axis + x.rank : axis
    var start = 0
    var out: [Variable] = []
    for (i, part) in parts.enumerated() {
        let items = [IndexItem](repeating: .all, count: ax) + [.slice(start: start, stop: start + sizes[i], step: 1)]
        start += sizes[i]
        let plan = try IndexPlan(items, shape: x.shape)
        out.append(tape.record(part, x) { g in try plan.scatterAdd(g) })
    }
    return out
}

/// `count` equal pieces of `x` along `axis`.
public func split(_ x: Variable, count: Int, axis: Int = 0) throws -> [Variable] {
    let ax = try Shape.axis(axis, rank: x.rank, op: "split")
    guard x.rank > 0, count > 0, x.shape[ax] % count == 0 else {
        _ = try x.value.split(count: count, axis: axis)  // throws the descriptive error
        return []
    }
    return try split(x, sizes: [Int](repeating: x.shape[ax] / count, count: count), axis: ax)
}

// MARK: - Flip, roll, repeat, tile

/// Elements reversed along `axes` (all when nil). Gradient: flipped back.
public func flip(_ x: Variable, axes: [Int]? = nil) throws -> Variable {
    let y = try x.value.flipped(axes: axes)
    return shapeRule(y, x) { g in try g.flipped(axes: axes) }
}

/// Elements shifted cyclically by `shift` along `axis` (flat when nil). Gradient: rolled back.
public func roll(_ x: Variable, shift: Int, axis: Int? = nil) throws -> Variable {
    let y = try x.value.rolled(shift, axis: axis)
    let inShape = x.shape
    return shapeRule(y, x) { g in
        // -shift overflows only for Int.min; the shift is taken modulo the length anyway.
        let back = shift == Int.min ? Int.max : -shift
        if axis == nil { return try g.rolled(back, axis: nil).reshaped(inShape) }
        return try g.rolled(back, axis: axis)
    }
}

/// Each element repeated `count` times along `axis` (NumPy `repeat`; flat when nil).
/// Gradient: the copies of each element summed.
public func repeatElements(_ x: Variable, _ count: Int, axis: Int? = nil) throws -> Variable {
    let y = try x.value.repeated(count, axis: axis)
    let inShape = x.shape
    let ax = try axis.map { try Shape.axis($0, rank: x.rank, op: "repeat") }
    return shapeRule(y, x) { g in
        var base = ax == nil || inShape.isEmpty ? [Shape.count(inShape)] : inShape
        let a = ax ?? 0
        base.insert(count, at: a + 1)
        return try g.reshaped(base).sum(axes: [a + 1]).reshaped(inShape)
    }
}

/// The whole of `x` repeated `reps[i]` times along each axis (NumPy `tile`).
/// Gradient: the tiles summed.
public func tile(_ x: Variable, _ reps: [Int]) throws -> Variable {
    let y = try x.value.tiled(reps)
    let inShape = x.shape
    let r = max(x.rank, reps.count)
    let base = [Int](repeating: 1, count: r - x.rank) + inShape
    let fullReps = [Int](repeating: 1, count: r - reps.count) + reps
    return shapeRule(y, x) { g in
        var interleaved: [Int] = []
        for i in 0..<r { interleaved += [fullReps[i], base[i]] }
        let tileAxes = (0..<r).map { 2 * $0 }
        return try g.reshaped(interleaved).sum(axes: tileAxes).reshaped(inShape)
    }
}
