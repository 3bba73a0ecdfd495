import Foundation
import Tensors

/// The statements of the experiments layer (`train`, `plot`/`heatmap`/`scatter`, `sweep`,
/// `save`, `load`), implemented outside the core interpreter. The interpreter resolves their
/// names like any other code, then hands each statement to this protocol when it runs.
public protocol ExperimentStatements: AnyObject {
    /// Names a `train` block sees besides the script's own (e.g. `input`, `target`, `output`,
    /// `loss`, `step`); the implementation sets them with `ExperimentContext.set`.
    var trainScopeNames: [String] { get }
    func train(_ statement: Stmt, _ context: ExperimentContext) throws
    func plot(_ statement: Stmt, _ context: ExperimentContext) throws
    func sweep(_ statement: Stmt, _ context: ExperimentContext) throws
    func save(_ statement: Stmt, _ context: ExperimentContext) throws
    func load(_ statement: Stmt, _ context: ExperimentContext) throws
    /// Told about every `expect` as it is evaluated (for the run's summary and report).
    func expectEvaluated(_ outcome: ExpectOutcome)
    /// Called once when the script has ended, however it ended, with its exit code.
    func finish(exitCode: Int32)
    /// True when `finish` prints a verdict line naming the failed checks (so the runner need
    /// not add its own count).
    var printsVerdict: Bool { get }
    /// Told about the interpreter that runs its statements, when that is made (for the values
    /// of the script's top-level `let`s in settings.json).
    func attach(_ interpreter: Interpreter)
    /// Told about every line the script prints (for the report).
    func printed(_ line: String)
    /// A file the script reads (an import, a data file a builtin loads), if the script may
    /// read it (`FileAccess`); an error at `span` otherwise.
    func readAllowedFile(_ path: String, span: SourceSpan?) throws -> Data
    /// Writes a file the script names (a relative path goes into the run directory), if the
    /// script may write there; an error at `span` otherwise.
    func writeAllowedFile(_ data: Data, to path: String, span: SourceSpan?) throws
    /// The builtins this layer adds to the language (optimizers, schedules, `evaluate`...).
    var builtins: [Builtin] { get }
    /// Names `plot` options accept as literal strings, by option (`styles:` → line styles),
    /// with what one of them is called in an error ("line style"): the resolver checks literal
    /// names against them so `exp check` reports a misspelt one at its place.
    var plotNameTables: [String: (what: String, names: [String])] { get }
}

extension ExperimentStatements {
    public func expectEvaluated(_ outcome: ExpectOutcome) {}
    public func finish(exitCode: Int32) {}
    public var printsVerdict: Bool { false }
    public var builtins: [Builtin] { [] }
    public var plotNameTables: [String: (what: String, names: [String])] { [:] }
    public func attach(_ interpreter: Interpreter) {}
    public func printed(_ line: String) {}
    /// Without an experiments layer (the core language alone, as in its unit tests) there is no
    /// run directory to confine a script to: imports read any file. `exp` always installs one.
    public func readAllowedFile(_ path: String, span: SourceSpan?) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScriptError(.io, "cannot read \(path)", span: span)
        }
        return data
    }
    /// Without an experiments layer there is no run directory to write into.
    public func writeAllowedFile(_ data: Data, to path: String, span: SourceSpan?) throws {
        throw ScriptError(.io, "cannot write \(path): files are written by exp run, into its run directory", span: span)
    }
}

/// The names a train block sees when no implementation says otherwise.
public let defaultTrainScopeNames = ["input", "target", "output", "loss", "step", "batch", "mask", "model", "task"]

/// A resolved experiment statement: the AST node plus lowered code for every expression and
/// nested statement in it, and the layout of its inner scope (train items, sweep body).
final class ExperimentProto {
    let statement: Stmt
    /// Lowered code of expressions in the enclosing scope (train header, plot arguments, sweep
    /// ranges, save/load operands).
    var outer: [ObjectIdentifier: Code] = [:]
    /// Lowered code of expressions inside the inner scope (train items).
    var inner: [ObjectIdentifier: Code] = [:]
    var innerStatements: [ObjectIdentifier: Instr] = [:]
    /// Slots of the inner frame's implicit names (train scope names, sweep variables).
    var implicit: [String: Int] = [:]
    var sweepBody: CodeBlock?
    var innerSize = 0
    /// Global slots of the `log NAME` series.
    var logSlots: [String: Int] = [:]

    init(statement: Stmt) { self.statement = statement }
}

/// What an experiment statement's implementation can do with the interpreter: evaluate the
/// statement's expressions, run its nested statements, and set names in its scope.
public final class ExperimentContext {
    public let interpreter: Interpreter
    public let statement: Stmt
    let proto: ExperimentProto
    let outerFrame: Frame
    let innerFrame: Frame

    init(interpreter: Interpreter, proto: ExperimentProto, frame: Frame) {
        self.interpreter = interpreter
        self.statement = proto.statement
        self.proto = proto
        self.outerFrame = frame
        self.innerFrame = Frame(size: proto.innerSize, parent: frame)
    }

    /// The statement's span, for errors about it as a whole.
    public var span: SourceSpan { statement.span }

    /// Evaluates one of this statement's expressions (header, setting, log value, argument).
    public func evaluate(_ expr: Expr) throws -> Value {
        if let c = proto.inner[ObjectIdentifier(expr)] { return try interpreter.evaluate(c, innerFrame) }
        if let c = proto.outer[ObjectIdentifier(expr)] { return try interpreter.evaluate(c, outerFrame) }
        throw ScriptError(.runtime, "internal: expression `\(expr.sourceText)` is not part of this statement", span: expr.span)
    }

    /// Runs an ordinary statement nested in the train block.
    public func execute(_ stmt: Stmt) throws {
        guard let i = proto.innerStatements[ObjectIdentifier(stmt)] else {
            throw ScriptError(.runtime, "internal: statement is not part of this block", span: stmt.span)
        }
        try interpreter.executeInstruction(i, innerFrame)
    }

    /// Sets an implicit name of the inner scope (`output`, `loss`...). Returns false when the
    /// name is not one of them.
    @discardableResult
    public func set(_ name: String, _ value: Value) -> Bool {
        guard let slot = proto.implicit[name], slot < innerFrame.slots.count else { return false }
        innerFrame.slots[slot] = value
        return true
    }

    /// The value of an implicit name, or else of a global.
    public func get(_ name: String) -> Value? {
        if let slot = proto.implicit[name], slot < innerFrame.slots.count { return innerFrame.slots[slot] }
        return interpreter.global(name)
    }

    /// Binds a `log` series (or any value) to its global name.
    public func setLog(_ name: String, _ value: Value) {
        if let slot = proto.logSlots[name] { interpreter.setGlobal(slot: slot, value) } else { interpreter.setGlobal(name, value) }
    }

    /// Runs a sweep's body once with the sweep variables bound (in the order written), in a
    /// fresh scope.
    public func runSweepBody(_ values: [Value]) throws {
        guard case .sweep(let bindings, _) = statement.kind, let body = proto.sweepBody else { return }
        let frame = Frame(size: proto.innerSize, parent: outerFrame)
        for (b, v) in zip(bindings, values) { if let slot = proto.implicit[b.name.name] { frame.slots[slot] = v } }
        _ = try interpreter.runBlock(body, frame)
    }

    /// An error at one of this statement's expressions (or the whole statement).
    public func error(_ message: String, at span: SourceSpan? = nil, hint: String? = nil) -> Error {
        ScriptError(.runtime, message, hint: hint, span: span ?? statement.span)
    }
}

extension Resolver {
    /// Lowers a `train`/`plot`/`sweep`/`save`/`load` statement for the experiments layer.
    func resolveExperiment(_ s: Stmt) -> Instr {
        let proto = ExperimentProto(statement: s)
        func outer(_ e: Expr) { proto.outer[ObjectIdentifier(e)] = resolve(e) }
        switch s.kind {
        case .train(let model, let task, let optimizer, let items):
            checkTrainItems(items)
            outer(model); task.map(outer); optimizer.map(outer)
            for n in Resolver.logNames(items) {
                let slot = globalSlot(n)
                proto.logSlots[n] = slot
            }
            pushFrame(isFunction: false)
            for n in trainScopeNames { proto.implicit[n] = declare(n).slotIndex }
            resolveTrainItems(items, proto)
            proto.innerSize = popFrame()
            for n in Resolver.logNames(items) { pending.remove(n) }
        case .plot(let kind, let args):
            checkPlot(kind, args, at: s.span)
            for a in args { outer(a.value) }
        case .sweep(let bindings, let body):
            for b in bindings { outer(b.values) }
            pushFrame(isFunction: false)
            sweepFrames.append(current)
            for b in bindings { proto.implicit[b.name.name] = declare(b.name.name).slotIndex }
            proto.sweepBody = resolveStatements(body.statements)
            sweepFrames.removeLast()
            proto.innerSize = popFrame()
        case .save(let value, let path):
            outer(value); outer(path)
        case .load(let target, let path):
            // `load w from "w.npy"` may introduce a new global name.
            if case .name(let n) = target.kind, lookup(n) == nil { _ = globalSlot(n); pending.remove(n) }
            outer(target); outer(path)
        default:
            break
        }
        return .experiment(proto)
    }

    func resolveTrainItems(_ items: [TrainItem], _ proto: ExperimentProto) {
        for item in items {
            switch item {
            case .setting(_, let value, _):
                // `batch full`, `schedule cosine`: a bare unknown word is a symbol, not an error.
                if case .name(let n) = value.kind, lookup(n) == nil {
                    proto.inner[ObjectIdentifier(value)] = .constant(.string(n))
                } else {
                    proto.inner[ObjectIdentifier(value)] = resolve(value)
                }
            case .every(let interval, let inner, _):
                proto.inner[ObjectIdentifier(interval)] = resolve(interval)
                resolveTrainItems(inner, proto)
            case .log(_, let value, _):
                if let v = value { proto.inner[ObjectIdentifier(v)] = resolve(v) }
            case .statement(let st):
                if let i = resolveStatement(st) { proto.innerStatements[ObjectIdentifier(st)] = i }
            }
        }
    }
}

extension CodePattern {
    var slotIndex: Int {
        switch self {
        case .slot(let r, _): return r.slot
        case .global(let s, _): return s
        case .tuple: return -1
        }
    }
}

/// Used until the experiments layer supplies its implementation: each statement is reported
/// as unavailable at its span, with no fake behaviour.
final class UnavailableExperiments: ExperimentStatements {
    var trainScopeNames: [String] { defaultTrainScopeNames }
    func unavailable(_ word: String, _ s: Stmt) -> Error {
        ScriptError(.runtime, "`\(word)` is not available in this build", span: s.span)
    }
    func train(_ statement: Stmt, _ context: ExperimentContext) throws { throw unavailable("train", statement) }
    func plot(_ statement: Stmt, _ context: ExperimentContext) throws {
        if case .plot(let kind, _) = statement.kind { throw unavailable(kind.rawValue, statement) }
        throw unavailable("plot", statement)
    }
    func sweep(_ statement: Stmt, _ context: ExperimentContext) throws { throw unavailable("sweep", statement) }
    func save(_ statement: Stmt, _ context: ExperimentContext) throws { throw unavailable("save", statement) }
    func load(_ statement: Stmt, _ context: ExperimentContext) throws { throw unavailable("load", statement) }
}
