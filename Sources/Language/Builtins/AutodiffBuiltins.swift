import Autodiff
import Tensors

/// Gradients of script functions.
enum AutodiffBuiltins {
    static let table: [Builtin] = [
        Builtin("grad", ["f", "x"], "the gradient of a scalar function f at x (a tensor, or a list of tensors passed as one list)", .autodiff) { a, ctx in
            let f = try a.callable("f")
            let x = try a.value("x")
            let isList: Bool
            let inputs: [Tensor]
            if case .list(let xs) = x {
                isList = true
                inputs = try xs.map { try Convert.variable($0).value.asFloat() }
            } else {
                isList = false
                inputs = [try a.tensor("x").asFloat()]
            }
            let (_, grads) = try Autodiff.gradient(of: { vars in
                let arg: Value = isList ? .list(vars.map { .tensor($0) }) : .tensor(vars[0])
                return try scalarResult(try ctx.call(f, [arg]), "grad")
            }, at: inputs)
            // `gradient` returns one gradient per input; the single-input case always has one.
            return isList ? .list(grads.map { .tensor($0) }) : .tensor(grads.first ?? Tensor(scalar: 0))
        },
        Builtin("value_and_grad", ["f", "x"], "[f(x), grad(f, x)]", .autodiff) { a, ctx in
            let f = try a.callable("f")
            let input = try a.tensor("x").asFloat()
            let (value, grads) = try Autodiff.gradient(of: { vars in
                try scalarResult(try ctx.call(f, [.tensor(vars[0])]), "value_and_grad")
            }, at: [input])
            return .list([.tensor(value), .tensor(grads.first ?? Tensor(scalar: 0))])  // one input, one gradient
        },
        Builtin("gradcheck", ["f", "*inputs"], "compares f's gradients with finite differences (f64); returns {passed, max_error}", .autodiff) { a, ctx in
            let f = try a.callable("f")
            guard !a.rest.isEmpty else { throw a.valueError("f", "gradcheck needs at least one input tensor") }
            let inputs = try a.rest.map { try Convert.variable($0).value }
            guard inputs.reduce(0, { $0 + $1.count }) <= 20_000 else {
                throw a.valueError("inputs", "inputs are too large for a finite-difference check (more than 20000 elements)")
            }
            let r = try Autodiff.gradcheck({ vars in
                let out = try ctx.call(f, vars.map { .tensor($0) })
                return try Convert.variable(out)
            }, inputs: inputs)
            return .record(Record([("passed", .bool(r.passed)), ("max_error", .float(r.maxAbsError))]))
        },
        Builtin("no_grad", ["f"], "calls f() without recording gradients", .autodiff) { a, ctx in
            let f = try a.callable("f")
            return try noGrad { try ctx.call(f, []) }
        },
        Builtin("detach", ["x"], "x cut from the gradient tape (a constant)", .autodiff) { a, _ in
            .tensor(try a.variable("x").detached())
        },
    ]

    /// The scalar tensor a differentiated function returned.
    static func scalarResult(_ v: Value, _ op: String) throws -> Variable {
        let t: Variable
        switch v {
        case .tensor(let x): t = x
        case .int, .float: t = try Convert.variable(v)
        default: throw ScriptError(.type, "\(op): the function must return a scalar tensor, got \(v.typeName)")
        }
        guard t.value.count == 1 else {
            throw ScriptError(.shape, "\(op): the function must return a scalar, got shape \(TensorError.show(t.shape))",
                              hint: "reduce it, e.g. with sum(...) or mean(...)")
        }
        return t
    }
}
