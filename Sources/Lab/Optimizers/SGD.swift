import Tensors

/// Gradient descent: `p ← p − lr·(g + wd·p)`, optionally with (Nesterov) momentum
/// `v ← μ·v + g'` as in PyTorch's SGD.
public final class SGD: Optimizer {
    public var learningRate: Double
    public let momentum: Double
    public let nesterov: Bool
    public let weightDecay: Double
    private var velocity = SlotState()

    public init(learningRate: Double, momentum: Double = 0, nesterov: Bool = false, weightDecay: Double = 0) throws {
        guard learningRate >= 0, momentum >= 0, momentum < 1 || momentum == 0, weightDecay >= 0 else {
            throw OptimizerError("sgd needs lr ≥ 0, 0 ≤ momentum < 1 and weight_decay ≥ 0")
        }
        if nesterov && momentum == 0 { throw OptimizerError("nesterov needs momentum > 0") }
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public var description: String {
        "sgd(lr: \(learningRate)" + (momentum > 0 ? ", momentum: \(momentum)" : "") + (nesterov ? ", nesterov: true" : "")
            + (weightDecay > 0 ? ", weight_decay: \(weightDecay)" : "") + ")"
    }

    public func reset() { velocity.reset() }

    public func update(_ params: [Tensor], _ grads: [Tensor], lr: Double, step: Int) throws -> [Tensor] {
        try prepare(params, grads).enumerated().map { i, pg in
            let (p, g) = pg
            let v: Tensor? = momentum > 0 ? try velocity.slot(i, like: p) : nil
            let out = try Tensor.uninitialized(p.shape, dtype: p.dtype, op: "sgd")
            func run<T: FloatElement>(_: T.Type) {
                let pp = p.pointer(T.self), gp = g.pointer(T.self), op = out.pointer(T.self)
                let lr = T(lr), wd = T(weightDecay), mu = T(momentum)
                if let v {
                    let vp = v.pointer(T.self)
                    for j in 0..<p.count {
                        let gj = gp[j] + wd * pp[j]
                        vp[j] = mu * vp[j] + gj
                        op[j] = pp[j] - lr * (nesterov ? gj + mu * vp[j] : vp[j])
                    }
                } else {
                    for j in 0..<p.count { op[j] = pp[j] - lr * (gp[j] + wd * pp[j]) }
                }
            }
            if p.dtype == .float32 { run(Float.self) } else { run(Double.self) }
            return out
        }
    }
}

/// Normalized gradient descent: each parameter's gradient is divided by its own L2 norm,
/// `p ← p − lr·g/‖g‖` (a zero gradient leaves the parameter unchanged).
public final class NormalizedGD: Optimizer {
    public var learningRate: Double

    public init(learningRate: Double) throws {
        guard learningRate >= 0 else { throw OptimizerError("normalized_gd needs lr ≥ 0") }
        self.learningRate = learningRate
    }

    public var description: String { "normalized_gd(lr: \(learningRate))" }
    public func reset() {}

    public func update(_ params: [Tensor], _ grads: [Tensor], lr: Double, step: Int) throws -> [Tensor] {
        try prepare(params, grads).map { p, g in
            let out = try Tensor.uninitialized(p.shape, dtype: p.dtype, op: "normalized_gd")
            func run<T: FloatElement>(_: T.Type) {
                let pp = p.pointer(T.self), gp = g.pointer(T.self), op = out.pointer(T.self)
                var sq: Double = 0
                for j in 0..<p.count { sq += Double(gp[j]) * Double(gp[j]) }
                let scale = sq > 0 ? T(lr / sq.squareRoot()) : 0
                for j in 0..<p.count { op[j] = pp[j] - scale * gp[j] }
            }
            if p.dtype == .float32 { run(Float.self) } else { run(Double.self) }
            return out
        }
    }
}
