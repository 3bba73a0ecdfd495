import Autodiff
import Foundation
import Tensors

/// The arithmetic, comparison and range operators on values. Ints stay ints (`/` gives a
/// float, `//` floors, `%` takes the divisor's sign, `**` with a non-negative int exponent stays
/// int); ints mixed with floats give floats; anything with a tensor gives a tensor through the
/// autodiff functions, so gradients flow.
enum Operators {
    static func unary(_ op: UnaryOperator, _ v: Value) throws -> Value {
        switch (op, v) {
        case (.not, _):
            if case .tensor(let t) = v, t.value.count != 1 { return .tensor(t.value.logicalNot()) }
            return .bool(!(try Convert.isTruthy(v)))
        case (.negate, .int(let n)):
            guard n != Int.min else { throw ScriptError(.value, "integer overflow in -\(n)") }
            return .int(-n)
        case (.negate, .float(let x)): return .float(-x)
        case (.negate, .bool(let b)): return .int(b ? -1 : 0)
        case (.negate, .tensor(let t)): return .tensor(try Autodiff.unary(.neg, t))
        case (.plus, .int), (.plus, .float), (.plus, .tensor): return v
        case (.plus, .bool(let b)): return .int(b ? 1 : 0)
        default:
            throw ScriptError(.type, "cannot apply unary `\(op.rawValue)` to a \(v.typeName)")
        }
    }

    static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value {
        // Fast paths: int/int and float/float.
        switch (a, b) {
        case (.int(let x), .int(let y)): return try intOp(op, x, y)
        case (.float(let x), .float(let y)): return try floatOp(op, x, y)
        case (.int(let x), .float(let y)): return try floatOp(op, Double(x), y)
        case (.float(let x), .int(let y)): return try floatOp(op, x, Double(y))
        default: break
        }
        if case .tensor = a { return try tensorOp(op, a, b) }
        if case .tensor = b { return try tensorOp(op, a, b) }
        switch (a, b) {
        case (.bool(let x), .bool(let y)) where op == .equal || op == .notEqual:
            return .bool((x == y) == (op == .equal))
        case (.bool, _), (_, .bool):
            if let x = Convert.int(a), let y = Convert.int(b), isNumber(a), isNumber(b) { return try intOp(op, x, y) }
            if let x = Convert.double(a), let y = Convert.double(b), isNumber(a), isNumber(b) { return try floatOp(op, x, y) }
        default: break
        }
        if op == .equal { return .bool(Equality.equal(a, b)) }
        if op == .notEqual { return .bool(!Equality.equal(a, b)) }
        switch (op, a, b) {
        case (.add, .string(let x), .string(let y)): return .string(x + y)
        case (.multiply, .string(let s), .int(let n)), (.multiply, .int(let n), .string(let s)):
            let size = n.multipliedReportingOverflow(by: s.utf8.count)
            guard n >= 0, !size.overflow, size.partialValue <= 1 << 26 else {
                throw ScriptError(.value, "cannot repeat a string \(n) times")
            }
            // An empty string repeated any number of times is empty (without counting to n).
            return .string(s.isEmpty ? "" : String(repeating: s, count: n))
        case (.add, .list(let x), .list(let y)): return .list(x + y)
        case (.multiply, .list(let xs), .int(let n)), (.multiply, .int(let n), .list(let xs)):
            // An overflowing product wraps to a small number: it must fail the limit, not pass it.
            let size = n.multipliedReportingOverflow(by: xs.count)
            guard n >= 0, !size.overflow, size.partialValue <= 1 << 24 else {
                throw ScriptError(.value, "cannot repeat a list \(n) times",
                                  hint: "list * n repeats the list; to multiply numbers, make a tensor: tensor([...]) * n")
            }
            // An empty list repeated is empty; building n empty copies first could take forever.
            return .list(xs.isEmpty ? [] : Array([[Value]](repeating: xs, count: n).joined()))
        case (.less, .string(let x), .string(let y)): return .bool(x < y)
        case (.lessEqual, .string(let x), .string(let y)): return .bool(x <= y)
        case (.greater, .string(let x), .string(let y)): return .bool(x > y)
        case (.greaterEqual, .string(let x), .string(let y)): return .bool(x >= y)
        case (.range, _, _):
            guard let x = Convert.int(a), let y = Convert.int(b), !isFloat(a), !isFloat(b) else {
                throw ScriptError(.type, "range bounds must be integers, got \(a.typeName) and \(b.typeName)",
                                  hint: "use linspace(a, b, n) for float ranges")
            }
            return .range(RangeValue(start: x, end: y))
        default:
            let hint: String? = (a.typeName == "list" || b.typeName == "list") && op != .add
                ? "to compute with numbers in a list, make a tensor: tensor([...])" : nil
            throw ScriptError(.type, "cannot apply `\(op.rawValue)` to \(a.typeName) and \(b.typeName)", hint: hint)
        }
    }

    static func isNumber(_ v: Value) -> Bool {
        switch v { case .int, .float, .bool: return true; default: return false }
    }

    static func isFloat(_ v: Value) -> Bool { if case .float = v { return true }; return false }

    static func intOp(_ op: BinaryOperator, _ x: Int, _ y: Int) throws -> Value {
        func overflow() -> ScriptError { ScriptError(.value, "integer overflow in \(x) \(op.rawValue) \(y)", hint: "use floats for very large numbers") }
        switch op {
        case .add: let r = x.addingReportingOverflow(y); if r.overflow { throw overflow() }; return .int(r.partialValue)
        case .subtract: let r = x.subtractingReportingOverflow(y); if r.overflow { throw overflow() }; return .int(r.partialValue)
        case .multiply: let r = x.multipliedReportingOverflow(by: y); if r.overflow { throw overflow() }; return .int(r.partialValue)
        case .divide:
            guard y != 0 else { throw ScriptError(.value, "division by zero") }
            return .float(Double(x) / Double(y))
        case .floorDivide:
            guard y != 0 else { throw ScriptError(.value, "integer division by zero") }
            if x == Int.min && y == -1 { throw overflow() }
            let q = x / y
            return .int((x % y != 0 && (x < 0) != (y < 0)) ? q - 1 : q)
        case .remainder:
            guard y != 0 else { throw ScriptError(.value, "integer modulo by zero") }
            if y == -1 { return .int(0) }
            let r = x % y
            return .int((r != 0 && (r < 0) != (y < 0)) ? r + y : r)
        case .power:
            if y < 0 { return .float(Foundation.pow(Double(x), Double(y))) }
            var result = 1, base = x, e = y
            while e > 0 {
                if e & 1 == 1 {
                    let r = result.multipliedReportingOverflow(by: base)
                    if r.overflow { throw overflow() }
                    result = r.partialValue
                }
                e >>= 1
                if e > 0 {
                    let r = base.multipliedReportingOverflow(by: base)
                    if r.overflow { throw overflow() }
                    base = r.partialValue
                }
            }
            return .int(result)
        case .equal: return .bool(x == y)
        case .notEqual: return .bool(x != y)
        case .less: return .bool(x < y)
        case .lessEqual: return .bool(x <= y)
        case .greater: return .bool(x > y)
        case .greaterEqual: return .bool(x >= y)
        case .range: return .range(RangeValue(start: x, end: y))
        case .matmul: throw ScriptError(.type, "`@` needs tensors, got int and int")
        case .and, .or: return .bool(x != 0 && (op == .or || y != 0) || (op == .or && y != 0))
        }
    }

    static func floatOp(_ op: BinaryOperator, _ x: Double, _ y: Double) throws -> Value {
        switch op {
        case .add: return .float(x + y)
        case .subtract: return .float(x - y)
        case .multiply: return .float(x * y)
        case .divide:
            guard y != 0 else { throw ScriptError(.value, "division by zero", hint: "for IEEE inf/nan use tensors") }
            return .float(x / y)
        case .floorDivide:
            guard y != 0 else { throw ScriptError(.value, "division by zero") }
            return .float((x / y).rounded(.down))
        case .remainder:
            guard y != 0 else { throw ScriptError(.value, "modulo by zero") }
            return .float(x - y * (x / y).rounded(.down))
        case .power: return .float(Foundation.pow(x, y))
        case .equal: return .bool(x == y)
        case .notEqual: return .bool(x != y)
        case .less: return .bool(x < y)
        case .lessEqual: return .bool(x <= y)
        case .greater: return .bool(x > y)
        case .greaterEqual: return .bool(x >= y)
        case .range: throw ScriptError(.type, "range bounds must be integers, got floats", hint: "use linspace(a, b, n) for float ranges")
        case .matmul: throw ScriptError(.type, "`@` needs tensors, got numbers")
        case .and, .or: return .bool(op == .and ? (x != 0 && y != 0) : (x != 0 || y != 0))
        }
    }

    /// An operator with at least one tensor operand.
    static func tensorOp(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value {
        let da = a.asTensor?.dtype, db = b.asTensor?.dtype
        let x = try Convert.operand(a, against: db ?? da ?? DefaultDType.float)
        let y = try Convert.operand(b, against: da ?? db ?? DefaultDType.float)
        switch op {
        case .add: return .tensor(try Autodiff.add(x, y))
        case .subtract: return .tensor(try Autodiff.sub(x, y))
        case .multiply: return .tensor(try Autodiff.mul(x, y))
        case .divide: return .tensor(try Autodiff.div(x, y))
        case .power: return .tensor(try TensorOps.power(x, y))
        case .matmul:
            guard x.rank >= 1, y.rank >= 1 else {
                throw TensorError.shapeMismatch("matmul", x.shape, y.shape, "cannot be multiplied: `@` needs at least 1-D operands",
                                                hint: "use * to multiply by a scalar")
            }
            return .tensor(try Autodiff.matmul(x, y))
        case .floorDivide: return .tensor(try Tensor.floorDivide(x.value, y.value, modulo: false))
        case .remainder: return .tensor(try Tensor.floorDivide(x.value, y.value, modulo: true))
        case .equal: return .tensor(try Tensor.compare(.eq, x.value, y.value))
        case .notEqual: return .tensor(try Tensor.compare(.ne, x.value, y.value))
        case .less: return .tensor(try Tensor.compare(.lt, x.value, y.value))
        case .lessEqual: return .tensor(try Tensor.compare(.le, x.value, y.value))
        case .greater: return .tensor(try Tensor.compare(.gt, x.value, y.value))
        case .greaterEqual: return .tensor(try Tensor.compare(.ge, x.value, y.value))
        case .range: throw ScriptError(.type, "range bounds must be integers, got a tensor", hint: "use item(x) or int(x)")
        case .and: return .tensor(try Tensor.logical("and", x.value, y.value))
        case .or: return .tensor(try Tensor.logical("or", x.value, y.value))
        }
    }
}

/// Structural equality for `==` on non-numeric values.
enum Equality {
    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.string(let x), .string(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.float(let x), .float(let y)): return x == y
        case (.int, .float), (.float, .int), (.bool, .int), (.int, .bool), (.bool, .float), (.float, .bool):
            return Convert.double(a) == Convert.double(b)
        case (.list(let x), .list(let y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.record(let x), .record(let y)):
            return x.names == y.names && zip(x.values, y.values).allSatisfy { equal($0, $1) }
        case (.range(let x), .range(let y)): return x == y
        case (.function(let f), .function(let g)): return f === g
        case (.object(let o), .object(let p)): return o === p
        default: return false
        }
    }
}
