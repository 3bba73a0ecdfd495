import Tensors

extension Tape {
    /// Gradients of `output` with respect to each of `inputs` (zeros for inputs it does not
    /// depend on). A non-scalar output is treated as `sum(output)`; pass `seed` to weight it.
    public func gradients(of output: Variable, wrt inputs: [Variable], seed: Tensor? = nil) throws -> [Tensor] {
        let start = index(output)
        var grads = [Tensor?](repeating: nil, count: nodes.count)
        if start >= 0 {
            let ones = try seed ?? Tensor.full(1, shape: output.shape, dtype: output.dtype.isFloating ? output.dtype : DefaultDType.float)
            guard ones.shape == output.shape else {
                throw TensorError.shapeMismatch("grad", ones.shape, output.shape, "differ: the seed must have the output's shape")
            }
            grads[Int(start)] = ones
            var i = Int(start)
            while i >= 0 {
                defer { i -= 1 }
                guard let g = grads[i] else { continue }
                let node = nodes[i]
                switch node.pullback {
                case .leaf:
                    continue
                case .unary(let pb):
                    if node.first >= 0 { try accumulate(&grads, node.first, pb(g)) }
                case .binary(let pb):
                    let (ga, gb) = try pb(g)
                    if node.first >= 0, let ga { try accumulate(&grads, node.first, ga) }
                    if node.second >= 0, let gb { try accumulate(&grads, node.second, gb) }
                case .nary(let pb):
                    let gs = try pb(g)
                    for (j, input) in node.rest.enumerated() where input >= 0 {
                        if let gj = gs[j] { try accumulate(&grads, input, gj) }
                    }
                }
                // Intermediate gradients are not needed once passed on; free them early.
                if case .leaf = node.pullback {} else { grads[i] = nil }
            }
        }
        return try inputs.map { v in
            let k = index(v)
            if k >= 0, k <= start, let g = grads[Int(k)] { return g }
            return try Tensor.zeros(v.shape, dtype: v.dtype.isFloating ? v.dtype : DefaultDType.float)
        }
    }

    private func accumulate(_ grads: inout [Tensor?], _ index: Int32, _ g: Tensor) throws {
        let k = Int(index)
        if let existing = grads[k] {
            grads[k] = try Tensor.binary(.add, existing, g)
        } else {
            grads[k] = g
        }
    }
}

/// Gradient of a scalar function at `inputs`: evaluates `f` on fresh leaves of a private
/// tape and returns one gradient per input. Does not disturb the current tape.
public func gradient(of f: ([Variable]) throws -> Variable, at inputs: [Tensor]) throws -> (value: Tensor, gradients: [Tensor]) {
    let saved = Tape.current
    let tape = Tape()
    Tape.current = tape
    defer { Tape.current = saved }
    let vars = inputs.map { tape.variable($0) }
    let out = try f(vars)
    return (out.value, try tape.gradients(of: out, wrt: vars))
}
