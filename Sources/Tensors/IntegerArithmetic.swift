// Checked int64 arithmetic. Floats have inf and NaN to show that something went wrong; an
// int64 that wraps around (or a division by zero that quietly gives 0) is just a wrong number
// that looks right. So integer `+ - *`, `//`, `%`, `neg`, `abs` and `square` raise a
// `.value` error naming the first offending operands instead — as the language's scalar ints
// and PyTorch's "ZeroDivisionError" for integer tensors do — and never trap.

/// Why an integer kernel could not produce a value.
enum IntFault: UInt8 {
    case none, overflow, divisionByZero
}

/// An (int, int) -> int operation that reports overflow or division by zero instead of
/// wrapping or trapping. The result is unused when the fault is not `.none`.
protocol CheckedIntKernel {
    /// How the op is written between its operands in messages (`+`, `//`).
    static var symbol: String { get }
    static func apply(_ a: Int, _ b: Int) -> (Int, IntFault)
}

enum CheckedAdd: CheckedIntKernel {
    static var symbol: String { "+" }
    @inline(__always) static func apply(_ a: Int, _ b: Int) -> (Int, IntFault) {
        let (r, o) = a.addingReportingOverflow(b)
        return (r, o ? .overflow : .none)
    }
}

enum CheckedSub: CheckedIntKernel {
    static var symbol: String { "-" }
    @inline(__always) static func apply(_ a: Int, _ b: Int) -> (Int, IntFault) {
        let (r, o) = a.subtractingReportingOverflow(b)
        return (r, o ? .overflow : .none)
    }
}

enum CheckedMul: CheckedIntKernel {
    static var symbol: String { "*" }
    @inline(__always) static func apply(_ a: Int, _ b: Int) -> (Int, IntFault) {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        return (r, o ? .overflow : .none)
    }
}

/// Floor division (Python semantics: rounds toward negative infinity).
enum CheckedFloorDiv: CheckedIntKernel {
    static var symbol: String { "//" }
    @inline(__always) static func apply(_ a: Int, _ b: Int) -> (Int, IntFault) {
        if b == 0 { return (0, .divisionByZero) }
        // Int.min / -1 is 2^63, one past Int.max (Swift's `/` would trap).
        if b == -1 { return a == Int.min ? (0, .overflow) : (-a, .none) }
        let q = a / b
        return ((a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q, .none)
    }
}

/// Modulo with the sign of the divisor (Python semantics).
enum CheckedMod: CheckedIntKernel {
    static var symbol: String { "%" }
    @inline(__always) static func apply(_ a: Int, _ b: Int) -> (Int, IntFault) {
        if b == 0 { return (0, .divisionByZero) }
        // Anything mod -1 is 0; Swift's `%` would trap on Int.min % -1.
        if b == -1 { return (0, .none) }
        let r = a % b
        return ((r != 0 && (r < 0) != (b < 0)) ? r + b : r, .none)
    }
}

extension TensorError {
    /// The error for an int64 result that does not fit: `what` says which.
    static func intOverflow(_ op: String, _ what: String) -> TensorError {
        TensorError(.value, op: op, "integer overflow: \(what)", hint: "int64 holds about ±9.22e18; cast to float64 for larger numbers")
    }
}

extension Tensor {
    /// Runs a checked int kernel over broadcast int64 operands into `out`; throws on the first
    /// element that overflows or divides by zero, naming its operands. `op` names the
    /// operation in the error (`add`, `floordiv`).
    static func checkedIntBinary<K: CheckedIntKernel>(_: K.Type, op: String, _ x: Tensor, _ y: Tensor, _ out: Tensor) throws {
        var fault = IntFault.none
        var culprit = (0, 0)
        broadcastLoop(x, y, out, Int.self, Int.self, Int.self) { p, q in
            let (r, f) = K.apply(p, q)
            if f != .none && fault == .none { fault = f; culprit = (p, q) }
            return r
        }
        switch fault {
        case .none: return
        case .overflow:
            throw TensorError.intOverflow(op, "\(culprit.0) \(K.symbol) \(culprit.1) does not fit in int64")
        case .divisionByZero:
            let what = K.self == CheckedMod.self ? "modulo" : "division"
            throw TensorError(.value, op: op, "integer \(what) by zero (ZeroDivisionError): \(culprit.0) \(K.symbol) 0",
                              hint: "cast to a float dtype first to get inf or nan instead")
        }
    }

    /// `neg`, `abs` and `square` of an int64 tensor, checked: they stay int64 and throw when
    /// a result does not fit (`-(-2^63)`, `abs(-2^63)`, `square(2^32)`). Nil for the other ops,
    /// which compute in floats.
    public func checkedIntegerUnary(_ op: UnaryOp) throws -> Tensor? {
        guard dtype == .int64, [.neg, .abs, .sign, .square].contains(op) else { return nil }
        let out = Tensor.uncheckedEmpty(shape, count: count, dtype: .int64)
        var culprit: Int?
        func run(_ body: (Int) -> (Int, Bool)) {
            mapLoop(self, out, Int.self, Int.self) { v in
                let (r, o) = body(v)
                if o && culprit == nil { culprit = v }
                return r
            }
        }
        switch op {
        case .neg, .abs:
            let isAbs = op == .abs
            run { v in (isAbs && v >= 0) ? (v, false) : (0 as Int).subtractingReportingOverflow(v) }
        case .sign: run { v in (v.signum(), false) }
        default: run { v in v.multipliedReportingOverflow(by: v) }
        }
        if let v = culprit {
            throw TensorError.intOverflow(op.rawValue, "\(op.rawValue)(\(v)) does not fit in int64")
        }
        return out
    }
}
