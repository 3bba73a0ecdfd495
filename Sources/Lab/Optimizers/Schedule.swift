import Foundation

/// A learning-rate schedule: the factor the base learning rate is multiplied by at each step.
public indirect enum Schedule: Sendable, CustomStringConvertible, Equatable {
    case constant
    /// Multiply by `gamma` every `every` steps.
    case step(every: Int, gamma: Double)
    /// Cosine from 1 down to `floor` over `total` steps, then `floor`.
    case cosine(total: Int, floor: Double)
    /// Linear from 1 down to `end` over `total` steps, then `end`.
    case linear(total: Int, end: Double)
    /// Linear ramp from 0 to 1 over `steps`, then `after` (counting steps from the ramp's end).
    case warmup(steps: Int, then: Schedule)

    /// The factor at `step` (0 = the first update).
    public func factor(at step: Int) -> Double {
        let s = max(step, 0)
        switch self {
        case .constant:
            return 1
        case .step(let every, let gamma):
            return pow(gamma, Double(s / max(every, 1)))
        case .cosine(let total, let floor):
            guard total > 0, s < total else { return floor }
            return floor + (1 - floor) * 0.5 * (1 + cos(Double.pi * Double(s) / Double(total)))
        case .linear(let total, let end):
            guard total > 0, s < total else { return end }
            return 1 + (end - 1) * Double(s) / Double(total)
        case .warmup(let steps, let then):
            // In doubles: `steps + 1` overflows for a warmup of Int.max steps.
            if s < steps { return (Double(s) + 1) / (Double(steps) + 1) }
            return then.factor(at: s - steps)
        }
    }

    /// Validates the arguments (positive step counts, non-negative factors).
    public func validated() throws -> Schedule {
        switch self {
        case .constant: break
        case .step(let every, let gamma):
            guard every > 0, gamma >= 0 else { throw OptimizerError("step schedule needs every > 0 and gamma ≥ 0") }
        case .cosine(let total, let floor):
            guard total > 0, floor >= 0 else { throw OptimizerError("cosine schedule needs total > 0 and floor ≥ 0") }
        case .linear(let total, let end):
            guard total > 0, end >= 0 else { throw OptimizerError("linear schedule needs total > 0 and end ≥ 0") }
        case .warmup(let steps, let then):
            guard steps >= 0 else { throw OptimizerError("warmup needs steps ≥ 0") }
            _ = try then.validated()
        }
        return self
    }

    public var description: String {
        switch self {
        case .constant: return "constant"
        case .step(let every, let gamma): return "step(every: \(every), gamma: \(gamma))"
        case .cosine(let total, let floor): return "cosine(total: \(total), floor: \(floor))"
        case .linear(let total, let end): return "linear(total: \(total), end: \(end))"
        case .warmup(let steps, let then): return "warmup(\(steps), then: \(then))"
        }
    }
}
