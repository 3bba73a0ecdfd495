import Tensors

/// A dtype conversion. Between float types the gradient flows back converted to the input's
/// dtype; into or out of integers and bools there is none (the result is a constant). Floats
/// without an int64 value (NaN, inf, beyond ±2^63) throw rather than become 0.
public func cast(_ x: Variable, to d: DType) throws -> Variable {
    if x.dtype == d { return x }
    let y = try x.value.checkedCast(to: d)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating, d.isFloating else { return Variable(y) }
    let from = x.dtype
    return tape.record(y, x) { g in g.cast(to: from) }
}
