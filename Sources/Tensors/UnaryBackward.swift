/// The backward pass of the unary ops whose derivative takes several elementwise passes,
/// fused into one: `g * f'(x)` read and written once. GELU's derivative alone was eight
/// full-size passes (and as many allocations) on a transformer's MLP activations.
///
/// Each formula is evaluated element by element in the same order, with the same roundings, as
/// the unfused chain of tensor ops it replaces, so gradients are bit-identical to it.
extension Tensor {
    /// `g * f'(x)` for `op`, given x and y = f(x), when fused here: same shape and float
    /// dtype for all three. Nil means "use the general chain" (a broadcast gradient, another op).
    public static func fusedUnaryBackward(_ op: UnaryOp, x: Tensor, y: Tensor, grad g: Tensor) -> Tensor? {
        guard [.gelu, .tanh, .sigmoid].contains(op), x.dtype.isFloating,
              x.dtype == y.dtype, x.dtype == g.dtype, x.shape == g.shape, y.shape == g.shape else { return nil }
        let out = Tensor.uncheckedEmpty(g.shape, count: g.count, dtype: g.dtype)
        if x.dtype == .float32 { run(op, x, y, g, out, Float.self) } else { run(op, x, y, g, out, Double.self) }
        return out
    }

    private static func run<T: FloatElement>(_ op: UnaryOp, _ x: Tensor, _ y: Tensor, _ g: Tensor, _ out: Tensor, _: T.Type) {
        let cx = x.contiguous(), cy = y.contiguous(), cg = g.contiguous()
        let px = cx.pointer(T.self), py = cy.pointer(T.self), pg = cg.pointer(T.self), po = out.pointer(T.self)
        switch op {
        case .gelu:
            // d/dx [x Φ(x)] = Φ(x) + x φ(x), φ(x) = e^{-x²/2} / √(2π).
            let half = T(-0.5), invSqrt2Pi = T(0.3989422804014327), sqrt2 = T.sqrt(2)
            Parallel.forEachElementRange(out.count) { r in
                for i in r {
                    let v = px[i]
                    let phi = T.exp(v * v * half) * invSqrt2Pi
                    let cdf = (1 + T.erf(v / sqrt2)) / 2
                    po[i] = pg[i] * (cdf + v * phi)
                }
            }
        case .tanh:
            Parallel.forEachElementRange(out.count) { r in for i in r { po[i] = pg[i] * (1 - py[i] * py[i]) } }
        default:  // sigmoid
            Parallel.forEachElementRange(out.count) { r in for i in r { po[i] = pg[i] * (py[i] * (1 - py[i])) } }
        }
    }
}
