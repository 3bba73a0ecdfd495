import Language
import Autodiff
import Lab
import Tensors

/// Optimizers, learning-rate schedules and gradient flow.
enum ExperimentBuiltins {
    /// Reads the `schedule:` / `clip_norm:` / `clip_value:` options every optimizer accepts.
    static func extras(_ a: BoundArguments, schedule si: Int, clipNorm ci: Int, clipValue vi: Int) throws -> (Schedule, GradientClip?) {
        var schedule = Schedule.constant
        if let s = a[si] {
            guard case .object(let o) = s, let so = o as? ScheduleObject else {
                throw a.typeError(si, expected: "a schedule such as cosine(total: 1000)")
            }
            schedule = so.schedule
        }
        var clip: GradientClip?
        if let n = try a.optionalDouble(ci) {
            guard n > 0 else { throw a.valueError(ci, "clip_norm must be positive, got \(n)") }
            clip = .norm(n)
        }
        if let v = try a.optionalDouble(vi) {
            guard v > 0 else { throw a.valueError(vi, "clip_value must be positive, got \(v)") }
            guard clip == nil else { throw a.valueError(vi, "give clip_norm or clip_value, not both") }
            clip = .value(v)
        }
        return (schedule, clip)
    }

    static func wrap(_ body: () throws -> Optimizer, _ a: BoundArguments, _ base: Int) throws -> Value {
        do {
            let (schedule, clip) = try extras(a, schedule: base, clipNorm: base + 1, clipValue: base + 2)
            return .object(OptimizerObject(.step(try body()), schedule: schedule, clip: clip))
        } catch let e as OptimizerError {
            throw ScriptError(.value, e.message)
        }
    }

    static func adam(_ name: String, decoupled: Bool) -> Builtin {
        Builtin(name, ["lr=0.001", "betas=[0.9, 0.999]", "eps=1e-8", "weight_decay=\(decoupled ? "0.01" : "0")",
                       "schedule=none", "clip_norm=none", "clip_value=none"],
                decoupled ? "AdamW: Adam with decoupled weight decay" : "Adam (PyTorch's update formula)", .experiment) { a, _ in
            try wrap({
                var b1 = 0.9, b2 = 0.999
                if let betas = a[1] {
                    guard let l = Convert.list(betas), l.count == 2, let x = Convert.double(l[0]), let y = Convert.double(l[1]) else {
                        throw a.typeError(1, expected: "two numbers [beta1, beta2]")
                    }
                    (b1, b2) = (x, y)
                }
                return try Adam(learningRate: try a.double(0, default: 1e-3), beta1: b1, beta2: b2, epsilon: try a.double(2, default: 1e-8),
                                weightDecay: try a.double(3, default: decoupled ? 0.01 : 0), decoupled: decoupled)
            }, a, 4)
        }
    }

    static func schedule(_ make: @escaping (BoundArguments) throws -> Schedule) -> (BoundArguments, CallContext) throws -> Value {
        { a, _ in
            do { return .object(ScheduleObject(try make(a).validated())) } catch let e as OptimizerError { throw ScriptError(.value, e.message) }
        }
    }

    static let table: [Builtin] = [
        Builtin("sgd", ["lr", "momentum=0", "nesterov=false", "weight_decay=0", "schedule=none", "clip_norm=none", "clip_value=none"],
                "gradient descent, optionally with (Nesterov) momentum", .experiment) { a, _ in
            try wrap({
                try SGD(learningRate: try a.double(0), momentum: try a.double(1, default: 0), nesterov: try a.bool(2, default: false),
                        weightDecay: try a.double(3, default: 0))
            }, a, 4)
        },
        Builtin("gd", ["lr", "schedule=none", "clip_norm=none", "clip_value=none"], "plain gradient descent (full-batch GD is `gd` with `batch full`)", .experiment) { a, _ in
            try wrap({ try SGD(learningRate: try a.double(0)) }, a, 1)
        },
        Builtin("normalized_gd", ["lr", "schedule=none", "clip_norm=none", "clip_value=none"],
                "gradient descent with each parameter's gradient divided by its L2 norm", .experiment) { a, _ in
            try wrap({ try NormalizedGD(learningRate: try a.double(0)) }, a, 1)
        },
        adam("adam", decoupled: false),
        adam("adamw", decoupled: true),
        Builtin("gradient_flow", ["rtol=1e-6", "atol=1e-9", "max_step=none"],
                "integrate dθ/dt = −∇L(θ) with adaptive Runge–Kutta (Dormand–Prince); train with `time T`", .experiment) { a, _ in
            do {
                let flow = try GradientFlow(rtol: try a.double(0, default: 1e-6), atol: try a.double(1, default: 1e-9),
                                            maxStep: try a.optionalDouble(2) ?? .infinity)
                return .object(OptimizerObject(.flow(flow)))
            } catch let e as OptimizerError { throw ScriptError(.value, e.message) }
        },
        Builtin("constant", [], "the constant learning-rate schedule", .experiment, schedule { _ in .constant }),
        Builtin("step_decay", ["every", "gamma=0.1"], "multiply the learning rate by gamma every `every` steps", .experiment,
                schedule { a in .step(every: try a.int(0), gamma: try a.double(1, default: 0.1)) }),
        Builtin("cosine", ["total", "floor=0"], "cosine decay from 1 to floor over total steps", .experiment,
                schedule { a in .cosine(total: try a.int(0), floor: try a.double(1, default: 0)) }),
        Builtin("linear_decay", ["total", "end=0"], "linear decay from 1 to end over total steps", .experiment,
                schedule { a in .linear(total: try a.int(0), end: try a.double(1, default: 0)) }),
        Builtin("warmup", ["steps", "then=none"], "linear warm-up over `steps`, then another schedule (constant by default)", .experiment,
                schedule { a in
                    var then = Schedule.constant
                    if let t = a[1] {
                        guard case .object(let o) = t, let so = o as? ScheduleObject else { throw a.typeError(1, expected: "a schedule") }
                        then = so.schedule
                    }
                    return .warmup(steps: try a.int(0), then: then)
                }),
    ]
}
