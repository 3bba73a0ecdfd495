import Foundation
import Testing
import Tensors
@testable import Lab

func t(_ v: [Double], _ dtype: DType = .float64) -> Tensor { Tensor(v, dtype: dtype) }

@Suite struct OptimizerTests {
    @Test func sgdPlainMomentumAndNesterovMatchHandComputedSteps() throws {
        let p = t([1, -2]), g = t([0.5, 1])
        // Plain: p - lr*g
        let plain = try SGD(learningRate: 0.1).update([p], [g], lr: 0.1, step: 1)[0].toDoubles()
        #expect(plain == [0.95, -2.1])
        // Momentum 0.9: v1 = g, p1 = p - lr*v1; v2 = 0.9 g + g = 1.9 g, p2 = p1 - lr*1.9g
        let m = try SGD(learningRate: 0.1, momentum: 0.9)
        let p1 = try m.update([p], [g], lr: 0.1, step: 1)[0]
        let p2 = try m.update([p1], [g], lr: 0.1, step: 2)[0].toDoubles()
        #expect(abs(p2[0] - (1 - 0.05 - 0.1 * 1.9 * 0.5)) < 1e-12)
        // Nesterov: step uses g + mu*v; first step v = g → p - lr*(g + 0.9 g)
        let n = try SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)
        let q = try n.update([p], [g], lr: 0.1, step: 1)[0].toDoubles()
        #expect(abs(q[0] - (1 - 0.1 * 1.9 * 0.5)) < 1e-12)
        // Weight decay adds wd*p to the gradient.
        let wd = try SGD(learningRate: 0.1, weightDecay: 0.5).update([p], [g], lr: 0.1, step: 1)[0].toDoubles()
        #expect(abs(wd[0] - (1 - 0.1 * (0.5 + 0.5))) < 1e-12)
    }

    @Test func adamFirstStepsMatchTheFormula() throws {
        let adam = try Adam(learningRate: 0.01)
        let p = t([1.0]), g1 = t([0.2]), g2 = t([-0.4])
        let p1 = try adam.update([p], [g1], lr: 0.01, step: 1)[0]
        // First step of Adam moves by lr * sign(g) (bias correction makes m̂/√v̂ = ±1), minus eps effects.
        #expect(abs(p1.toDoubles()[0] - (1 - 0.01 * 0.2 / (0.2 + 1e-8))) < 1e-12)
        let p2 = try adam.update([p1], [g2], lr: 0.01, step: 2)[0].toDoubles()[0]
        let m = 0.9 * (0.1 * 0.2) + 0.1 * -0.4, v = 0.999 * (0.001 * 0.04) + 0.001 * 0.16
        let mhat = m / (1 - 0.81), vhatRoot = (v).squareRoot() / (1 - 0.998001).squareRoot()
        #expect(abs(p2 - (p1.toDoubles()[0] - 0.01 * mhat / (vhatRoot + 1e-8))) < 1e-12)
    }

    @Test func adamwDecaysTheParameterNotTheGradient() throws {
        let w = try Adam(learningRate: 0.1, weightDecay: 0.5, decoupled: true)
        let out = try w.update([t([2.0])], [t([0.0])], lr: 0.1, step: 1)[0].toDoubles()[0]
        // Zero gradient: only the decay acts, p * (1 - lr*wd).
        #expect(abs(out - 2 * (1 - 0.05)) < 1e-12)
    }

    @Test func normalizedGDStepsByLrRegardlessOfGradientSize() throws {
        let o = try NormalizedGD(learningRate: 0.5)
        let out = try o.update([t([0, 0])], [t([30, 40])], lr: 0.5, step: 1)[0].toDoubles()
        #expect(abs(out[0] + 0.3) < 1e-12 && abs(out[1] + 0.4) < 1e-12)
        let zero = try o.update([t([1])], [t([0])], lr: 0.5, step: 1)[0].toDoubles()
        #expect(zero == [1])
    }

    @Test func optimizersRejectMismatchedGradients() throws {
        #expect(throws: OptimizerError.self) { try SGD(learningRate: 0.1).update([t([1, 2])], [t([1])], lr: 0.1, step: 1) }
        #expect(throws: OptimizerError.self) { try Adam(learningRate: -1) }
        #expect(throws: OptimizerError.self) { try SGD(learningRate: 0.1, nesterov: true) }
    }

    @Test func float32ParametersStayFloat32() throws {
        let out = try Adam().update([t([1], .float32)], [t([1], .float64)], lr: 1e-3, step: 1)[0]
        #expect(out.dtype == .float32)
    }

    @Test func schedules() throws {
        #expect(Schedule.constant.factor(at: 100) == 1)
        #expect(Schedule.step(every: 10, gamma: 0.5).factor(at: 25) == 0.25)
        let cos = Schedule.cosine(total: 100, floor: 0)
        #expect(cos.factor(at: 0) == 1 && abs(cos.factor(at: 50) - 0.5) < 1e-12 && cos.factor(at: 100) == 0)
        #expect(abs(Schedule.linear(total: 10, end: 0).factor(at: 5) - 0.5) < 1e-12)
        let w = Schedule.warmup(steps: 4, then: .constant)
        #expect(w.factor(at: 0) == 0.2 && w.factor(at: 3) == 0.8 && w.factor(at: 4) == 1)
        #expect(throws: OptimizerError.self) { try Schedule.cosine(total: 0, floor: 0).validated() }
    }

    @Test func clipping() throws {
        let (clipped, norm) = try GradientClip.norm(1).apply([t([3]), t([4])])
        #expect(abs(norm - 5) < 1e-12)
        #expect(abs(clipped[0].toDoubles()[0] - 0.6) < 1e-6 && abs(clipped[1].toDoubles()[0] - 0.8) < 1e-6)
        let small = try GradientClip.norm(10).apply([t([3]), t([4])]).grads
        #expect(small[0].toDoubles() == [3])
        #expect(try GradientClip.value(0.5).apply([t([-2, 0.1, 3])]).grads[0].toDoubles() == [-0.5, 0.1, 0.5])
    }
}
