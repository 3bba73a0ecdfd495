import Tensors

/// Gradient clipping applied before the optimizer sees the gradients.
public enum GradientClip: Sendable, Equatable, CustomStringConvertible {
    /// Scale all gradients together so their joint L2 norm is at most `maxNorm` (PyTorch's
    /// clip_grad_norm_).
    case norm(Double)
    /// Clamp every gradient element into [-limit, limit].
    case value(Double)

    /// The clipped gradients and the joint L2 norm before clipping (useful to log).
    public func apply(_ grads: [Tensor]) throws -> (grads: [Tensor], norm: Double) {
        let norm = try GradientClip.globalNorm(grads)
        switch self {
        case .norm(let maxNorm):
            guard norm > maxNorm, norm.isFinite else { return (grads, norm) }
            let scale = maxNorm / (norm + 1e-6)
            return (try grads.map { try Tensor.binary(.mul, $0, Tensor(scalar: scale, dtype: $0.dtype)) }, norm)
        case .value(let limit):
            return (grads.map { $0.clamp(min: -limit, max: limit) }, norm)
        }
    }

    /// √(Σ‖g‖²) over all gradients, accumulated in Double.
    public static func globalNorm(_ grads: [Tensor]) throws -> Double {
        var total = 0.0
        for g in grads {
            for v in g.toDoubles() { total += v * v }
        }
        return total.squareRoot()
    }

    public var description: String {
        switch self {
        case .norm(let n): return "clip(norm: \(n))"
        case .value(let v): return "clip(value: \(v))"
        }
    }
}
