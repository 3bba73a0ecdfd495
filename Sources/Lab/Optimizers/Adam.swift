import Foundation
import Tensors

/// Adam (Kingma & Ba) with PyTorch's update formula; `decoupled` makes it AdamW
/// (weight decay applied to the parameter, not added to the gradient).
public final class Adam: Optimizer {
    public var learningRate: Double
    public let beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double
    public let decoupled: Bool
    private var first = SlotState(), second = SlotState()

    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0, decoupled: Bool = false) throws {
        guard learningRate >= 0, (0..<1).contains(beta1), (0..<1).contains(beta2), epsilon >= 0, weightDecay >= 0 else {
            throw OptimizerError("adam needs lr ≥ 0, betas in [0, 1), eps ≥ 0 and weight_decay ≥ 0")
        }
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
    }

    public var description: String {
        "\(decoupled ? "adamw" : "adam")(lr: \(learningRate), betas: [\(beta1), \(beta2)], eps: \(epsilon)"
            + (weightDecay > 0 ? ", weight_decay: \(weightDecay)" : "") + ")"
    }

    public func reset() {
        first.reset()
        second.reset()
    }

    public func update(_ params: [Tensor], _ grads: [Tensor], lr: Double, step: Int) throws -> [Tensor] {
        let t = Double(max(step, 1))
        let bc1 = 1 - pow(beta1, t), bc2 = 1 - pow(beta2, t)
        return try prepare(params, grads).enumerated().map { i, pg in
            let (p, g) = pg
            let m = try first.slot(i, like: p), v = try second.slot(i, like: p)
            let out = try Tensor.uninitialized(p.shape, dtype: p.dtype, op: "adam")
            func run<T: FloatElement>(_: T.Type) {
                let pp = p.pointer(T.self), gp = g.pointer(T.self), op = out.pointer(T.self)
                let mp = m.pointer(T.self), vp = v.pointer(T.self)
                let b1 = T(beta1), b2 = T(beta2), eps = T(epsilon), wd = T(weightDecay)
                let stepSize = T(lr / bc1), rootBc2 = T(bc2.squareRoot())
                let decay = decoupled ? 1 - T(lr) * wd : 1
                let l2 = decoupled ? 0 : wd
                for j in 0..<p.count {
                    let gj = gp[j] + l2 * pp[j]
                    mp[j] = b1 * mp[j] + (1 - b1) * gj
                    vp[j] = b2 * vp[j] + (1 - b2) * gj * gj
                    op[j] = pp[j] * decay - stepSize * mp[j] / (vp[j].squareRoot() / rootBc2 + eps)
                }
            }
            if p.dtype == .float32 { run(Float.self) } else { run(Double.self) }
            return out
        }
    }
}
