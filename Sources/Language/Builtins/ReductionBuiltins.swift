import Autodiff
import Tensors

/// Reductions over axes (`axis:` an int or a list; all axes when omitted).
enum ReductionBuiltins {
    typealias Reducer = (Variable, [Int]?, Bool) throws -> Variable

    static func reducer(_ name: String, _ doc: String, _ f: @escaping Reducer) -> Builtin {
        Builtin(name, ["x", "axis=none", "keepdims=false"], doc, .reduction) { a, _ in
            .tensor(try f(try a.variable("x"), try a.axes("axis"), try a.bool("keepdims")))
        }
    }

    static let table: [Builtin] = [
        reducer("sum", "sum of elements") { try Autodiff.sum($0, axes: $1, keepdims: $2) },
        reducer("mean", "mean of elements") { try Autodiff.mean($0, axes: $1, keepdims: $2) },
        reducer("prod", "product of elements") { try Autodiff.prod($0, axes: $1, keepdims: $2) },
        reducer("logsumexp", "log of the sum of exponentials, computed stably") { try Autodiff.logsumexp($0, axes: $1, keepdims: $2) },
        Builtin("var", ["x", "axis=none", "keepdims=false", "correction=0"], "variance (correction 1 for the unbiased estimate)", .reduction) { a, _ in
            .tensor(try Autodiff.variance(try a.variable("x"), axes: try a.axes("axis"), correction: try a.double("correction"), keepdims: try a.bool("keepdims")))
        },
        Builtin("std", ["x", "axis=none", "keepdims=false", "correction=0"], "standard deviation", .reduction) { a, _ in
            .tensor(try Autodiff.std(try a.variable("x"), axes: try a.axes("axis"), correction: try a.double("correction"), keepdims: try a.bool("keepdims")))
        },
        extremum("max", "largest element (of a tensor along axis, or of numbers / a list)", Autodiff.amax, >),
        extremum("min", "smallest element (of a tensor along axis, or of numbers / a list)", Autodiff.amin, <),
        Builtin("argmax", ["x", "axis=none", "keepdims=false"], "index of the largest element (flattened without axis)", .reduction) { a, _ in
            .tensor(try Autodiff.argmax(try a.variable("x"), axis: try a.optionalInt("axis"), keepdims: try a.bool("keepdims")))
        },
        Builtin("argmin", ["x", "axis=none", "keepdims=false"], "index of the smallest element (flattened without axis)", .reduction) { a, _ in
            .tensor(try Autodiff.argmin(try a.variable("x"), axis: try a.optionalInt("axis"), keepdims: try a.bool("keepdims")))
        },
        Builtin("norm", ["x", "ord=2", "axis=none", "keepdims=false"], "vector norm (ord 2 or 1; \"fro\" for matrices)", .reduction) { a, _ in
            let v = try a.value("ord")
            let name: String
            if case .string(let s) = v { name = s } else if let n = Convert.int(v) { name = String(n) } else { throw a.typeError("ord", expected: "1, 2 or \"fro\"") }
            guard let ord = NormOrder(name: name) else { throw a.valueError("ord", "unknown norm order \(name)", hint: "use 1, 2 or \"fro\"") }
            return .tensor(try Autodiff.norm(try a.variable("x"), ord, axes: try a.axes("axis"), keepdims: try a.bool("keepdims")))
        },
        Builtin("cumsum", ["x", "axis=0", "reverse=false"], "running sum along axis", .reduction) { a, _ in
            .tensor(try Autodiff.cumsum(try a.variable("x"), axis: try a.int("axis"), reverse: try a.bool("reverse")))
        },
        Builtin("any", ["x", "axis=none", "keepdims=false"], "true where any element is nonzero", .reduction) { a, _ in
            if case .list(let xs) = try a.value("x") { return .bool(try xs.contains { try Convert.isTruthy($0) }) }
            return .tensor(try a.tensor("x").any(axes: try a.axes("axis"), keepdims: try a.bool("keepdims")))
        },
        Builtin("all", ["x", "axis=none", "keepdims=false"], "true where every element is nonzero", .reduction) { a, _ in
            if case .list(let xs) = try a.value("x") { return .bool(try xs.allSatisfy { try Convert.isTruthy($0) }) }
            return .tensor(try a.tensor("x").all(axes: try a.axes("axis"), keepdims: try a.bool("keepdims")))
        },
    ]

    /// max/min: a reduction on a tensor; on numbers (or one list of numbers) the Python builtin.
    static func extremum(_ name: String, _ doc: String, _ reduce: @escaping Reducer, _ better: @escaping (Double, Double) -> Bool) -> Builtin {
        Builtin(name, ["x", "*others", "axis=none", "keepdims=false"], doc, .reduction) { a, _ in
            let x = try a.value("x")
            if case .tensor(let t) = x {
                var axes = try a.axes("axis")
                if a.rest.count == 1, axes == nil, let ax = Convert.int(a.rest[0]), a.rest[0].isInt { axes = [ax] } else if !a.rest.isEmpty {
                    throw a.valueError("x", "\(name) of a tensor takes one tensor", hint: "use \(name == "max" ? "maximum" : "minimum")(a, b) elementwise, or axis: for a reduction")
                }
                return .tensor(try reduce(t, axes, try a.bool("keepdims")))
            }
            var items = a.rest.isEmpty ? (Convert.list(x) ?? [x]) : [x] + a.rest
            if items.isEmpty { throw a.valueError("x", "\(name) of an empty list") }
            if case .tensor = x { items = [x] }
            var best = items[0]
            guard var bestD = Convert.double(best), MathBuiltins.scalar(best) != nil else { throw a.typeError("x", expected: "numbers or a tensor") }
            for v in items.dropFirst() {
                guard let d = Convert.double(v), MathBuiltins.scalar(v) != nil else { throw a.typeError("x", expected: "numbers or a tensor", got: v) }
                if better(d, bestD) || d.isNaN { best = v; bestD = d }
            }
            return best
        }
    }
}
