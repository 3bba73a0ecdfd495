import Autodiff
import Tensors

/// Random tensors from the run's generator (`seed N` restarts it).
enum RandomBuiltins {
    static func uniform(_ name: String) -> Builtin {
        Builtin(name, ["shape", "low=0", "high=1", "dtype=none"], "uniform values in [low, high)", .random) { a, _ in
            .tensor(try Tensor.uniform(try a.shape(0), low: try a.double(1, default: 0), high: try a.double(2, default: 1),
                                       dtype: try a.dtype(3) ?? DefaultDType.float))
        }
    }

    static func normal(_ name: String) -> Builtin {
        Builtin(name, ["shape", "mean=0", "std=1", "dtype=none"], "normally distributed values", .random) { a, _ in
            let std = try a.double(2, default: 1)
            guard std >= 0 else { throw a.valueError(2, "std must be non-negative, got \(std)") }
            return .tensor(try Tensor.normal(try a.shape(0), mean: try a.double(1, default: 0), std: std,
                                             dtype: try a.dtype(3) ?? DefaultDType.float))
        }
    }

    static let table: [Builtin] = [
        uniform("rand"), uniform("uniform"), normal("randn"), normal("normal"),
        Builtin("randint", ["low", "high", "shape=[]"], "integers drawn uniformly from [low, high)", .random) { a, _ in
            let lo = try a.int(0), hi = try a.int(1)
            guard hi > lo else { throw a.valueError(1, "high must be greater than low, got low \(lo) and high \(hi)") }
            let shape = a.has(2) ? try a.shape(2) : []
            return .tensor(try Tensor.randint(lo, hi, shape: shape))
        },
        Builtin("bernoulli", ["p", "shape=none", "dtype=none"], "1 with probability p, else 0 (p a number or a tensor of probabilities)", .random) { a, _ in
            if case .tensor(let t) = try a.value(0), !a.has(1) { return .tensor(try Tensor.bernoulli(t.value)) }
            let p = try a.double(0)
            guard p >= 0, p <= 1 else { throw a.valueError(0, "p must be in [0, 1], got \(p)") }
            return .tensor(try Tensor.bernoulli(p, shape: a.has(1) ? try a.shape(1) : [], dtype: try a.dtype(2) ?? DefaultDType.float))
        },
        Builtin("permutation", ["n"], "a random ordering of 0..n (or of a tensor's rows)", .random) { a, _ in
            if case .tensor(let t) = try a.value(0) {
                guard t.rank >= 1 else { throw a.valueError(0, "cannot permute a scalar") }
                let perm = try Tensor.permutation(t.shape[0])
                return .tensor(try TensorOps.index(t, [.tensor(perm)]))
            }
            let n = try a.int(0)
            guard n >= 0 else { throw a.valueError(0, "n must be non-negative, got \(n)") }
            return .tensor(try Tensor.permutation(n))
        },
        Builtin("choice", ["n", "size=1", "p=none", "replace=true"], "`size` picks from 0..n (or from a tensor's elements), optionally weighted by p", .random) { a, _ in
            let size = try a.int(1, default: 1)
            var probs: [Double]?
            if let p = a[2] {
                // Whatever the conversion's complaint, the fix is the same: give probabilities.
                guard let t = try? Convert.variable(p).value else { throw a.typeError(2, expected: "a list of probabilities") }
                probs = t.toDoubles()
            }
            let replace = try a.bool(3, default: true)
            if case .tensor(let t) = try a.value(0) {
                return .tensor(try Tensor.choice(t.value, size: size, probabilities: probs, replace: replace))
            }
            if case .list = try a.value(0) {
                return .tensor(try Tensor.choice(try a.tensor(0), size: size, probabilities: probs, replace: replace))
            }
            return .tensor(try Tensor.choice(try a.int(0), size: size, probabilities: probs, replace: replace))
        },
        Builtin("orthogonal", ["n", "dtype=none"], "a random n×n orthogonal matrix (Haar distributed)", .random) { a, _ in
            let n = try a.int(0)
            guard n >= 0 else { throw a.valueError(0, "n must be non-negative, got \(n)") }
            return .tensor(try Tensor.orthogonal(n, dtype: try a.dtype(1) ?? DefaultDType.float))
        },
        Builtin("randn_like", ["x"], "normal values with the shape and dtype of x", .random) { a, _ in
            let t = try a.tensor(0)
            return .tensor(try Tensor.normal(t.shape, dtype: t.dtype.isFloating ? t.dtype : DefaultDType.float))
        },
    ]
}
