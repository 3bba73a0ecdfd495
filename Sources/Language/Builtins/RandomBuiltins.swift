import Autodiff
import Tensors

/// Random tensors from the run's generator (`seed N` restarts it).
enum RandomBuiltins {
    static func uniform(_ name: String) -> Builtin {
        Builtin(name, ["shape", "low=0", "high=1", "dtype=none"], "uniform values in [low, high)", .random) { a, _ in
            .tensor(try Tensor.uniform(try a.shape("shape"), low: try a.double("low"), high: try a.double("high"),
                                       dtype: try a.dtype("dtype") ?? DefaultDType.float))
        }
    }

    static func normal(_ name: String) -> Builtin {
        Builtin(name, ["shape", "mean=0", "std=1", "dtype=none"], "normally distributed values", .random) { a, _ in
            let std = try a.double("std")
            guard std >= 0 else { throw a.valueError("std", "std must be non-negative, got \(std)") }
            return .tensor(try Tensor.normal(try a.shape("shape"), mean: try a.double("mean"), std: std,
                                             dtype: try a.dtype("dtype") ?? DefaultDType.float))
        }
    }

    static let table: [Builtin] = [
        uniform("rand"), uniform("uniform"), normal("randn"), normal("normal"),
        Builtin("randint", ["low", "high", "shape=[]"], "integers drawn uniformly from [low, high)", .random) { a, _ in
            let lo = try a.int("low"), hi = try a.int("high")
            guard hi > lo else { throw a.valueError("high", "high must be greater than low, got low \(lo) and high \(hi)") }
            let shape = try a.shape("shape")
            return .tensor(try Tensor.randint(lo, hi, shape: shape))
        },
        Builtin("bernoulli", ["p", "shape=none", "dtype=none"], "1 with probability p, else 0 (p a number or a tensor of probabilities)", .random) { a, _ in
            if case .tensor(let t) = try a.value("p"), !a.given("shape") { return .tensor(try Tensor.bernoulli(t.value)) }
            let p = try a.double("p")
            guard p >= 0, p <= 1 else { throw a.valueError("p", "p must be in [0, 1], got \(p)") }
            return .tensor(try Tensor.bernoulli(p, shape: a.given("shape") ? try a.shape("shape") : [], dtype: try a.dtype("dtype") ?? DefaultDType.float))
        },
        Builtin("permutation", ["n"], "a random ordering of 0..n (or of a tensor's rows)", .random) { a, _ in
            if case .tensor(let t) = try a.value("n") {
                guard t.rank >= 1 else { throw a.valueError("n", "cannot permute a scalar") }
                let perm = try Tensor.permutation(t.shape[0])
                return .tensor(try TensorOps.index(t, [.tensor(perm)]))
            }
            let n = try a.int("n")
            guard n >= 0 else { throw a.valueError("n", "n must be non-negative, got \(n)") }
            return .tensor(try Tensor.permutation(n))
        },
        Builtin("choice", ["n", "size=1", "p=none", "replace=true"], "`size` picks from 0..n (or from a tensor's elements), optionally weighted by p", .random) { a, _ in
            let size = try a.int("size")
            var probs: [Double]?
            if let p = a["p"] {
                // Whatever the conversion's complaint, the fix is the same: give probabilities.
                // The conversion's own error names no parameter; this one names `p` and what it must be.
                guard let t = try? Convert.variable(p).value else { throw a.typeError("p", expected: "a list of probabilities") }
                probs = t.toDoubles()
            }
            let replace = try a.bool("replace")
            if case .tensor(let t) = try a.value("n") {
                return .tensor(try Tensor.choice(t.value, size: size, probabilities: probs, replace: replace))
            }
            if case .list = try a.value("n") {
                return .tensor(try Tensor.choice(try a.tensor("n"), size: size, probabilities: probs, replace: replace))
            }
            return .tensor(try Tensor.choice(try a.int("n"), size: size, probabilities: probs, replace: replace))
        },
        Builtin("orthogonal", ["n", "dtype=none"], "a random n×n orthogonal matrix (Haar distributed)", .random) { a, _ in
            let n = try a.int("n")
            guard n >= 0 else { throw a.valueError("n", "n must be non-negative, got \(n)") }
            return .tensor(try Tensor.orthogonal(n, dtype: try a.dtype("dtype") ?? DefaultDType.float))
        },
        Builtin("randn_like", ["x"], "normal values with the shape and dtype of x", .random) { a, _ in
            let t = try a.tensor("x")
            return .tensor(try Tensor.normal(t.shape, dtype: t.dtype.isFloating ? t.dtype : DefaultDType.float))
        },
    ]
}
