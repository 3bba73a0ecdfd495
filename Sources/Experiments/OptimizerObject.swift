import Language
import Lab

/// An optimizer value in a script (`optimizer gd = sgd(lr: 1.0)`): the update rule plus the
/// schedule and clipping that travel with it, or gradient flow.
public final class OptimizerObject: HostObject, RestorableObject {
    public enum Rule {
        case step(Optimizer)
        case flow(GradientFlow)
    }

    public let rule: Rule
    public var schedule: Schedule
    public var clip: GradientClip?

    public init(_ rule: Rule, schedule: Schedule = .constant, clip: GradientClip? = nil) {
        self.rule = rule
        self.schedule = schedule
        self.clip = clip
    }

    /// The learning rate, schedule and clipping as they are now (the REPL's rollback).
    public func captureState() -> () -> Void {
        var lr: Double? = nil
        if case .step(let o) = rule { lr = o.learningRate }
        let schedule = self.schedule, clip = self.clip
        return { [self] in
            if let lr, case .step(let o) = rule { o.learningRate = lr }
            self.schedule = schedule
            self.clip = clip
        }
    }

    public var typeName: String { "optimizer" }
    public var memberNames: [String] { ["lr", "schedule"] }

    public func member(_ name: String, _ context: CallContext) throws -> Value? {
        switch (name, rule) {
        case ("lr", .step(let o)): return .float(o.learningRate)
        case ("schedule", _): return .string(schedule.description)
        default: return nil
        }
    }

    public func setMember(_ name: String, _ value: Value, _ context: CallContext) throws -> Bool {
        guard name == "lr", case .step(let o) = rule, let lr = Convert.double(value), lr >= 0 else { return false }
        o.learningRate = lr
        return true
    }

    public var description: String {
        var s: String
        switch rule {
        case .step(let o): s = o.description
        case .flow(let f): s = f.description
        }
        if schedule != .constant { s += " with schedule \(schedule)" }
        if let clip { s += " and \(clip)" }
        return s
    }
}

/// A learning-rate schedule value (`cosine(total: 1000)`), passed as `schedule:` to an optimizer
/// or as the `schedule` setting of a train block.
public final class ScheduleObject: HostObject {
    public let schedule: Schedule
    public init(_ schedule: Schedule) { self.schedule = schedule }
    public var typeName: String { "schedule" }
    public func member(_ name: String, _ context: CallContext) throws -> Value? { nil }
    public var description: String { schedule.description }

    /// The factor a step gets: `s(100)`.
    public func call(_ args: Arguments, _ context: CallContext) throws -> Value? {
        guard args.positional.count == 1, let step = Convert.int(args.positional[0]) else {
            throw ScriptError(.argument, "a schedule takes one step number: s(100)")
        }
        return .float(schedule.factor(at: step))
    }
}
