import Language
import Autodiff
import Lab
import Tensors

/// Optimizers, learning-rate schedules and gradient flow.
enum ExperimentBuiltins {
    /// Reads the `schedule:` / `clip_norm:` / `clip_value:` options every optimizer accepts.
    static func extras(_ a: BoundArguments) throws -> (Schedule, GradientClip?) {
        var schedule = Schedule.constant
        if let s = a["schedule"] {
            guard case .object(let o) = s, let so = o as? ScheduleObject else {
                throw a.typeError("schedule", expected: "a schedule such as cosine(total: 1000)")
            }
            schedule = so.schedule
        }
        var clip: GradientClip?
        if let n = try a.optionalDouble("clip_norm") {
            guard n > 0 else { throw a.valueError("clip_norm", "clip_norm must be positive, got \(n)") }
            clip = .norm(n)
        }
        if let v = try a.optionalDouble("clip_value") {
            guard v > 0 else { throw a.valueError("clip_value", "clip_value must be positive, got \(v)") }
            guard clip == nil else { throw a.valueError("clip_value", "give clip_norm or clip_value, not both") }
            clip = .value(v)
        }
        return (schedule, clip)
    }

    static func wrap(_ body: () throws -> Optimizer, _ a: BoundArguments) throws -> Value {
        do {
            let (schedule, clip) = try extras(a)
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
                guard let l = Convert.list(try a.value("betas")), l.count == 2, let b1 = Convert.double(l[0]), let b2 = Convert.double(l[1]) else {
                    throw a.typeError("betas", expected: "two numbers [beta1, beta2]")
                }
                return try Adam(learningRate: try a.double("lr"), beta1: b1, beta2: b2, epsilon: try a.double("eps"),
                                weightDecay: try a.double("weight_decay"), decoupled: decoupled)
            }, a)
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
                try SGD(learningRate: try a.double("lr"), momentum: try a.double("momentum"), nesterov: try a.bool("nesterov"),
                        weightDecay: try a.double("weight_decay"))
            }, a)
        },
        Builtin("gd", ["lr", "schedule=none", "clip_norm=none", "clip_value=none"], "plain gradient descent (full-batch GD is `gd` with `batch full`)", .experiment) { a, _ in
            try wrap({ try SGD(learningRate: try a.double("lr")) }, a)
        },
        Builtin("normalized_gd", ["lr", "schedule=none", "clip_norm=none", "clip_value=none"],
                "gradient descent with each parameter's gradient divided by its L2 norm", .experiment) { a, _ in
            try wrap({ try NormalizedGD(learningRate: try a.double("lr")) }, a)
        },
        adam("adam", decoupled: false),
        adam("adamw", decoupled: true),
        Builtin("gradient_flow", ["rtol=1e-6", "atol=1e-9", "max_step=none"],
                "integrate dθ/dt = −∇L(θ) with adaptive Runge–Kutta (Dormand–Prince); train with `time T`", .experiment) { a, _ in
            do {
                let flow = try GradientFlow(rtol: try a.double("rtol"), atol: try a.double("atol"),
                                            maxStep: try a.optionalDouble("max_step") ?? .infinity)
                return .object(OptimizerObject(.flow(flow)))
            } catch let e as OptimizerError { throw ScriptError(.value, e.message) }
        },
        Builtin("constant", [], "the constant learning-rate schedule", .experiment, schedule { _ in .constant }),
        Builtin("step_decay", ["every", "gamma=0.1"], "multiply the learning rate by gamma every `every` steps", .experiment,
                schedule { a in .step(every: try a.int("every"), gamma: try a.double("gamma")) }),
        Builtin("cosine", ["total", "floor=0"], "cosine decay from 1 to floor over total steps", .experiment,
                schedule { a in .cosine(total: try a.int("total"), floor: try a.double("floor")) }),
        Builtin("linear_decay", ["total", "end=0"], "linear decay from 1 to end over total steps", .experiment,
                schedule { a in .linear(total: try a.int("total"), end: try a.double("end")) }),
        Builtin("warmup", ["steps", "then=none"], "linear warm-up over `steps`, then another schedule (constant by default)", .experiment,
                schedule { a in
                    var then = Schedule.constant
                    if let t = a["then"] {
                        guard case .object(let o) = t, let so = o as? ScheduleObject else { throw a.typeError("then", expected: "a schedule") }
                        then = so.schedule
                    }
                    return .warmup(steps: try a.int("steps"), then: then)
                }),
    ]
}
