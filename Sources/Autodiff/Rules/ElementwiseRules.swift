import Tensors

// Gradient rules for elementwise arithmetic and the unary math functions. Each rule computes
// the forward value, then (only when an input is tracked) records its pullback beside it.
// Broadcasting is undone by `sumToShape`, the one shared un-broadcast rule.

extension Variable {
    public static func + (a: Variable, b: Variable) throws -> Variable { try add(a, b) }
    public static func - (a: Variable, b: Variable) throws -> Variable { try sub(a, b) }
    public static func * (a: Variable, b: Variable) throws -> Variable { try mul(a, b) }
    public static func / (a: Variable, b: Variable) throws -> Variable { try div(a, b) }
    public static prefix func - (a: Variable) -> Variable { neg(a) }
}

/// Gradients of inputs with `shape` that produced `g` by broadcasting; nil for int inputs.
@inline(__always)
func unbroadcast(_ g: Tensor, _ input: Variable) throws -> Tensor? {
    guard input.dtype.isFloating else { return nil }
    return try g.sumToShape(input.shape)
}

public func add(_ a: Variable, _ b: Variable) throws -> Variable {
    let y = try Tensor.binary(.add, a.value, b.value)
    let tape = Tape.current
    guard tape.tracks(a, b) else { return Variable(y) }
    return tape.record(y, a, b) { g in (try unbroadcast(g, a), try unbroadcast(g, b)) }
}

public func sub(_ a: Variable, _ b: Variable) throws -> Variable {
    let y = try Tensor.binary(.sub, a.value, b.value)
    let tape = Tape.current
    guard tape.tracks(a, b) else { return Variable(y) }
    return tape.record(y, a, b) { g in (try unbroadcast(g, a), try unbroadcast(g.unary(.neg), b)) }
}

public func mul(_ a: Variable, _ b: Variable) throws -> Variable {
    let y = try Tensor.binary(.mul, a.value, b.value)
    let tape = Tape.current
    guard tape.tracks(a, b) else { return Variable(y) }
    let av = a.value, bv = b.value
    return tape.record(y, a, b) { g in
        (tape.index(a) >= 0 ? try unbroadcast(g * bv, a) : nil,
         tape.index(b) >= 0 ? try unbroadcast(g * av, b) : nil)
    }
}

public func div(_ a: Variable, _ b: Variable) throws -> Variable {
    let y = try Tensor.binary(.div, a.value, b.value)
    let tape = Tape.current
    guard tape.tracks(a, b) else { return Variable(y) }
    let bv = b.value
    return tape.record(y, a, b) { g in
        let ga = try g / bv
        // d(a/b)/db = -(a/b)/b
        let gb = tape.index(b) >= 0 ? try unbroadcast((ga * y).unary(.neg), b) : nil
        return (try unbroadcast(ga, a), gb)
    }
}

/// `a ** b`. The exponent's gradient uses log(a), defined where a > 0.
public func pow(_ a: Variable, _ b: Variable) throws -> Variable {
    let y = try Tensor.binary(.pow, a.value, b.value)
    let tape = Tape.current
    guard tape.tracks(a, b) else { return Variable(y) }
    let av = a.value, bv = b.value
    return tape.record(y, a, b) { g in
        // d/da = b * a^(b-1)
        let ga = tape.index(a) >= 0
            ? try unbroadcast(g * (bv * Tensor.binary(.pow, av, bv - Tensor(scalar: 1, dtype: bv.dtype))), a) : nil
        let gb = tape.index(b) >= 0 ? try unbroadcast(g * (y * av.unary(.log)), b) : nil
        return (ga, gb)
    }
}

public func maximum(_ a: Variable, _ b: Variable) throws -> Variable {
    try selectBinary(.maximum, a, b, pickA: .ge)
}

public func minimum(_ a: Variable, _ b: Variable) throws -> Variable {
    try selectBinary(.minimum, a, b, pickA: .le)
}

/// max/min: the gradient goes to the input that was selected (to `a` on ties).
private func selectBinary(_ op: BinaryOp, _ a: Variable, _ b: Variable, pickA: CompareOp) throws -> Variable {
    let y = try Tensor.binary(op, a.value, b.value)
    let tape = Tape.current
    guard tape.tracks(a, b) else { return Variable(y) }
    let mask = try Tensor.compare(pickA, a.value, b.value).cast(to: y.dtype)
    return tape.record(y, a, b) { g in
        let ga = try g * mask
        return (try unbroadcast(ga, a), try unbroadcast(g - ga, b))
    }
}

/// `-x`. An int64 tensor wraps around at `-(-2^63)`; use `unary(.neg, x)` to get an error.
public func neg(_ x: Variable) -> Variable {
    let y = x.value.unary(.neg)
    let tape = Tape.current
    guard tape.tracks(x) else { return Variable(y) }
    return tape.record(y, x) { g in g.unary(.neg) }
}

/// Any unary elementwise function, with its derivative. `neg`, `abs` and `square` of int64
/// tensors stay int64 and throw on overflow (integers carry no gradient).
public func unary(_ op: UnaryOp, _ x: Variable) throws -> Variable {
    if let y = try x.value.checkedIntegerUnary(op) { return Variable(y) }
    if op == .neg { return neg(x) }
    let y = x.value.unary(op)
    let tape = Tape.current
    guard tape.tracks(x), x.dtype.isFloating else { return Variable(y) }
    let xv = x.value
    return tape.record(y, x) { g in try Tensor.fusedUnaryBackward(op, x: xv, y: y, grad: g) ?? g * derivative(op, xv, y) }
}

/// f'(x) for each unary op, given x and y = f(x).
func derivative(_ op: UnaryOp, _ x: Tensor, _ y: Tensor) throws -> Tensor {
    let one = Tensor(scalar: 1, dtype: x.dtype)
    switch op {
    case .neg: return Tensor(scalar: -1, dtype: x.dtype)
    case .abs, .sign:
        return op == .abs ? x.unary(.sign) : zeros(like: x)
    case .exp: return y
    case .log: return x.unary(.reciprocal)
    case .log1p: return try (x + one).unary(.reciprocal)
    case .sqrt: return try Tensor(scalar: 0.5, dtype: x.dtype) / y
    case .square: return try Tensor(scalar: 2, dtype: x.dtype) * x
    case .sin: return x.unary(.cos)
    case .cos: return x.unary(.sin).unary(.neg)
    case .tanh: return try one - y * y
    case .sigmoid: return try y * (one - y)
    case .relu: return try Tensor.compare(.gt, x, Tensor(scalar: 0, dtype: x.dtype)).cast(to: x.dtype)
    case .gelu:
        // d/dx [x Φ(x)] = Φ(x) + x φ(x)
        let phi = try (x * x * Tensor(scalar: -0.5, dtype: x.dtype)).unary(.exp) * Tensor(scalar: 0.3989422804014327, dtype: x.dtype)
        return try x.gaussianCDF() + x * phi
    case .softplus: return x.unary(.sigmoid)
    case .reciprocal: return try (y * y).unary(.neg)
    }
}

func zeros(like x: Tensor) -> Tensor { Tensor.zeros(like: x) }

/// Clamp: the gradient passes where the input is inside the bounds. Integer tensors with
/// integer bounds stay integer (see `Tensor.clamp(min:max:)`).
public func clamp(_ x: Variable, min lo: ClampBound?, max hi: ClampBound?) throws -> Variable {
    let y = x.value.clamp(min: lo, max: hi)
    let tape = Tape.current
    guard tape.tracks(x) else { return Variable(y) }
    let inside = try Tensor.compare(.eq, y, x.value).cast(to: y.dtype)
    return tape.record(y, x) { g in try g * inside }
}
