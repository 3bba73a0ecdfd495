import RealModule

/// The default floating dtype: what integer inputs of a float op and new float tensors become.
/// The language's `precision f32|f64` sets it; it is per thread.
public enum DefaultDType {
    private final class Box { var dtype: DType = .float32 }
    private static let box = ThreadLocal { Box() }

    public static var float: DType {
        get { box.value.dtype }
        set { box.value.dtype = newValue }
    }
}

// MARK: - Loop drivers

/// Runs `body` over every element of a broadcast binary op, writing dense output, on the
/// calling thread. `@inline(__always)` lets the optimizer fold `body` into the loops, so no
/// closure is called per element. (Float arithmetic takes `kernelLoop`, which also splits
/// large outputs over the cores: a closure captured by a parallel range would be called per
/// element.)
@inline(__always)
func broadcastLoop<A, B, C>(_ a: Tensor, _ b: Tensor, _ out: Tensor, _: A.Type, _: B.Type, _: C.Type,
                            _ body: (A, B) -> C) {
    let n = out.count
    if n == 0 { return }
    let pa = a.pointer(A.self), pb = b.pointer(B.self), po = out.pointer(C.self)
    let aFull = a.shape == out.shape && a.isContiguous
    let bFull = b.shape == out.shape && b.isContiguous
    if aFull && bFull {
        for i in 0..<n { po[i] = body(pa[i], pb[i]) }
        return
    }
    let shape = out.shape, rank = shape.count
    let sa = Shape.broadcastStrides(a.shape, a.strides, to: shape)
    let sb = Shape.broadcastStrides(b.shape, b.strides, to: shape)
    let inner = rank == 0 ? 1 : shape[rank - 1], ia = rank == 0 ? 0 : sa[rank - 1], ib = rank == 0 ? 0 : sb[rank - 1]
    var index = [Int](repeating: 0, count: rank)
    var oa = 0, ob = 0, written = 0
    while written < n {
        let qa = pa + oa, qb = pb + ob, qo = po + written
        for j in 0..<inner { qo[j] = body(qa[j * ia], qb[j * ib]) }
        written += inner
        var axis = rank - 2
        while axis >= 0 {
            index[axis] += 1
            oa += sa[axis]; ob += sb[axis]
            if index[axis] < shape[axis] { break }
            oa -= sa[axis] * shape[axis]; ob -= sb[axis] * shape[axis]
            index[axis] = 0
            axis -= 1
        }
    }
}

/// `broadcastLoop` for a float kernel type: the same loops, with ranges of elements (dense
/// operands) or rows (broadcast and strided ones) split over the cores for large outputs.
/// `K.apply` is resolved statically, so the parallel loops stay as tight as serial ones.
@inline(__always)
func kernelLoop<K: BinaryFloatKernel, T: FloatElement>(_: K.Type, _ a: Tensor, _ b: Tensor, _ out: Tensor, _: T.Type) {
    let n = out.count
    if n == 0 { return }
    let pa = a.pointer(T.self), pb = b.pointer(T.self), po = out.pointer(T.self)
    let aFull = a.shape == out.shape && a.isContiguous
    let bFull = b.shape == out.shape && b.isContiguous
    if aFull && bFull {
        Parallel.forEachElementRange(n) { r in for i in r { po[i] = K.apply(pa[i], pb[i]) } }
        return
    }
    if aFull && b.count == 1 {
        let s = pb.pointee
        Parallel.forEachElementRange(n) { r in for i in r { po[i] = K.apply(pa[i], s) } }
        return
    }
    if bFull && a.count == 1 {
        let s = pa.pointee
        Parallel.forEachElementRange(n) { r in for i in r { po[i] = K.apply(s, pb[i]) } }
        return
    }
    let shape = out.shape, rank = shape.count
    let sa = Shape.broadcastStrides(a.shape, a.strides, to: shape)
    let sb = Shape.broadcastStrides(b.shape, b.strides, to: shape)
    let walk = RowWalk(shape, sa, sb)
    let inner = walk.inner, ia = rank == 0 ? 0 : sa[rank - 1], ib = rank == 0 ? 0 : sb[rank - 1]
    walk.forEachRow { row, oa, ob, _ in
        let qa = pa + oa, qb = pb + ob, qo = po + row * inner
        if ia == 1 && ib == 1 {
            for j in 0..<inner { qo[j] = K.apply(qa[j], qb[j]) }
        } else if ia == 1 && ib == 0 {
            let s = qb.pointee
            for j in 0..<inner { qo[j] = K.apply(qa[j], s) }
        } else if ia == 0 && ib == 1 {
            let s = qa.pointee
            for j in 0..<inner { qo[j] = K.apply(s, qb[j]) }
        } else {
            for j in 0..<inner { qo[j] = K.apply(qa[j * ia], qb[j * ib]) }
        }
    }
}

@inline(__always)
func mapLoop<A, C>(_ a: Tensor, _ out: Tensor, _: A.Type, _: C.Type, _ body: (A) -> C) {
    let x = a.contiguous()
    let n = out.count
    let pa = x.pointer(A.self), po = out.pointer(C.self)
    for i in 0..<n { po[i] = body(pa[i]) }
}

// MARK: - Casting

extension Tensor {
    /// This tensor converted to `dtype` (itself when it already has it). Floats become ints by
    /// truncation toward zero; NaN and out-of-range values become 0 (`checkedCast(to:)`
    /// throws for them instead: use it for conversions the user asked for).
    public func cast(to dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        let out = Tensor.uncheckedEmpty(shape, count: count, dtype: dtype)
        func fromFloat<S: FloatElement>(_: S.Type) {
            switch dtype {
            case .float32: mapLoop(self, out, S.self, Float.self) { Float($0) }
            case .float64: mapLoop(self, out, S.self, Double.self) { Double($0) }
            case .int64: mapLoop(self, out, S.self, Int.self) { fitsInt64($0) ? Int($0) : 0 }
            case .bool: mapLoop(self, out, S.self, UInt8.self) { $0 != 0 ? 1 : 0 }
            }
        }
        switch self.dtype {
        case .float32: fromFloat(Float.self)
        case .float64: fromFloat(Double.self)
        case .int64:
            switch dtype {
            case .float32: mapLoop(self, out, Int.self, Float.self) { Float($0) }
            case .float64: mapLoop(self, out, Int.self, Double.self) { Double($0) }
            case .bool: mapLoop(self, out, Int.self, UInt8.self) { $0 != 0 ? 1 : 0 }
            case .int64: break
            }
        case .bool:
            switch dtype {
            case .float32: mapLoop(self, out, UInt8.self, Float.self) { Float($0) }
            case .float64: mapLoop(self, out, UInt8.self, Double.self) { Double($0) }
            case .int64: mapLoop(self, out, UInt8.self, Int.self) { Int($0) }
            case .bool: break
            }
        }
        return out
    }

    /// This tensor as a float tensor: itself when floating, else cast to the default float dtype.
    public func asFloat() -> Tensor { dtype.isFloating ? self : cast(to: DefaultDType.float) }
}

// MARK: - Unary

extension Tensor {
    /// Applies an elementwise operation. Integer and boolean inputs are converted to the
    /// default float dtype first (except `neg`, `abs`, `sign` and `square` on ints, which stay ints).
    public func unary(_ op: UnaryOp) -> Tensor {
        if dtype == .int64, [.neg, .abs, .sign, .square].contains(op) {
            let out = Tensor.uncheckedEmpty(shape, count: count, dtype: .int64)
            switch op {
            case .neg: mapLoop(self, out, Int.self, Int.self) { 0 &- $0 }
            case .abs: mapLoop(self, out, Int.self, Int.self) { $0 < 0 ? 0 &- $0 : $0 }
            case .sign: mapLoop(self, out, Int.self, Int.self) { $0.signum() }
            default: mapLoop(self, out, Int.self, Int.self) { $0 &* $0 }
            }
            return out
        }
        let x = asFloat()
        let out = Tensor.uncheckedEmpty(shape, count: count, dtype: x.dtype)
        switch op {
        case .neg: x.map(Neg.self, into: out)
        case .abs: x.map(Abs.self, into: out)
        case .sign: x.map(Sign.self, into: out)
        case .exp: x.map(Exp.self, into: out)
        case .log: x.map(Log.self, into: out)
        case .log1p: x.map(Log1p.self, into: out)
        case .sqrt: x.map(Sqrt.self, into: out)
        case .square: x.map(Square.self, into: out)
        case .sin: x.map(Sin.self, into: out)
        case .cos: x.map(Cos.self, into: out)
        case .tanh: x.map(Tanh.self, into: out)
        case .sigmoid: x.map(Sigmoid.self, into: out)
        case .relu: x.map(Relu.self, into: out)
        case .gelu: x.map(Gelu.self, into: out)
        case .softplus: x.map(Softplus.self, into: out)
        case .reciprocal: x.map(Reciprocal.self, into: out)
        }
        return out
    }

    /// Applies a float kernel elementwise into `out`, split over the cores for large tensors.
    func map<K: UnaryFloatKernel>(_: K.Type, into out: Tensor) {
        func run<T: FloatElement>(_: T.Type) {
            let x = contiguous()
            let pa = x.pointer(T.self), po = out.pointer(T.self)
            Parallel.forEachElementRange(out.count) { r in for i in r { po[i] = K.apply(pa[i]) } }
        }
        if dtype == .float32 { run(Float.self) } else { run(Double.self) }
    }

    /// The standard normal CDF Φ(x) = (1 + erf(x/√2)) / 2, elementwise.
    public func gaussianCDF() -> Tensor {
        let x = asFloat()
        let out = Tensor.uncheckedEmpty(shape, count: count, dtype: x.dtype)
        func run<T: FloatElement>(_: T.Type) {
            mapLoop(x, out, T.self, T.self) { v in (1 + T.erf(v / T.sqrt(2))) / 2 }
        }
        if x.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return out
    }
}

// MARK: - Binary

extension Tensor {
    /// Elementwise arithmetic with NumPy broadcasting and type promotion. Integer `add`, `sub`,
    /// `mul`, `maximum` and `minimum` stay integer (`add`, `sub` and `mul` throw on int64
    /// overflow instead of wrapping); `div` and `pow` always produce floats.
    public static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let shape = try Shape.broadcast(a.shape, b.shape, op: op.rawValue)
        var dtype = DType.promote(a.dtype, b.dtype)
        if dtype == .bool { dtype = .int64 }
        if dtype == .int64 && (op == .div || op == .pow) { dtype = DefaultDType.float }
        let x = try a.checkedCast(to: dtype, op: op.rawValue), y = try b.checkedCast(to: dtype, op: op.rawValue)
        let n = try Shape.checkedCount(shape, dtype: dtype, op: op.rawValue)
        let out = Tensor.uncheckedEmpty(shape, count: n, dtype: dtype)
        switch dtype {
        case .float32: try floatBinary(op, x, y, out, Float.self)
        case .float64: try floatBinary(op, x, y, out, Double.self)
        default:
            switch op {
            case .add: try checkedIntBinary(CheckedAdd.self, op: "add", x, y, out)
            case .sub: try checkedIntBinary(CheckedSub.self, op: "sub", x, y, out)
            case .mul: try checkedIntBinary(CheckedMul.self, op: "mul", x, y, out)
            case .maximum: intBinary(Maximum.self, x, y, out)
            case .minimum: intBinary(Minimum.self, x, y, out)
            case .div, .pow: break  // promoted to float above
            }
        }
        return out
    }

    private static func floatBinary<T: FloatElement>(_ op: BinaryOp, _ x: Tensor, _ y: Tensor, _ out: Tensor, _: T.Type) throws {
        switch op {
        case .add: kernelLoop(Add.self, x, y, out, T.self)
        case .sub: kernelLoop(Sub.self, x, y, out, T.self)
        case .mul: kernelLoop(Mul.self, x, y, out, T.self)
        case .div: kernelLoop(Div.self, x, y, out, T.self)
        case .pow: kernelLoop(Pow.self, x, y, out, T.self)
        case .maximum: kernelLoop(Maximum.self, x, y, out, T.self)
        case .minimum: kernelLoop(Minimum.self, x, y, out, T.self)
        }
    }

    private static func intBinary<K: BinaryIntKernel>(_: K.Type, _ x: Tensor, _ y: Tensor, _ out: Tensor) {
        broadcastLoop(x, y, out, Int.self, Int.self, Int.self) { K.apply($0, $1) }
    }

    /// Integer floor division and modulo (Python semantics: the result of `%` has the sign of
    /// the divisor); integer division or modulo by zero throws, as in PyTorch. Float inputs use
    /// `floor(a / b)` and `a - b * floor(a / b)` (inf or nan for a zero divisor).
    public static func floorDivide(_ a: Tensor, _ b: Tensor, modulo: Bool) throws -> Tensor {
        let op = modulo ? "mod" : "floordiv"
        let shape = try Shape.broadcast(a.shape, b.shape, op: op)
        var dtype = DType.promote(a.dtype, b.dtype)
        if dtype == .bool { dtype = .int64 }
        let x = try a.checkedCast(to: dtype, op: op), y = try b.checkedCast(to: dtype, op: op)
        let out = Tensor.uncheckedEmpty(shape, count: try Shape.checkedCount(shape, dtype: dtype, op: op), dtype: dtype)
        func run<T: FloatElement>(_: T.Type) {
            if modulo {
                broadcastLoop(x, y, out, T.self, T.self, T.self) { p, q in p - q * (p / q).rounded(.down) }
            } else {
                broadcastLoop(x, y, out, T.self, T.self, T.self) { p, q in (p / q).rounded(.down) }
            }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        default:
            if modulo { try checkedIntBinary(CheckedMod.self, op: op, x, y, out) } else { try checkedIntBinary(CheckedFloorDiv.self, op: op, x, y, out) }
        }
        return out
    }

    /// Elementwise comparison with broadcasting; the result is a `bool` tensor.
    public static func compare(_ op: CompareOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let shape = try Shape.broadcast(a.shape, b.shape, op: op.rawValue)
        let dtype = DType.promote(a.dtype, b.dtype)
        let x = try a.checkedCast(to: dtype, op: op.rawValue), y = try b.checkedCast(to: dtype, op: op.rawValue)
        let out = Tensor.uncheckedEmpty(shape, count: try Shape.checkedCount(shape, dtype: .bool, op: op.rawValue), dtype: .bool)
        switch op {
        case .eq: compareLoop(Eq.self, x, y, out)
        case .ne: compareLoop(Ne.self, x, y, out)
        case .lt: compareLoop(Lt.self, x, y, out)
        case .le: compareLoop(Le.self, x, y, out)
        case .gt: compareLoop(Gt.self, x, y, out)
        case .ge: compareLoop(Ge.self, x, y, out)
        }
        return out
    }

    private static func compareLoop<K: CompareKernel>(_: K.Type, _ x: Tensor, _ y: Tensor, _ out: Tensor) {
        switch x.dtype {
        case .float32: broadcastLoop(x, y, out, Float.self, Float.self, UInt8.self) { K.apply($0, $1) ? 1 : 0 }
        case .float64: broadcastLoop(x, y, out, Double.self, Double.self, UInt8.self) { K.apply($0, $1) ? 1 : 0 }
        case .int64: broadcastLoop(x, y, out, Int.self, Int.self, UInt8.self) { K.apply($0, $1) ? 1 : 0 }
        case .bool: broadcastLoop(x, y, out, UInt8.self, UInt8.self, UInt8.self) { K.apply($0, $1) ? 1 : 0 }
        }
    }

    /// Elementwise logical and / or / not on truthiness (nonzero is true).
    public static func logical(_ op: String, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let x = a.cast(to: .bool), y = b.cast(to: .bool)
        let shape = try Shape.broadcast(x.shape, y.shape, op: op)
        let out = Tensor.uncheckedEmpty(shape, count: try Shape.checkedCount(shape, dtype: .bool, op: op), dtype: .bool)
        if op == "and" {
            broadcastLoop(x, y, out, UInt8.self, UInt8.self, UInt8.self) { $0 & $1 }
        } else {
            broadcastLoop(x, y, out, UInt8.self, UInt8.self, UInt8.self) { $0 | $1 }
        }
        return out
    }

    /// Elementwise logical not.
    public func logicalNot() -> Tensor {
        let x = cast(to: .bool)
        let out = Tensor.uncheckedEmpty(shape, count: count, dtype: .bool)
        mapLoop(x, out, UInt8.self, UInt8.self) { $0 ^ 1 }
        return out
    }

    /// Convenience for `binary(.add, ...)` etc. with Swift operators, used by Swift-side code.
    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try binary(.add, a, b) }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try binary(.sub, a, b) }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try binary(.mul, a, b) }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try binary(.div, a, b) }
}
