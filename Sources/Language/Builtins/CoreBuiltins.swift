import Autodiff
import Tensors

/// Numbers, strings, lists, records and ranges: the Python-like basics.
enum CoreBuiltins {
    static let table: [Builtin] = [
        Builtin("len", ["x"], "number of elements of a list, string, record, range, or first axis of a tensor", .core) { a, ctx in
            switch try a.value("x") {
            case .list(let xs): return .int(xs.count)
            case .string(let s): return .int(s.count)
            case .record(let r): return .int(r.names.count)
            case .range(let r): return .int(r.count)
            case .tensor(let t):
                guard t.rank >= 1 else { throw a.valueError("x", "len() of a scalar tensor", hint: "use numel(x) for the element count") }
                return .int(t.shape[0])
            case .object(let o):
                if let n = try o.member("length", ctx) { return n }
                throw a.typeError("x", expected: "a list, string, record, range or tensor")
            default: throw a.typeError("x", expected: "a list, string, record, range or tensor")
            }
        },
        Builtin("range", ["start", "end=none", "step=1"], "integers from start up to (not including) end; range(n) is 0..n", .core) { a, _ in
            var start = try a.int("start"), end: Int
            if a.given("end") { end = try a.int("end") } else { end = start; start = 0 }
            let step = try a.int("step")
            guard step != 0 else { throw a.valueError("step", "step cannot be zero") }
            return .range(RangeValue(start: start, end: end, step: step))
        },
        Builtin("type", ["x"], "the name of x's type", .core) { a, _ in .string(try a.value("x").typeName) },
        Builtin("str", ["x"], "x as text", .core) { a, _ in .string(Format.display(try a.value("x"))) },
        Builtin("repr", ["x"], "x as text, strings quoted", .core) { a, _ in .string(Format.repr(try a.value("x"))) },
        Builtin("int", ["x"], "x as an integer (floats truncate toward zero; strings parse)", .core) { a, _ in
            let v = try a.value("x")
            switch v {
            case .int: return v
            case .bool(let b): return .int(b ? 1 : 0)
            case .float(let x):
                guard x.isFinite, Swift.abs(x) < 9.2e18 else { throw a.valueError("x", "cannot convert \(Format.float(x)) to int") }
                return .int(Int(x))
            case .string(let s):
                guard let n = Int(s.trimmingWhitespace) else { throw a.valueError("x", "cannot parse \(Format.quote(s)) as an int") }
                return .int(n)
            case .tensor(let t):
                if t.value.count == 1 {
                    let x = try t.value.item()
                    guard x.isFinite, Swift.abs(x) < 9.2e18 else { throw a.valueError("x", "cannot convert \(Format.float(x)) to int") }
                    return t.dtype == .int64 ? .int(t.value.toInts().first ?? 0) : .int(Int(x))
                }
                return .tensor(try t.value.checkedCast(to: .int64, op: "int"))
            default: throw a.typeError("x", expected: "a number, string or tensor")
            }
        },
        Builtin("float", ["x"], "x as a float (one-element tensors give a number; larger tensors become float)", .core) { a, _ in
            let v = try a.value("x")
            switch v {
            case .int(let n): return .float(Double(n))
            case .float: return v
            case .bool(let b): return .float(b ? 1 : 0)
            case .string(let s):
                let t = s.trimmingWhitespace
                if let x = Double(t) { return .float(x) }
                switch t.lowercased() {
                case "inf", "+inf": return .float(.infinity)
                case "-inf": return .float(-.infinity)
                case "nan": return .float(.nan)
                default: throw a.valueError("x", "cannot parse \(Format.quote(s)) as a float")
                }
            case .tensor(let t):
                if t.value.count == 1 && t.rank == 0 { return .float(try t.value.item()) }
                return .tensor(try TensorOps.cast(t, DefaultDType.float))
            default: throw a.typeError("x", expected: "a number, string or tensor")
            }
        },
        Builtin("bool", ["x"], "the truth value of x", .core) { a, _ in .bool(try Convert.isTruthy(try a.value("x"))) },
        Builtin("list", ["x"], "the elements of a range, list, string, record (pairs) or tensor's first axis, as a list", .core) { a, _ in
            let v = try a.value("x")
            if case .string(let s) = v { return .list(s.map { .string(String($0)) }) }
            if case .record(let r) = v { return .list(r.fields.map { .list([.string($0.0), $0.1]) }) }
            if case .range(let r) = v, r.count > 1 << 24 { throw a.valueError("x", "range is too long for a list") }
            return .list(try a.list("x"))
        },
        Builtin("append", ["xs", "x"], "a new list: xs with x added at the end", .core) { a, _ in
            var xs = try a.list("xs"); xs.append(try a.value("x")); return .list(xs)
        },
        Builtin("zip", ["*lists"], "lists of corresponding elements: zip([1, 2], [3, 4]) is [[1, 3], [2, 4]]", .core) { a, _ in
            let ls = try a.rest.enumerated().map { i, v -> [Value] in
                guard let l = Convert.list(v) else { throw ScriptError(.type, "zip: argument \(i + 1) must be a list, got \(v.typeName)", argument: i) }
                return l
            }
            let n = ls.map(\.count).min() ?? 0
            return .list((0..<n).map { i in .list(ls.map { $0[i] }) })
        },
        Builtin("enumerate", ["xs", "start=0"], "[index, element] pairs", .core) { a, _ in
            let s = try a.int("start")
            return .list(try a.list("xs").enumerated().map { .list([.int(s &+ $0.offset), $0.element]) })
        },
        Builtin("reversed", ["xs"], "the elements in reverse order", .core) { a, _ in
            if case .string(let s) = try a.value("xs") { return .string(String(s.reversed())) }
            return .list(try a.list("xs").reversed())
        },
        Builtin("sorted", ["xs", "reverse=false"], "the numbers or strings of a list in increasing order", .core) { a, _ in
            let xs = try a.list("xs")
            let rev = try a.bool("reverse")
            if xs.allSatisfy({ if case .string = $0 { return true }; return false }) {
                let ss = xs.compactMap { v -> String? in if case .string(let s) = v { return s }; return nil }.sorted()
                return .list((rev ? ss.reversed() : ss).map { .string($0) })
            }
            var keyed: [(Double, Value)] = []
            for x in xs {
                guard let d = Convert.double(x), MathBuiltins.scalar(x) != nil else {
                    throw a.typeError("xs", expected: "a list of numbers or of strings")
                }
                keyed.append((d, x))
            }
            keyed.sort { $0.0 < $1.0 }
            return .list((rev ? keyed.reversed() : keyed).map(\.1))
        },
        Builtin("keys", ["record"], "the field names of a record", .core) { a, _ in
            guard case .record(let r) = try a.value("record") else { throw a.typeError("record", expected: "a record") }
            return .list(r.names.map { .string($0) })
        },
        Builtin("values", ["record"], "the field values of a record", .core) { a, _ in
            guard case .record(let r) = try a.value("record") else { throw a.typeError("record", expected: "a record") }
            return .list(r.values)
        },
        Builtin("has", ["record", "name"], "true when the record has a field `name`", .core) { a, _ in
            guard case .record(let r) = try a.value("record") else { throw a.typeError("record", expected: "a record") }
            return .bool(r[try a.string("name")] != nil)
        },
        Builtin("contains", ["xs", "x"], "true when the list (or string) contains x", .core) { a, _ in
            if case .string(let s) = try a.value("xs") { return .bool(s.contains(try a.string("x"))) }
            let x = try a.value("x")
            return .bool(try a.list("xs").contains { Equality.equal($0, x) })
        },
        Builtin("join", ["xs", "separator=\"\""], "the elements of a list as text, joined by separator", .core) { a, _ in
            .string(try a.list("xs").map(Format.display).joined(separator: try a.string("separator")))
        },
        Builtin("fmt", ["x", "digits=4"], "a number with `digits` digits after the point", .core) { a, _ in
            let d = Swift.max(0, Swift.min(17, try a.int("digits")))
            let x = try a.double("x")
            return .string(formatFixed(x, digits: d))
        },
    ]

    /// Fixed-point formatting without Foundation's locale-dependent formatters.
    static func formatFixed(_ x: Double, digits: Int) -> String {
        if !x.isFinite { return Format.float(x) }
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        let scaled = (Swift.abs(x) * p).rounded()
        guard scaled < 9e18 else { return Format.float(x) }
        let n = Int(scaled)
        let intPart = n / Int(p), frac = n % Int(p)
        var s = String(intPart)
        if digits > 0 {
            let f = String(frac)
            s += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return (x < 0 && n != 0 ? "-" : "") + s
    }
}

extension String {
    package var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
