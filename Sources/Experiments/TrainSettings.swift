import Language
import Lab

/// The settings of a `train` block, evaluated once before training starts.
struct TrainSettings {
    var steps: Int?
    var epochs: Int?
    /// nil: the whole dataset every step (`batch full`).
    var batch: Int? = 0
    /// True when the block sets `batch` (a population loss has no data to batch).
    var batchWritten = false
    var loss: Expr?
    var schedule: Schedule?
    var clip: GradientClip?
    var freeze: [String] = []
    /// Gradient flow's horizon.
    var time: Double?
    /// Per-step statements and logs, and `every` blocks, in the order written.
    var statements: [Stmt] = []
    var stepLogs: [(name: Identifier, value: Expr?)] = []
    var blocks: [(interval: Double, logs: [(name: Identifier, value: Expr?)], statements: [Stmt])] = []
    /// Where each block's interval is written, for errors about it.
    var intervalSpans: [SourceSpan] = []

    init(_ items: [TrainItem], _ context: ExperimentContext) throws {
        batch = 0
        for item in items {
            switch item {
            case .setting(let name, let value, let span):
                try apply(name, value, span, context)
            case .every(let interval, let inner, _):
                let v = try context.evaluate(interval)
                guard let k = Convert.double(v), k > 0 else {
                    throw ScriptError(.value, "every needs a positive interval, got \(Format.short(v))", span: interval.span)
                }
                var logs: [(name: Identifier, value: Expr?)] = []
                var stmts: [Stmt] = []
                for i in inner {
                    switch i {
                    case .log(let n, let v, _): logs.append((n, v))
                    case .statement(let s): stmts.append(s)
                    case .setting, .every:
                        // `Resolver.checkTrainItems` reported these before anything ran.
                        break
                    }
                }
                blocks.append((k, logs, stmts))
                intervalSpans.append(interval.span)
            case .log(let name, let value, _):
                stepLogs.append((name, value))
            case .statement(let s):
                statements.append(s)
            }
        }
        if batch == 0 { batch = nil }  // not given: a sampler will complain, a dataset uses it all
    }

    /// In a train that counts steps, `every` takes a whole number of steps: `every 0.3 / 0.1`
    /// (2.9999999999999996) or `every 30.5` would log at surprising steps.
    func checkStepIntervals() throws {
        for (b, span) in zip(blocks, intervalSpans) where b.interval != b.interval.rounded() || b.interval >= 1e15 {
            throw ScriptError(.value, "`every` in a train that counts steps needs a whole number of steps, got \(Format.float(b.interval))",
                              hint: b.interval < 1 ? "log every step with `every 1`" : "round it: every \(Format.float(max(1, b.interval.rounded())))", span: span)
        }
    }

    private mutating func apply(_ name: Identifier, _ value: Expr, _ span: SourceSpan, _ context: ExperimentContext) throws {
        func number() throws -> Double {
            let v = try context.evaluate(value)
            guard let x = Convert.double(v) else {
                throw ScriptError(.type, "`\(name.name)` needs a number, got \(Format.short(v))", span: value.span)
            }
            return x
        }
        func positiveInt() throws -> Int {
            let x = try number()
            guard x >= 1, x == x.rounded() else {
                throw ScriptError(.value, "`\(name.name)` needs a positive whole number, got \(Format.float(x))", span: value.span)
            }
            // A bound on what one run could ever do (10^12 steps at a microsecond each is 11 days).
            guard x < 1e12 else {
                throw ScriptError(.value, "`\(name.name) \(Format.short(.int(Int(min(x, 9e18)))))` is more than the limit of 10^12", span: value.span)
            }
            return Int(x)
        }
        switch name.name {
        case "steps": steps = try positiveInt()
        case "epochs": epochs = try positiveInt()
        case "batch":
            batchWritten = true
            // `full` is also a builtin (full(shape, value)), so look at the word itself.
            if case .name("full") = value.kind { batch = nil } else { batch = try positiveInt() }
        case "loss": loss = value
        case "time":
            let t = try number()
            guard t > 0, t.isFinite else { throw ScriptError(.value, "`time` needs a positive horizon, got \(t)", span: value.span) }
            time = t
        case "schedule":
            guard case .object(let o) = try context.evaluate(value), let s = o as? ScheduleObject else {
                throw ScriptError(.type, "`schedule` needs a schedule such as cosine(total: 1000)", span: value.span)
            }
            schedule = s.schedule
        case "clip", "clip_value":
            let x = try number()
            guard x > 0 else { throw ScriptError(.value, "`\(name.name)` must be positive, got \(x)", span: value.span) }
            clip = name.name == "clip" ? .norm(x) : .value(x)
        case "freeze":
            let v = try context.evaluate(value)
            let items: [Value] = Convert.list(v) ?? [v]
            freeze = try items.map { item in
                guard case .string(let s) = item else {
                    throw ScriptError(.type, "`freeze` takes parameter names, e.g. freeze E or freeze [E, F]", span: value.span)
                }
                return s
            }
        default:
            // The resolver rejects names outside `TrainVocabulary` before anything runs; this is
            // a setting added to the table without its reading here.
            throw ScriptError(.runtime, "internal: train setting `\(name.name)` has no reading", span: name.span)
        }
    }
}
