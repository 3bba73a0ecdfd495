import Autodiff
import Foundation
import Tensors

/// Elementwise math: on a number it returns a number, on a tensor a tensor (with gradients).
enum MathBuiltins {
    static let table: [Builtin] = unaryTable + [
        Builtin("clamp", ["x", "min=none", "max=none"], "limits every element to [min, max] (ints stay ints with int bounds)", .math) { a, _ in
            let lo = try clampBound(a, "min"), hi = try clampBound(a, "max")
            if case .int(let n) = a["x"], lo?.isFloat != true, hi?.isFloat != true {
                var y = n
                if case .int(let l) = lo, y < l { y = l }
                if case .int(let h) = hi, y > h { y = h }
                return .int(y)
            }
            if let x = scalar(a["x"]) {
                var y = x
                if let lo, y < lo.double { y = lo.double }
                if let hi, y > hi.double { y = hi.double }
                return .float(y)
            }
            return .tensor(try Autodiff.clamp(try a.variable("x"), min: lo, max: hi))
        },
        Builtin("maximum", ["a", "b"], "elementwise maximum of two tensors (broadcast)", .math) { a, _ in
            try binary(a, "a", "b", Autodiff.maximum) { Swift.max($0, $1) }
        },
        Builtin("minimum", ["a", "b"], "elementwise minimum of two tensors (broadcast)", .math) { a, _ in
            try binary(a, "a", "b", Autodiff.minimum) { Swift.min($0, $1) }
        },
        Builtin("pow", ["x", "p"], "x to the power p, elementwise", .math) { a, _ in
            try binary(a, "x", "p", Autodiff.pow) { Foundation.pow($0, $1) }
        },
        Builtin("where", ["cond", "a", "b"], "elementwise a where cond is true, else b", .math) { a, _ in
            let x = try a.value("a"), y = try a.value("b")
            let dx = x.asTensor?.dtype, dy = y.asTensor?.dtype
            return .tensor(try Autodiff.where(try a.tensor("cond"), try Convert.operand(x, against: dy ?? dx ?? DefaultDType.float),
                                              try Convert.operand(y, against: dx ?? dy ?? DefaultDType.float)))
        },
        Builtin("isnan", ["x"], "true where x is NaN", .math) { a, _ in
            try predicate(a) { $0.isNaN }
        },
        Builtin("isinf", ["x"], "true where x is infinite", .math) { a, _ in
            try predicate(a) { $0.isInfinite }
        },
        Builtin("isfinite", ["x"], "true where x is neither NaN nor infinite", .math) { a, _ in
            try predicate(a) { $0.isFinite }
        },
        Builtin("floor", ["x"], "largest integer not above x (no gradient)", .math) { a, _ in
            try rounding(a, .down)
        },
        Builtin("ceil", ["x"], "smallest integer not below x (no gradient)", .math) { a, _ in
            try rounding(a, .up)
        },
        Builtin("round", ["x", "digits=none"], "x rounded to the nearest integer, or to `digits` decimals", .math) { a, _ in
            if let d = try a.optionalInt("digits"), let x = scalar(a["x"]) {
                let p = Foundation.pow(10.0, Double(Swift.max(-300, Swift.min(300, d))))
                return .float((x * p).rounded(.toNearestOrEven) / p)
            }
            return try rounding(a, .toNearestOrEven)
        },
    ]

    /// (name, op, doc) for the unary functions that map onto `Autodiff.unary`.
    static let unaryOps: [(String, UnaryOp, String)] = [
        ("exp", .exp, "e to the x"), ("log", .log, "natural logarithm"), ("ln", .log, "natural logarithm (same as log, which is also a keyword)"), ("log1p", .log1p, "log(1 + x), accurate near 0"),
        ("sqrt", .sqrt, "square root"), ("square", .square, "x squared"), ("sin", .sin, "sine"), ("cos", .cos, "cosine"),
        ("tanh", .tanh, "hyperbolic tangent"), ("sigmoid", .sigmoid, "logistic function 1/(1+e^-x)"),
        ("relu", .relu, "max(x, 0)"), ("gelu", .gelu, "x·Φ(x), the exact GELU"), ("softplus", .softplus, "log(1 + e^x)"),
        ("abs", .abs, "absolute value"), ("sign", .sign, "-1, 0 or 1 by the sign of x"), ("reciprocal", .reciprocal, "1/x"),
    ]

    static let unaryTable: [Builtin] = unaryOps.map { name, op, doc in
        Builtin(name, ["x"], doc + ", elementwise", .math) { a, _ in
            let v = try a.value("x")
            switch v {
            case .int(let n) where op == .abs:
                guard n != Int.min else { throw ScriptError(.value, "integer overflow in abs(\(n))", hint: "use floats for very large numbers") }
                return .int(Swift.abs(n))
            case .int(let n) where op == .sign: return .int(n.signum())
            case .int(let n) where op == .square:
                let (r, overflow) = n.multipliedReportingOverflow(by: n)
                guard !overflow else { throw ScriptError(.value, "integer overflow in square(\(n))", hint: "use floats for very large numbers") }
                return .int(r)
            case .int, .float, .bool:
                let x = Convert.double(v) ?? 0  // int, float and bool always convert
                let y = Tensor(scalar: x, dtype: .float64).unary(op)
                return .float(y.toDoubles().first ?? .nan)
            default:
                return .tensor(try Autodiff.unary(op, try a.variable("x")))
            }
        }
    }

    /// A clamp bound as written: ints (and bools, and one-element int tensors) are integer
    /// bounds, so an integer tensor stays integer; anything else numeric is a float bound.
    static func clampBound(_ a: BoundArguments, _ name: String) throws -> ClampBound? {
        guard let v = a[name] else { return nil }
        if let t = v.asTensor, !t.dtype.isFloating, let n = Convert.int(v) { return .int(n) }
        switch v {
        case .int(let n): return .int(n)
        case .bool(let b): return .int(b ? 1 : 0)
        default: return .float(try a.double(name))
        }
    }

    /// The number inside a scalar value (not a tensor), or nil.
    static func scalar(_ v: Value?) -> Double? {
        switch v {
        case .int(let n): return Double(n)
        case .float(let x): return x
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// A two-operand builtin whose operands are the parameters `first` and `second`.
    static func binary(_ a: BoundArguments, _ first: String, _ second: String, _ op: (Variable, Variable) throws -> Variable,
                       _ scalarOp: (Double, Double) -> Double) throws -> Value {
        let x = try a.value(first), y = try a.value(second)
        if case .int(let p) = x, case .int(let q) = y, a.function != "pow" {
            return .int(a.function == "maximum" ? Swift.max(p, q) : Swift.min(p, q))
        }
        if let p = scalar(x), let q = scalar(y) { return .float(scalarOp(p, q)) }
        let tx = x.asTensor?.dtype ?? y.asTensor?.dtype ?? DefaultDType.float
        let ty = y.asTensor?.dtype ?? tx
        return .tensor(try op(try Convert.operand(x, against: ty), try Convert.operand(y, against: tx)))
    }

    static func predicate(_ a: BoundArguments, _ test: (Double) -> Bool) throws -> Value {
        if let x = scalar(a["x"]) { return .bool(test(x)) }
        let t = try a.tensor("x")
        return .tensor(try Tensor(bools: t.toDoubles().map(test), shape: t.shape))
    }

    static func rounding(_ a: BoundArguments, _ rule: FloatingPointRoundingRule) throws -> Value {
        let v = try a.value("x")
        if case .int = v { return v }
        if let x = scalar(v) {
            let r = x.rounded(rule)
            return r.isFinite && Swift.abs(r) < 9.2e18 ? .int(Int(r)) : .float(r)
        }
        let t = try a.tensor("x")
        if !t.dtype.isFloating { return .tensor(t) }
        return .tensor(try Tensor(t.toDoubles().map { $0.rounded(rule) }, shape: t.shape, dtype: t.dtype))
    }
}
