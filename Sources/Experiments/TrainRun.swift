import Language
import Autodiff
import Foundation
import Lab
import Tensors

/// One `train M on T with O { ... }` statement: binds the step's names, runs the Lab training loop
/// (optimizer steps or gradient flow), records the logs, and binds every logged name to its series.
final class TrainRun {
    let context: ExperimentContext
    let runtime: ExperimentRuntime
    let interpreter: Interpreter
    let model: BlockObject
    let modelName: String
    /// Nil for a population loss (`train m with opt { loss f(m) }`): no batch, no forward.
    let data: DataSource?
    let optimizer: OptimizerObject
    var settings: TrainSettings
    let lossExpr: Expr
    /// Names this statement logs, in first-logged order.
    private(set) var logged: [String] = []

    init(_ context: ExperimentContext, runtime: ExperimentRuntime) throws {
        guard case .train(let modelExpr, let taskExpr, let optExpr, let items) = context.statement.kind else {
            throw context.error("internal: not a train statement")
        }
        self.context = context
        self.runtime = runtime
        interpreter = context.interpreter
        let modelValue = try context.evaluate(modelExpr)
        guard case .object(let m) = modelValue, let block = m as? BlockObject, block.typeName == "model",
              taskExpr == nil || block.hasMethod("forward") else {
            var hint = "declare it with model NAME { param W = ...; forward(x) = ... }"
            if case .function(let c as ModelConstructor) = modelValue {
                hint = "\(c.name) is a model constructor: build a model with `let m = \(c.name)(...)` and train m"
            } else if taskExpr == nil {
                hint = "declare it with model NAME { param W = ... }"
            }
            let what = taskExpr == nil ? "a model" : "a model with a forward method"
            throw ScriptError(.type, "`\(modelExpr.sourceText)` is not \(what) (it is a \(modelValue.typeName))", hint: hint, span: modelExpr.span)
        }
        model = block
        // A model built by a constructor is named by the name it is trained under.
        if case .name(let n) = modelExpr.kind { modelName = n } else { modelName = block.name }
        let taskValue = try taskExpr.map { try context.evaluate($0) } ?? .none
        if let taskExpr {
            data = try DataSource.from(taskValue, CallContext(context.interpreter), span: taskExpr.span)
        } else {
            data = nil
        }
        guard let optExpr else {
            throw ScriptError(.syntax, "train needs an optimizer: train \(modelExpr.sourceText) on \(taskExpr?.sourceText ?? "TASK") with OPTIMIZER",
                              hint: "e.g. optimizer opt = adam(lr: 1e-3)", span: context.span)
        }
        let optValue = try context.evaluate(optExpr)
        guard case .object(let o) = optValue, let opt = o as? OptimizerObject else {
            throw ScriptError(.type, "`\(optExpr.sourceText)` is not an optimizer (it is a \(optValue.typeName))",
                              hint: "make one with sgd(lr:), adam(lr:), adamw(lr:), normalized_gd(lr:) or gradient_flow()", span: optExpr.span)
        }
        optimizer = opt
        context.set("model", modelValue)
        context.set("task", taskValue)
        settings = try TrainSettings(items, context)
        guard let loss = settings.loss else {
            throw ScriptError(.syntax, "train needs a loss, e.g. `loss cross_entropy(output, target)`", span: context.span)
        }
        lossExpr = loss
        if data == nil, settings.batchWritten {
            throw ScriptError(.value, "`batch` needs data: this train has no `on TASK`", hint: "drop `batch`, or train on a task", span: context.span)
        }
        // Every param leaf must be a tensor before the loop reads them (its view cannot throw).
        _ = try model.trainableVariables()
        let freezable = try model.freezablePaths()
        if let u = settings.freeze.first(where: { !freezable.contains($0) }) {
            throw ScriptError(.name, "cannot freeze `\(u)`: model \(modelName) has no param of that name or path",
                              hint: DidYouMean.hint(for: u, in: freezable), span: context.span)
        }
        context.set("evaluate", .function(makeEvaluate()))
    }

    // MARK: - Running

    func run() throws {
        model.frozen = Set(settings.freeze)
        defer { model.frozen = [] }
        defer { bindSeries() }
        switch optimizer.rule {
        case .step(let o): try runSteps(o)
        case .flow(let f): try runFlow(f)
        }
    }

    private func runSteps(_ o: Optimizer) throws {
        let steps: Int
        if let s = settings.steps {
            steps = s
        } else if let e = settings.epochs {
            guard let per = data?.stepsPerEpoch(settings.batch) else {
                throw ScriptError(.value, data == nil ? "`epochs` needs a dataset; this train has no `on TASK`" : "`epochs` needs a fixed dataset; this task samples fresh data",
                                  hint: "use steps N", span: context.span)
            }
            steps = e * per
        } else {
            throw ScriptError(.syntax, "train needs `steps N` or `epochs N`", span: context.span)
        }
        if settings.time != nil {
            throw ScriptError(.value, "`time` is for gradient_flow; \(o) counts `steps`", span: context.span)
        }
        try settings.checkStepIntervals()
        let rule = OptimizerSteps(o)
        rule.schedule = settings.schedule ?? optimizer.schedule
        rule.clip = settings.clip ?? optimizer.clip
        rule.afterStep = { [unowned self] _ in _ = try self.model.callMethod("after_step", []) }
        var current = 0
        let loop = makeLoop(rule, batch: { step in
            current = step
            return try self.batch(step: step)
        })
        loop.progress = runtime.quiet ? nil : Progress(total: steps, label: "train \(modelName)")
        let pauses = runtime.config.pauseTraining
        if let pauses {
            // The REPL pauses at the end of the step: the step is left whole, so resuming
            // continues exactly where an uninterrupted run would be.
            loop.pause = { [unowned self] done, loss in
                pauses(self.pauseState(done: done, of: steps, loss: loss)) == .resume ? .resume : .stop
            }
        }
        let report: TrainReport
        do {
            report = try interpreter.withInterrupts(deferred: pauses != nil) {
                try loop.run(to: Double(steps))
            }
        } catch let e as NonFiniteError {
            throw ScriptError(.runtime, "\(e.metric) became \(Format.float(e.value)) at step \(e.step) of training \(modelName); training stopped",
                              hint: "metrics logged so far are kept; try a smaller learning rate or `clip 1.0`", span: lossExpr.span)
        } catch let e as OptimizerError {
            throw ScriptError(.runtime, e.message, span: context.span)
        } catch var e as ScriptError where e.context == nil {
            // Which step failed tells a bad batch or a divergence from a bug in the loss.
            e.context = "while training `\(modelName)`, at step \(current) of \(steps)"
            throw e
        }
        try runtime.metrics?.flush()
        summarize(steps: report.stepsDone, of: steps, msPerStep: report.medianStepMs, loss: report.finalLoss, interrupted: report.interrupted && !report.stoppedAtPause)
        runtime.trainReports.append(report)
    }

    private func runFlow(_ flow: GradientFlow) throws {
        guard let horizon = settings.time else {
            throw ScriptError(.syntax, "gradient_flow integrates to a time: add `time T` to the train block", span: context.span)
        }
        // One fixed batch: gradient flow needs a deterministic loss.
        let batch = try self.batch(step: 0)
        // Each `every dt` logs horizon/dt + 1 times: refuse a count no run could log (and no
        // array could hold) before building the list.
        for (b, span) in zip(settings.blocks, settings.intervalSpans) where horizon / b.interval > 1_000_000 {
            throw ScriptError(.value, "`every \(Format.float(b.interval))` up to time \(Format.float(horizon)) would log \(Format.float((horizon / b.interval).rounded(.down) + 1)) times, more than 1,000,000",
                              hint: "log less often: a larger `every` or a smaller `time`", span: span)
        }
        let rule = GradientFlowSteps(flow)
        // The loop asks for step 0's batch once: the one drawn above, before the log-count check.
        let loop = makeLoop(rule, batch: { _ in batch })
        let t0 = Date()
        do {
            // The flow's summary is its integration statistics; its report (per-advance timings)
            // is not a training's, so it is not filed with them.
            _ = try loop.run(to: horizon)
        } catch let e as NonFiniteError {
            throw ScriptError(.runtime, "the loss became \(Format.float(e.value)) during gradient flow; integration stopped", span: lossExpr.span)
        } catch let e as OptimizerError {
            throw ScriptError(.runtime, e.message, span: context.span)
        }
        try runtime.metrics?.flush()
        if !runtime.quiet {
            let secs = Date().timeIntervalSince(t0)
            FileHandle.standardError.write(Data("gradient flow \(modelName): t = \(Format.float(horizon)), \(rule.stats.accepted) steps (\(rule.stats.rejected) rejected), \(rule.stats.evaluations) gradient evaluations, \(String(format: "%.2f", secs)) s\n".utf8))
        }
    }

    // MARK: - One step

    /// The data of one step (an empty record for a population loss).
    private func batch(step: Int) throws -> Record {
        try data?.batch(step: step, size: settings.batch, interpreter: interpreter, span: context.span) ?? Record()
    }

    /// Binds the batch, runs the forward pass and the block's statements, and returns the loss.
    func loss(step: Double, batch: Record) throws -> Variable {
        try bind(batch, step: step)
        for s in settings.statements { try context.execute(s) }
        let v = try context.evaluate(lossExpr)
        let l: Variable
        do { l = try Convert.variable(v) } catch {
            throw ScriptError(.type, "the loss must be a number or a one-element tensor, got \(v.typeName)", span: lossExpr.span)
        }
        guard l.value.count == 1 else {
            throw ScriptError(.shape, "the loss must be a scalar, got a tensor of shape \(TensorError.show(l.shape))",
                              hint: "reduce it, e.g. mean(...)", span: lossExpr.span)
        }
        context.set("loss", .tensor(l))
        return l
    }

    private func bind(_ batch: Record, step: Double) throws {
        // `DataSource.normalize` guarantees `input`; `target` and `mask` are optional batch fields
        // (none when absent; a population loss binds an empty record).
        let input = batch["input"] ?? .none
        context.set("batch", .record(batch))
        context.set("input", input)
        context.set("target", batch["target"] ?? .none)
        context.set("mask", batch["mask"] ?? .none)
        context.set("step", step == step.rounded() && abs(step) < 1e15 ? .int(Int(step)) : .float(step))
        context.set("time", .float(step))
        guard data != nil else { context.set("output", .none); return }
        guard let out = try model.callMethod("forward", [input]) else {
            throw ScriptError(.name, "model \(modelName) has no forward method", span: context.span)
        }
        context.set("output", out)
    }

    // MARK: - Logging

    /// The Lab loop over this block: the loss on each batch, the logs written without `every`
    /// at every position it logs at, and one interval per `every` block, in the order written.
    private func makeLoop(_ rule: StepRule, batch: @escaping (Int) throws -> Record) -> TrainingLoop {
        let loop = TrainingLoop(store: model, rule: rule, objective: Objective(batch: batch, loss: { [unowned self] batch, step in
            try self.loss(step: step, batch: batch)
        }))
        loop.atEveryLog = { [unowned self] step, _ in
            for (name, value) in self.settings.stepLogs { try self.record(name, value, step) }
        }
        loop.intervals = settings.blocks.map { b in
            LogInterval(every: b.interval) { [unowned self] step in
                for s in b.statements { try self.context.execute(s) }
                for (name, value) in b.logs { try self.record(name, value, step) }
            }
        }
        return loop
    }

    private func record(_ name: Identifier, _ expr: Expr?, _ step: Double) throws {
        // `log x` reads the variable x; an unbound name becomes none and fails below with a located error.
        let v = try expr.map { try context.evaluate($0) } ?? context.get(name.name) ?? .none
        let metrics = try runtime.metricLog()
        if !logged.contains(name.name) {
            logged.append(name.name)
            metrics.reset(name.name)
        }
        do {
            switch v {
            case .int(let i): try metrics.record(name.name, step: step, value: Double(i))
            case .float(let x): try metrics.record(name.name, step: step, value: x)
            case .bool(let b): try metrics.record(name.name, step: step, value: b ? 1 : 0)
            case .tensor(let t) where t.value.count == 1:
                // A float32 value is stored as its shortest float32 decimal, so 8.842 does not read 8.841968536376953.
                let x = try t.value.item()
                // A Float's description always parses back; the fallback is the unrounded value.
                try metrics.record(name.name, step: step, value: t.dtype == .float32 ? Double(Float(x).description) ?? x : x)
            case .tensor(let t): try metrics.record(name.name, step: step, tensor: t.value)
            default:
                throw ScriptError(.type, "log `\(name.name)` needs a number or a tensor, got \(v.typeName)", span: expr?.span ?? name.span)
            }
        } catch let e as OptimizerError {
            throw ScriptError(.type, "log `\(name.name)`: \(e.message)", span: expr?.span ?? name.span)
        }
    }

    /// Binds each logged name to its series (also when training stopped early).
    /// Where the training stands at a pause, with its series so far bound under their names
    /// (a pause in a sweep's run binds without collecting: the run collects once, at its end).
    private func pauseState(done: Int, of steps: Int, loss: Double?) -> TrainingPause {
        bindSeries(collect: false)
        return TrainingPause(model: modelName, stepsDone: done, steps: steps, loss: loss, flushMetrics: { [runtime] in try runtime.metrics?.flush() })
    }

    private func bindSeries(collect: Bool = true) {
        guard let metrics = runtime.metrics else { return }
        for name in logged {
            if let s = metrics.scalars[name] {
                if collect { runtime.sweepCollector?.collect(s) }
                context.setLog(name, .object(SeriesObject(s)))
            } else if let t = metrics.tensors[name] {
                context.setLog(name, .object(TensorSeriesObject(t)))
            }
        }
    }

    private func summarize(steps done: Int, of total: Int, msPerStep: Double?, loss: Double?, interrupted: Bool) {
        guard !runtime.quiet else { return }
        var line = "trained \(modelName): \(done) steps"
        if interrupted { line += " (interrupted at \(done) of \(total); outputs kept)" }
        if let ms = msPerStep { line += ", \(ms < 1 ? String(format: "%.3f", ms) : String(format: "%.2f", ms)) ms/step (median)" }
        // The loss after the last update (the progress bar showed the last minibatch's before it).
        if let loss { line += ", final loss \(Format.float(loss))" }
        let finals = logged.compactMap { n in runtime.metrics?.scalars[n]?.last.map { "\(n) \(Format.float($0))" } }
        if !finals.isEmpty { line += "; " + finals.joined(separator: ", ") }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    // MARK: - evaluate(data)

    /// `evaluate(data)` / `evaluate(model, data)`: the train loss on other data (a held-out
    /// split), without gradients; the step's own names are restored afterwards.
    private func makeEvaluate() -> Builtin {
        Builtin("evaluate", ["model_or_data", "data=none"], "the train block's loss on other data", .experiment) { [unowned self] a, _ in
            let dataValue = a.given("data") ? try a.value("data") : try a.value("model_or_data")
            var target = self.model
            if a.given("data") {
                guard case .object(let o) = try a.value("model_or_data"), let m = o as? BlockObject, m.hasMethod("forward") else {
                    throw a.typeError("model_or_data", expected: "a model")
                }
                target = m
            }
            let batch = try DataSource.normalize(dataValue, span: self.lossExpr.span)
            let saved = ["batch", "input", "target", "mask", "output", "loss"].map { ($0, self.context.get($0) ?? .none) }
            defer { for (n, v) in saved { self.context.set(n, v) } }
            return try noGrad {
                // `normalize` guarantees `input`; `target` and `mask` are optional batch fields.
                let input = batch["input"] ?? .none
                self.context.set("batch", .record(batch))
                self.context.set("input", input)
                self.context.set("target", batch["target"] ?? .none)
                self.context.set("mask", batch["mask"] ?? .none)
                // Without a forward method (a population-loss model) `output` would be none and the
                // loss would ignore the data: say so instead of returning the training loss.
                guard let output = try target.callMethod("forward", [input]) else {
                    throw ScriptError(.name, "evaluate: model \(target.name) has no forward method, so it cannot run on data",
                                      hint: "evaluate(data) needs a model with forward(x); a loss without `on TASK` has no data to swap")
                }
                self.context.set("output", output)
                let v = try Convert.variable(try self.context.evaluate(self.lossExpr))
                return .float(try v.value.item())
            }
        }
    }
}

/// A logged tensor metric as a script value: `W.last` is the final matrix, `W[i]` the i-th.
public final class TensorSeriesObject: HostObject {
    public let series: TensorSeries
    public init(_ series: TensorSeries) { self.series = series }
    public var typeName: String { "tensor series" }
    public var memberNames: [String] { ["first", "last", "steps", "count", "name", "values"] }

    public func member(_ name: String, _ context: CallContext) throws -> Value? {
        switch name {
        case "first", "last":
            guard let t = name == "first" ? series.values.first : series.values.last else {
                throw ScriptError(.value, "tensor series `\(series.name)` is empty")
            }
            return .tensor(Variable(t))
        case "steps": return .tensor(Variable(SeriesObject.stepsTensor(series.steps)))
        case "count": return .int(series.values.count)
        case "name": return .string(series.name)
        case "values": return .list(series.values.map { .tensor(Variable($0)) })
        default: return nil
        }
    }

    public func index(_ items: [Value], _ context: CallContext) throws -> Value? {
        guard items.count == 1, let i = Convert.int(items[0]) else { throw ScriptError(.index, "a tensor series takes one integer index") }
        let n = series.values.count, j = i < 0 ? i + n : i
        guard j >= 0, j < n else { throw ScriptError(.index, "index \(i) is out of range for tensor series `\(series.name)` of length \(n)") }
        return .tensor(Variable(series.values[j]))
    }

    public var description: String {
        "<tensor series \(series.name): \(series.values.count) × \(TensorError.show(series.values.last?.shape ?? []))>"
    }
}
