import Autodiff
import Tensors

/// Draws from the gamma family and from categorical distributions, on the run's generator
/// (`seed N` restarts it), with the same determinism as `rand` and `randn`.
enum SamplingBuiltins {
    static let table: [Builtin] = [
        Builtin("gamma", ["alpha", "shape=none", "dtype=none"],
                "Gamma(alpha, 1) draws (Marsaglia–Tsang); alpha a number or a tensor broadcast to shape (default: alpha's shape)", .random) { a, _ in
            let alpha = try concentrations(a, "alpha")
            let shape = a.given("shape") ? try a.shape("shape") : nil
            return .tensor(try a.blaming("alpha") {
                try Tensor.gamma(alpha, shape: shape, dtype: try a.dtype("dtype") ?? DefaultDType.float)
            })
        },
        Builtin("beta", ["a", "b", "shape=none", "dtype=none"],
                "Beta(a, b) draws in [0, 1], X/(X+Y) of two gammas; a and b numbers or tensors broadcast to shape", .random) { a, _ in
            let x = try concentrations(a, "a"), y = try concentrations(a, "b")
            let shape = a.given("shape") ? try a.shape("shape") : nil
            return .tensor(try a.blaming(shape == nil ? "b" : "shape") {
                try Tensor.beta(x, y, shape: shape, dtype: try a.dtype("dtype") ?? DefaultDType.float)
            })
        },
        Builtin("dirichlet", ["alpha", "shape=none", "dtype=none"],
                "Dirichlet draws of shape shape + [K] for the K concentrations alpha (rows sum to 1); dirichlet(ones([K]), [K]) is a random row-stochastic matrix", .random) { a, _ in
            // A number has no K: say how to write K equal concentrations.
            var scalar = false
            switch try a.value("alpha") {
            case .int, .float, .bool: scalar = true
            case .tensor(let t): scalar = t.rank == 0
            default: break
            }
            if scalar {
                throw a.valueError("alpha", "alpha must hold the K concentrations (a list, or a tensor with K on its last axis), got a single number",
                                   hint: "for K equal concentrations c use c * ones([K])")
            }
            let alpha = try concentrations(a, "alpha")
            guard alpha.shape.last != 0 else { throw a.valueError("alpha", "alpha needs at least one concentration, got none") }
            let shape = a.given("shape") ? try a.shape("shape") : nil
            // What can still fail is the shape: alpha's leading axes must broadcast to it.
            return .tensor(try a.blaming(shape == nil ? "alpha" : "shape") {
                try Tensor.dirichlet(alpha, shape: shape, dtype: try a.dtype("dtype") ?? DefaultDType.float)
            })
        },
        Builtin("categorical", ["probs"],
                "one int64 index per row of probs [..., K] (shape [...]), drawn in proportion to the row's non-negative weights", .random) { a, _ in
            let probs = try doubles(a, "probs")
            return .tensor(try a.blaming("probs") { try Tensor.categorical(probs) })
        },
    ]

    /// Parameter `name` as a tensor of concentrations, every one finite and positive; the error
    /// points at the argument and names the first bad value.
    static func concentrations(_ a: BoundArguments, _ name: String) throws -> Tensor {
        if case .bool = try a.value(name) { throw a.typeError(name, expected: "a positive number or a tensor of them") }
        let t = try doubles(a, name)
        guard t.dtype != .bool else { throw a.typeError(name, expected: "a positive number or a tensor of them") }
        // Size-checked: a broadcast view can be far larger once dense and in float64.
        _ = try a.blaming(name) { try Shape.checkedCount(t.shape, dtype: .float64, op: a.function) }
        let values = try t.checkedCast(to: .float64).contiguous()
        let p = values.pointer(Double.self)
        // A bad value is shown as written: a float32 -0.1 as -0.1, not its double expansion.
        let show: (Double) -> String = t.dtype == .float32 ? { Format.float32(Float($0)) } : { Format.float($0) }
        for j in 0..<values.count where !(p[j].isFinite && p[j] > 0) {
            let at = values.count == 1 && t.rank == 0 ? "" : " at flat index \(j)"
            throw a.valueError(name, "\(name) must be finite and positive, got \(show(p[j]))\(at)")
        }
        for j in 0..<values.count where p[j] < 1e-300 {
            throw a.valueError(name, "\(name) must be at least 1e-300, got \(show(p[j])); smaller concentrations have no representable draws")
        }
        return t
    }

    /// Parameter `name` as a tensor, numbers and lists read in float64 rather than the default
    /// float dtype: a concentration of 1e-40 or a weight of 1e-50 written in the script must
    /// not become 0 on the way in. Tensors are taken as they are.
    static func doubles(_ a: BoundArguments, _ name: String) throws -> Tensor {
        switch try a.value(name) {
        case .int(let n): return Tensor(scalar: Double(n), dtype: .float64)
        case .float(let x): return Tensor(scalar: x, dtype: .float64)
        case .list, .range:
            do {
                return try Convert.nestedTensor(try a.value(name), dtype: .float64).value
            } catch let e as ScriptError {
                // As `BoundArguments.variable` does: name the function, point at the argument.
                throw ScriptError(e.kind, "\(a.function): \(e.message)", hint: e.hint, argument: a.argumentIndex(name))
            }
        default: return try a.tensor(name)
        }
    }
}
