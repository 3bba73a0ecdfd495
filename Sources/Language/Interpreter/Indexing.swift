import Autodiff
import Tensors

/// One evaluated item of `x[...]`.
enum IndexValue {
    case value(Value)
    case slice(Int?, Int?, Int?)
    case ellipsis
    case newAxis
}

/// Maps the script's indexing onto tensors (NumPy semantics through `IndexPlan`), lists and
/// strings (ints and slices), records (field names) and host objects.
enum Indexing {
    static func get(_ base: Value, _ items: [IndexValue], _ interp: Interpreter) throws -> Value {
        switch base {
        case .tensor(let t):
            return .tensor(try TensorOps.index(t, try tensorItems(items)))
        case .list(let xs):
            return try sequence(xs.count, items, kind: "list", one: { xs[$0] }, many: { .list($0.map { xs[$0] }) })
        case .string(let s):
            let chars = Array(s)
            return try sequence(chars.count, items, kind: "string", one: { .string(String(chars[$0])) },
                                many: { .string(String($0.map { chars[$0] })) })
        case .range(let r):
            let n = r.count
            return try sequence(n, items, kind: "range", one: { .int(r.element($0)) }, many: { .list($0.map { .int(r.element($0)) }) })
        case .record(let r):
            guard items.count == 1, case .value(.string(let k)) = items[0] else {
                throw ScriptError(.type, "records are indexed by a field name string", hint: "or use record.field")
            }
            guard let v = r[k] else {
                throw ScriptError(.name, "record has no field `\(k)`", hint: DidYouMean.hint(for: k, in: r.names))
            }
            return v
        case .object(let o):
            let vals = items.map { item -> Value in
                switch item {
                case .value(let v): return v
                case .slice(let a, let b, let c): return .list([a.map(Value.int) ?? .none, b.map(Value.int) ?? .none, c.map(Value.int) ?? .none])
                case .ellipsis, .newAxis: return .none
                }
            }
            if let r = try o.index(vals, CallContext(interp)) { return r }
            throw ScriptError(.type, "a \(o.typeName) cannot be indexed")
        default:
            throw ScriptError(.type, "a \(base.typeName) cannot be indexed")
        }
    }

    /// `base[items] = v` as a new value of the base.
    static func set(_ base: Value, _ items: [IndexValue], _ v: Value, _ interp: Interpreter) throws -> Value {
        switch base {
        case .tensor(let t):
            let value = try Convert.operand(v, against: t.dtype)
            return .tensor(try TensorOps.setIndex(t, try tensorItems(items), value))
        case .list(var xs):
            guard items.count == 1 else { throw ScriptError(.index, "lists take one index, got \(items.count)") }
            switch items[0] {
            case .value(let iv):
                guard let i = Convert.int(iv), !(iv.asTensor?.dtype.isFloating ?? false) else {
                    throw ScriptError(.type, "list indices must be integers, got \(iv.typeName)")
                }
                let j = try position(i, count: xs.count, kind: "list")
                xs[j] = v
                return .list(xs)
            case .slice(let a, let b, let c):
                guard case .list(let replacement) = v else { throw ScriptError(.type, "assigning to a list slice needs a list") }
                let idx = try slicePositions(xs.count, a, b, c)
                guard c == nil || c == 1 else {
                    guard idx.count == replacement.count else {
                        throw ScriptError(.value, "cannot assign \(replacement.count) values to a slice of \(idx.count)")
                    }
                    for (k, j) in idx.enumerated() { xs[j] = replacement[k] }
                    return .list(xs)
                }
                // An empty slice (xs[2:2] = ...) inserts at its clamped start.
                let lo = idx.first ?? Swift.min(Swift.max(a.map { $0 < 0 ? $0 + xs.count : $0 } ?? 0, 0), xs.count)
                xs.replaceSubrange(lo..<(lo + idx.count), with: replacement)
                return .list(xs)
            default:
                throw ScriptError(.index, "lists take an int or a slice")
            }
        case .record(var r):
            guard items.count == 1, case .value(.string(let k)) = items[0] else {
                throw ScriptError(.type, "records are indexed by a field name string")
            }
            r[k] = v
            return .record(r)
        default:
            throw ScriptError(.type, "a \(base.typeName) does not support indexed assignment")
        }
    }

    /// The core's index items for a subscript.
    static func tensorItems(_ items: [IndexValue]) throws -> [Tensors.IndexItem] {
        var out: [Tensors.IndexItem] = []
        var ellipses = 0
        for item in items {
            switch item {
            case .slice(let a, let b, let c):
                if c == 0 { throw ScriptError(.value, "slice step cannot be zero") }
                out.append(a == nil && b == nil && c == nil ? .all : .slice(start: a, stop: b, step: c))
            case .ellipsis:
                ellipses += 1
                if ellipses > 1 { throw ScriptError(.index, "an index can have only one `...`") }
                out.append(.ellipsis)
            case .newAxis: out.append(.newAxis)
            case .value(let v):
                switch v {
                case .int(let n): out.append(.index(n))
                case .bool(let b): out.append(.tensor(try Tensor(bools: [b], shape: [])))
                case .none: out.append(.newAxis)
                case .tensor(let t):
                    if t.dtype.isFloating {
                        throw ScriptError(.type, "tensor indices must be integers or booleans, got \(t.dtype)",
                                          hint: "convert with int(x) or cast(x, \"int64\")")
                    }
                    if t.rank == 0, t.dtype == .int64 { out.append(.index(t.value.toInts().first ?? 0)) } else { out.append(.tensor(t.value)) }
                case .list, .range:
                    let t = try Convert.variable(v).value
                    if t.dtype.isFloating { throw ScriptError(.type, "index lists must hold integers or booleans") }
                    out.append(.tensor(t))
                case .float:
                    throw ScriptError(.type, "indices must be integers, got float", hint: "use int(x)")
                default:
                    throw ScriptError(.type, "a \(v.typeName) cannot be used as an index")
                }
            }
        }
        return out
    }

    // MARK: - Sequences

    static func position(_ i: Int, count: Int, kind: String) throws -> Int {
        let j = i < 0 ? i + count : i
        guard j >= 0, j < count else {
            throw ScriptError(.index, "index \(i) is out of range for a \(kind) of length \(count)")
        }
        return j
    }

    /// Positions selected by a Python slice over `count` elements.
    static func slicePositions(_ count: Int, _ a: Int?, _ b: Int?, _ c: Int?) throws -> [Int] {
        let step = c ?? 1
        guard step != 0 else { throw ScriptError(.value, "slice step cannot be zero") }
        func clamp(_ x: Int?, _ dflt: Int, lo: Int, hi: Int) -> Int {
            guard var v = x else { return dflt }
            if v < 0 { v += count }
            return Swift.min(Swift.max(v, lo), hi)
        }
        var out: [Int] = []
        if step > 0 {
            var i = clamp(a, 0, lo: 0, hi: count)
            let stop = clamp(b, count, lo: 0, hi: count)
            while i < stop { out.append(i); i += step }
        } else {
            var i = clamp(a, count - 1, lo: -1, hi: count - 1)
            let stop = clamp(b, -1, lo: -1, hi: count - 1)
            if b == nil { } 
            while i > stop { out.append(i); i += step }
        }
        return out
    }

    static func sequence(_ count: Int, _ items: [IndexValue], kind: String, one: (Int) -> Value, many: ([Int]) -> Value) throws -> Value {
        guard items.count == 1 else {
            throw ScriptError(.index, "a \(kind) takes one index, got \(items.count)", hint: kind == "list" ? "for multi-axis indexing make a tensor: tensor(xs)" : nil)
        }
        switch items[0] {
        case .value(let v):
            if let t = v.asTensor, t.dtype.isFloating { throw ScriptError(.type, "\(kind) indices must be integers, got a float tensor") }
            if case .float = v { throw ScriptError(.type, "\(kind) indices must be integers, got float", hint: "use int(x)") }
            guard let i = Convert.int(v) else { throw ScriptError(.type, "\(kind) indices must be integers, got \(v.typeName)") }
            return one(try position(i, count: count, kind: kind))
        case .slice(let a, let b, let c):
            return many(try slicePositions(count, a, b, c))
        default:
            throw ScriptError(.index, "a \(kind) takes an int or a slice")
        }
    }
}
