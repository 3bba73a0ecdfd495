import Autodiff
import Tensors

/// Creating tensors and asking about them.
enum TensorBuiltins {
    static let table: [Builtin] = [
        Builtin("tensor", ["data", "dtype=none"], "a tensor from a number or nested lists", .tensor) { a, _ in
            let d = try a.dtype("dtype")
            let v = try a.value("data")
            // Checked casts: a float with no int64 value (nan, inf, ±1e30) is an error, not 0.
            if case .tensor(let t) = v { return .tensor(try d.map { try t.value.checkedCast(to: $0, op: "tensor") }.map(Variable.init) ?? t) }
            if let d, case .float(let x) = v { return .tensor(try Tensor([x], shape: [], dtype: d)) }
            if let d, case .int(let n) = v { return .tensor(Tensor(scalar: Double(n), dtype: d).withExactInt(n)) }
            return .tensor(try Convert.nestedTensor(v, dtype: d).value.cast(to: d ?? (try Convert.variable(v).dtype)))
        },
        Builtin("zeros", ["shape", "dtype=none"], "a tensor of zeros", .tensor) { a, _ in
            .tensor(try Tensor.zeros(try a.shape("shape"), dtype: try a.dtype("dtype") ?? DefaultDType.float))
        },
        Builtin("ones", ["shape", "dtype=none"], "a tensor of ones", .tensor) { a, _ in
            .tensor(try Tensor.ones(try a.shape("shape"), dtype: try a.dtype("dtype") ?? DefaultDType.float))
        },
        Builtin("full", ["shape", "value", "dtype=none"], "a tensor with every element `value`", .tensor) { a, _ in
            let v = try a.value("value")
            let d = try a.dtype("dtype") ?? (v.isInt ? .int64 : (v.isBool ? .bool : DefaultDType.float))
            if d == .int64, case .int(let n) = v { return .tensor(try Tensor.full(int: n, shape: try a.shape("shape"))) }
            return .tensor(try Tensor.full(try a.double("value"), shape: try a.shape("shape"), dtype: d))
        },
        Builtin("zeros_like", ["x", "dtype=none"], "zeros with the shape (and dtype) of x", .tensor) { a, _ in
            let t = try a.tensor("x")
            return .tensor(try Tensor.zeros(t.shape, dtype: try a.dtype("dtype") ?? t.dtype))
        },
        Builtin("ones_like", ["x", "dtype=none"], "ones with the shape (and dtype) of x", .tensor) { a, _ in
            let t = try a.tensor("x")
            return .tensor(try Tensor.ones(t.shape, dtype: try a.dtype("dtype") ?? t.dtype))
        },
        Builtin("full_like", ["x", "value", "dtype=none"], "`value` everywhere, with the shape (and dtype) of x", .tensor) { a, _ in
            let t = try a.tensor("x")
            return .tensor(try Tensor.full(try a.double("value"), shape: t.shape, dtype: try a.dtype("dtype") ?? t.dtype))
        },
        Builtin("arange", ["start", "end=none", "step=1", "dtype=none"],
                "evenly spaced values in [start, end); arange(n) is 0..n-1", .tensor) { a, _ in
            var start = try a.double("start"), end: Double
            if a.given("end") { end = try a.double("end") } else { end = start; start = 0 }
            let step = try a.double("step")
            let anyFloat = [a["start"], a["end"], a["step"]].contains { if case .float = $0 { return true }; return false }
            let d = try a.dtype("dtype") ?? (anyFloat ? DefaultDType.float : nil)
            let n = step != 0 ? ((end - start) / step).rounded(.up) : 0
            guard n < 1e9 else { throw a.valueError("end", "arange would have \(n) elements") }
            return .tensor(try Tensor.arange(start, end, step: step, dtype: d))
        },
        Builtin("linspace", ["start", "end", "count=50", "dtype=none"], "`count` evenly spaced values from start to end inclusive", .tensor) { a, _ in
            let n = try a.int("count")
            guard n >= 0, n <= 1 << 28 else { throw a.valueError("count", "count must be between 0 and 2^28, got \(n)") }
            return .tensor(try Tensor.linspace(try a.double("start"), try a.double("end"), count: n, dtype: try a.dtype("dtype") ?? DefaultDType.float))
        },
        Builtin("eye", ["n", "m=none", "dtype=none"], "the n×m identity matrix", .tensor) { a, _ in
            let n = try a.int("n"), m = try a.optionalInt("m")
            guard n >= 0, (m ?? 0) >= 0 else { throw a.valueError("n", "sizes must be non-negative") }
            return .tensor(try Tensor.eye(n, m, dtype: try a.dtype("dtype") ?? DefaultDType.float))
        },
        Builtin("cast", ["x", "dtype"], "x converted to dtype (\"f32\", \"f64\", \"int64\", \"bool\")", .tensor) { a, _ in
            guard let d = try a.dtype("dtype") else { throw a.typeError("dtype", expected: "a dtype name") }
            return .tensor(try TensorOps.cast(try a.variable("x"), d))
        },
        Builtin("numel", ["x"], "number of elements of a tensor", .tensor) { a, _ in
            .int(try a.tensor("x").count)
        },
        Builtin("shape", ["x"], "the shape of a tensor as a list of ints", .tensor) { a, _ in
            .list(try a.tensor("x").shape.map { .int($0) })
        },
        Builtin("item", ["x"], "the number inside a one-element tensor", .tensor) { a, _ in
            let v = try a.value("x")
            if case .int = v { return v }
            if case .float = v { return v }
            let t = try a.tensor("x")
            let x = try t.item()
            switch t.dtype {
            case .int64: return .int(t.toInts().first ?? 0)  // item() above proved one element
            case .bool: return .bool(x != 0)
            default: return .float(x)
            }
        },
        Builtin("tolist", ["x"], "a tensor as nested lists of numbers", .tensor) { a, _ in
            let t = try a.tensor("x")
            guard t.count <= 1 << 22 else { throw a.valueError("x", "tensor is too large to turn into a list") }
            return TensorOps.toList(t)
        },
    ]
}

extension Value {
    var isInt: Bool { if case .int = self { return true }; return false }
    var isBool: Bool { if case .bool = self { return true }; return false }
}
