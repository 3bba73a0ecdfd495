import Autodiff
import Tensors

/// Conversions between script values and Swift values/tensors, shared by the evaluator and
/// the builtins. Nothing here traps on odd input: failures are nil or a `ScriptError`.
public enum Convert {
    /// An integer from an int, a bool, or a one-element integer tensor.
    public static func int(_ v: Value) -> Int? {
        switch v {
        case .int(let n): return n
        case .bool(let b): return b ? 1 : 0
        case .float(let x): return x == x.rounded() && abs(x) < 9.2e18 ? Int(x) : nil
        case .tensor(let t) where t.value.count == 1 && !t.dtype.isFloating:
            return t.value.toInts().first
        default: return nil
        }
    }

    /// A Double from any number or a one-element tensor.
    public static func double(_ v: Value) -> Double? {
        switch v {
        case .int(let n): return Double(n)
        case .float(let x): return x
        case .bool(let b): return b ? 1 : 0
        case .tensor(let t) where t.value.count == 1: return t.value.toDoubles().first
        default: return nil
        }
    }

    /// Ints from an int, a list/tuple of ints, a range, or a 1-D integer tensor.
    public static func intList(_ v: Value) -> [Int]? {
        switch v {
        case .int(let n): return [n]
        case .list(let xs):
            var out: [Int] = []
            out.reserveCapacity(xs.count)
            for x in xs {
                guard let n = int(x) else { return nil }
                out.append(n)
            }
            return out
        case .range(let r) where r.count <= 1 << 20: return (0..<r.count).map(r.element)
        case .tensor(let t) where t.rank <= 1 && !t.dtype.isFloating: return t.value.toInts()
        default: return nil
        }
    }

    /// The elements of a list, range, or tensor's first axis.
    public static func list(_ v: Value) -> [Value]? {
        switch v {
        case .list(let xs): return xs
        case .range(let r) where r.count <= 1 << 24: return (0..<r.count).map { .int(r.element($0)) }
        case .tensor(let t) where t.rank >= 1:
            // Every index is in range of axis 0, so select cannot fail.
            return (0..<t.shape[0]).compactMap { try? .tensor(TensorOps.select(t, $0)) }
        default: return nil
        }
    }

    public static func dtype(named s: String) -> DType? {
        switch s.lowercased() {
        case "f32", "float32", "float": return .float32
        case "f64", "float64", "double": return .float64
        case "int", "int64", "i64", "long": return .int64
        case "bool": return .bool
        default: return nil
        }
    }

    /// The dtype a scalar takes when it meets a tensor of `other` dtype in arithmetic:
    /// floats keep the tensor's float type (a Python float with an f32 tensor stays f32).
    static func scalarDType(_ v: Value, against other: DType) -> DType {
        switch v {
        case .float: return other.isFloating ? other : DefaultDType.float
        case .int: return other.isFloating ? other : .int64
        case .bool: return other
        default: return other
        }
    }

    /// A tensor for an arithmetic operand next to a tensor of dtype `other`.
    static func operand(_ v: Value, against other: DType) throws -> Variable {
        switch v {
        case .tensor(let t): return t
        case .int(let n): return Variable(Tensor(scalar: Double(n), dtype: scalarDType(v, against: other)).withExactInt(n))
        case .float(let x): return Variable(Tensor(scalar: x, dtype: scalarDType(v, against: other)))
        case .bool(let b): return Variable(Tensor(scalar: b ? 1 : 0, dtype: other))
        default: return try variable(v)
        }
    }

    /// A tensor from a value: tensors as they are, numbers as scalars (ints as int64, floats in
    /// the default float dtype), nested lists as arrays (ints stay int64 unless a float appears).
    public static func variable(_ v: Value) throws -> Variable {
        switch v {
        case .tensor(let t): return t
        case .int(let n): return Variable(Tensor(scalar: Double(n), dtype: .int64).withExactInt(n))
        case .float(let x): return Variable(Tensor(scalar: x, dtype: DefaultDType.float))
        case .bool(let b): return Variable(Tensor(scalar: b ? 1 : 0, dtype: .bool))
        case .list, .range: return try nestedTensor(v, dtype: nil)
        default:
            throw ScriptError(.type, "expected a tensor or numbers, got \(v.typeName)")
        }
    }

    /// A tensor from nested lists (or a range) of numbers or tensors, in `dtype` when given.
    public static func nestedTensor(_ v: Value, dtype: DType?) throws -> Variable {
        if case .range(let r) = v {
            guard r.count <= 1 << 26 else { throw ScriptError(.limit, "range \(r.start)..\(r.end) is too long for a tensor") }
            let ints = (0..<r.count).map(r.element)
            let t = try Tensor(ints: ints)
            return Variable(dtype.map { t.cast(to: $0) } ?? t)
        }
        // A list of tensors stacks them (gradients flow).
        if case .list(let xs) = v, !xs.isEmpty, xs.allSatisfy({ if case .tensor = $0 { return true }; return false }) {
            let vars = xs.compactMap { x -> Variable? in if case .tensor(let t) = x { return t }; return nil }
            let stacked = try TensorOps.stack(vars, axis: 0)
            if let d = dtype { return try TensorOps.cast(stacked, d) }
            return stacked
        }
        // The shape comes from the first element at each depth; every other list must match.
        var shape: [Int] = []
        var probe = v
        while case .list(let xs) = probe, shape.count < 64 {
            shape.append(xs.count)
            guard let first = xs.first else { break }
            probe = first
        }
        var values: [Double] = []
        var ints: [Int] = []
        var kind = 0  // 0 bool, 1 int, 2 float
        func ragged() -> ScriptError {
            ScriptError(.shape, "tensor: nested lists are ragged", hint: "every row must have the same length")
        }
        func walk(_ x: Value, depth: Int) throws {
            switch x {
            case .list(let xs):
                guard depth < shape.count, shape[depth] == xs.count else { throw ragged() }
                for e in xs { try walk(e, depth: depth + 1) }
                return
            default:
                guard depth == shape.count else { throw ragged() }
            }
            switch x {
            case .int(let n):
                values.append(Double(n)); ints.append(n); kind = max(kind, 1)
            case .float(let f):
                values.append(f); ints.append(0); kind = 2
            case .bool(let b):
                values.append(b ? 1 : 0); ints.append(b ? 1 : 0)
            case .tensor(let t) where t.value.count == 1 && t.rank == 0:
                // One element (the case guard), so `first` is never nil.
                values.append(t.value.toDoubles().first ?? 0)
                ints.append(t.dtype == .int64 ? t.value.toInts().first ?? 0 : 0)
                kind = max(kind, t.dtype.isFloating ? 2 : (t.dtype == .int64 ? 1 : 0))
            default:
                throw ScriptError(.type, "tensor: expected numbers in nested lists, got \(x.typeName)")
            }
        }
        try walk(v, depth: 0)
        let dt = dtype ?? (kind == 2 ? DefaultDType.float : (kind == 1 ? .int64 : .bool))
        guard Shape.count(shape) == values.count else {
            throw ScriptError(.shape, "tensor: nested lists are ragged", hint: "every row must have the same length")
        }
        if dt == .int64 && kind <= 1 { return Variable(try Tensor(ints: ints, shape: shape)) }
        return Variable(try Tensor(values, shape: shape, dtype: dt))
    }

    /// A Swift value back from a script value for printing and --set parsing.
    public static func isTruthy(_ v: Value) throws -> Bool {
        switch v {
        case .bool(let b): return b
        case .int(let n): return n != 0
        case .float(let x): return x != 0
        case .none: return false
        case .string(let s): return !s.isEmpty
        case .list(let xs): return !xs.isEmpty
        case .range(let r): return r.count > 0
        case .record(let r): return !r.names.isEmpty
        case .tensor(let t):
            guard t.value.count == 1 else {
                throw ScriptError(.type, "the truth value of a tensor of shape \(TensorError.show(t.shape)) is ambiguous",
                                  hint: "use any(x) or all(x), or compare a single element")
            }
            return (t.value.toDoubles().first ?? 0) != 0
        case .function, .object: return true
        }
    }
}

extension Tensor {
    /// An int64 scalar holds the exact integer (Doubles lose precision above 2^53).
    func withExactInt(_ n: Int) -> Tensor {
        guard dtype == .int64 else { return self }
        pointer(Int.self).pointee = n
        return self
    }
}
