import Autodiff
import Foundation
import Tensors

/// Runs exp programs: resolves them (reporting name and argument errors before anything runs),
/// then evaluates the lowered code. One interpreter holds one global scope, so the prelude,
/// imports, the script and successive REPL lines share their definitions.
///
/// An interpreter is used from one thread at a time (the tape, the default dtype and the random
/// generator it uses are that thread's). Run deep scripts on a thread with a large stack:
/// `ScriptRunner` does.
public final class Interpreter {
    /// Settings of a run.
    public struct Options {
        /// Deepest chain of script function calls before "recursion too deep". The stack itself
        /// is measured at every call too (`StackGuard`), so this is a bound on work, not on memory.
        public var maxCallDepth = 10_000
        /// Stop with an error after this many loop iterations and calls (robustness tests).
        public var stepLimit: Int?
        /// End the script at the next statement or loop turn once Ctrl-C, SIGTERM or SIGHUP has
        /// arrived (`exp run`; the REPL keeps its session instead).
        public var endsOnInterrupt = false
        /// `--set name=value` overrides of top-level `let`s and `seed`.
        public var overrides: [String: Value] = [:]

        public init() {}
    }

    public let options: Options
    /// Where `print` writes (stdout unless replaced).
    public var output: (String) -> Void
    /// Told of each top-level statement of `run` just before it runs (`--transcript`).
    public var statementObserver: ((SourceSpan) -> Void)?
    /// The experiments layer (train, plot, sweep, save, load).
    public var experiments: ExperimentStatements
    /// Failed `expect`s so far, as diagnostics (the run continues; the exit code becomes 1).
    public private(set) var expectFailures: [Diagnostic] = []

    /// The builtins this interpreter's scripts see: the core ones and the experiments layer's.
    public let builtins: BuiltinTable
    let resolver: Resolver
    let globals: Frame
    var callDepth = 0
    /// The `for` loops running now, outermost first, for "in the iteration i = 2".
    var runningLoops: [(pattern: CodePattern, frame: Frame)] = []
    /// Measures the stack left at every call, so deep recursion is an error, never a crash.
    var stackGuard = StackGuard()
    var steps = 0
    /// Above 0 while a training that pauses at the end of its step runs (`checkInterrupt`).
    public internal(set) var interruptsDeferred = 0

    /// Runs `body` with interrupt checks on or off (a pause's inputs are interruptible again).
    public func withInterrupts<R>(deferred: Bool, _ body: () throws -> R) rethrows -> R {
        let saved = interruptsDeferred
        interruptsDeferred = deferred ? saved + 1 : 0
        defer { interruptsDeferred = saved }
        return try body()
    }

    public init(options: Options = Options(), experiments: ExperimentStatements? = nil,
                output: @escaping (String) -> Void = { Swift.print($0) }) {
        self.options = options
        let exps = experiments ?? UnavailableExperiments()
        // The experiments layer keeps what the script printed for its report.
        self.output = { line in
            exps.printed(line)
            output(line)
        }
        self.experiments = exps
        builtins = BuiltinTable(registering: exps.builtins)
        resolver = Resolver(trainScopeNames: exps.trainScopeNames, builtins: builtins)
        resolver.plotNameTables = exps.plotNameTables
        resolver.readImport = { path, span in try exps.readAllowedFile(path, span: span) }
        resolver.overrides = options.overrides
        globals = Frame(size: 0, parent: nil)
        exps.attach(self)
    }

    // MARK: - Running

    /// Resolves a parsed program against the current global scope without running it.
    /// Returns the lowered code, or the diagnostics (name, argument, import errors).
    func lower(_ program: Program) -> Result<[Instr], DiagnosticList> {
        resolver.diagnostics = []
        resolver.droppedErrors = 0
        resolver.topLevelNames = Resolver.topLevelDeclarations(program.statements)
        noteTopLevelLets(program)
        let code = resolver.resolveFile(program)
        globals.ensure(resolver.global.size)
        if resolver.diagnostics.isEmpty { return .success(code) }
        var all = resolver.diagnostics
        if resolver.droppedErrors > 0 {
            all.append(Diagnostic(.name, "\(resolver.droppedErrors) more error\(resolver.droppedErrors == 1 ? "" : "s") not shown", at: nil,
                                  hint: "fix the first \(Resolver.errorLimit) and check again"))
        }
        return .failure(DiagnosticList(all))
    }

    /// Checks a program (names, arguments, imports) without running it: `exp check`.
    public func check(_ program: Program) -> [Diagnostic] {
        switch lower(program) {
        case .success: return []
        case .failure(let list): return list.items
        }
    }

    /// Resolves and runs a program. Throws a `Diagnostic` for the first error (check errors
    /// are thrown as a `DiagnosticList` before anything runs).
    public func run(_ program: Program) throws {
        let code: [Instr]
        switch lower(program) {
        case .success(let c): code = c
        case .failure(let list): throw list
        }
        try execute(code, spans: statementObserver == nil ? nil : resolver.resolvedSpans)
    }

    /// Resolves the whole program (so every name and call is checked) but runs only its
    /// top-level statements that start at or after byte `offset` (`IncrementalRun`).
    public func run(_ program: Program, fromOffset offset: Int) throws {
        let code: [Instr]
        switch lower(program) {
        case .success(let c): code = c
        case .failure(let list): throw list
        }
        let spans = resolver.resolvedSpans
        guard spans.count == code.count else { return try execute(code, spans: spans) }
        let start = spans.firstIndex { $0.start.offset >= offset } ?? code.count
        try execute(Array(code[start...]), spans: Array(spans[start...]))
    }

    package func truncateExpectFailures(to count: Int) {
        if expectFailures.count > count { expectFailures.removeSubrange(count...) }
    }

    /// Runs lowered top-level code, turning script errors into diagnostics. With `spans`, the
    /// statement observer hears of each top-level statement before it runs.
    func execute(_ code: [Instr], spans: [SourceSpan]? = nil) throws {
        do {
            for (k, i) in code.enumerated() {
                if let spans, k < spans.count { statementObserver?(spans[k]) }
                try executeInstruction(i, globals)
            }
        } catch let e as ScriptError {
            throw e.diagnostic
        } catch let e as TensorError {
            throw ScriptError(e).diagnostic
        } catch ControlFlow.returnValue {
            return
        } catch is ControlFlow {
            return
        }
    }

    /// Runs one REPL input; returns the value of its last statement when it is an expression.
    public func runREPL(_ program: Program) throws -> Value? {
        let code: [Instr]
        switch lower(program) {
        case .success(let c): code = c
        case .failure(let list): throw list
        }
        guard let last = code.last, case .expression(let e) = last else {
            try execute(code)
            return nil
        }
        try execute(Array(code.dropLast()))
        do {
            return try evaluate(e, globals)
        } catch let err as ScriptError {
            throw err.diagnostic
        }
    }

    // MARK: - Globals

    /// The value of a global name, if defined.
    public func global(_ name: String) -> Value? {
        guard let slot = resolver.global.blocks[0].names[name], slot < globals.slots.count else { return nil }
        return globals.slots[slot]
    }

    /// Defines or replaces a global name (visible to code resolved afterwards).
    public func setGlobal(_ name: String, _ value: Value) {
        let slot = resolver.globalSlot(name)
        globals.ensure(resolver.global.size)
        globals.slots[slot] = value
    }

    func setGlobal(slot: Int, _ value: Value) {
        globals.ensure(slot + 1)
        globals.slots[slot] = value
    }

    /// Every global slot's value, in slot order (`exp watch` keeps them per statement and puts
    /// them back to rerun a script from a changed line). Setting a shorter list clears the
    /// slots past its end.
    public var globalSlots: [Value] {
        get { globals.slots }
        set {
            globals.ensure(newValue.count)
            for i in 0..<globals.slots.count { globals.slots[i] = i < newValue.count ? newValue[i] : .none }
        }
    }

    /// Names defined at top level so far (for `--set` errors, completion).
    public var globalNames: [String] { resolver.global.blocks[0].names.keys.sorted() }

    /// Top-level names of the last program resolved.
    public var topLevelNames: [String] { resolver.topLevelNames }

    /// The script's top-level `let` names (not the prelude's), in the order first declared,
    /// over every program run so far (a REPL session's lines add to them): settings.json.
    public private(set) var topLevelLets: [String] = []

    private func noteTopLevelLets(_ program: Program) {
        for s in program.statements {
            guard case .letBinding(let p, _) = s.kind, !ScriptError.isPrelude(s.span) else { continue }
            for n in p.names.map(\.name) where !topLevelLets.contains(n) { topLevelLets.append(n) }
        }
    }

    /// `--set` names the last program did not define.
    public var unusedOverrides: [String] { options.overrides.keys.filter { !resolver.usedOverrides.contains($0) }.sorted() }

    // MARK: - Output

    /// Writes one line of script output.
    public func print(_ line: String) { output(line) }

    package func recordExpectFailure(_ d: Diagnostic) {
        expectFailures.append(d)
    }

    /// Forgets the failures from index `n` on (a sweep combination run here: the sweep's
    /// collect step records them again from its result).
    package func dropExpectFailures(from n: Int) { if n < expectFailures.count { expectFailures.removeSubrange(n...) } }

    /// Counts a step against the optional budget.
    @inline(__always)
    func tick(_ span: SourceSpan?) throws {
        try checkInterrupt(span)
        if MemoryBudget.exceeded { throw Self.overMemory(span) }
        guard let limit = options.stepLimit else { return }
        steps += 1
        if steps > limit { throw ScriptError(.limit, "step budget of \(limit) exceeded", span: span) }
    }

    /// Ends the script here when a signal asked it to (one relaxed atomic load otherwise).
    /// Inside a training that pauses on Ctrl-C (the REPL's) the check waits for the end of the
    /// step instead, so the training is left whole to resume.
    @inline(__always)
    package func checkInterrupt(_ span: SourceSpan?) throws {
        if options.endsOnInterrupt, let s = Interrupt.signal, interruptsDeferred == 0 { throw ScriptEnded(ExitCode(signal: s), at: span) }
    }
}

/// Several diagnostics reported together (all name errors of a file, say).
public struct DiagnosticList: Error, CustomStringConvertible {
    public let items: [Diagnostic]
    public init(_ items: [Diagnostic]) { self.items = items }
    public var description: String { items.map(\.description).joined(separator: "\n") }
}

extension ScriptError {
    /// True for a span in one of the prelude's files (`ScriptRunner` names them `prelude/...`).
    static func isPrelude(_ span: SourceSpan) -> Bool { span.file.name.hasPrefix("prelude/") }

    /// The user-facing diagnostic.
    public var diagnostic: Diagnostic {
        let k: DiagnosticKind
        switch kind {
        case .name: k = .name
        case .argument: k = .argument
        case .type: k = .type
        case .shape: k = .shape
        case .index: k = .index
        case .value, .runtime: k = .runtime
        case .io: k = .io
        case .limit: k = .limit
        case .syntax: k = .syntax
        }
        var primary = span
        var chain = callChain[...]
        // An error raised inside the prelude (a bad option to `Transformer`) is the caller's
        // mistake: point at the script's own call, and keep where the prelude raised it as a note.
        if let s = span, Self.isPrelude(s), let user = callChain.firstIndex(where: { !Self.isPrelude($0.site) }) {
            primary = callChain[user].site
            chain = callChain[(user + 1)...]
        }
        var d = Diagnostic(k, message, at: primary, hint: hint)
        if primary?.file !== span?.file || primary?.start != span?.start, let s = span {
            d.notes.append(DiagnosticNote("raised in the prelude here", span: s))
        }
        // Deep recursion would list a thousand identical frames: show the innermost ones.
        let shown = chain.prefix(8)
        for call in shown { d.notes.append(DiagnosticNote("in `\(call.function)`, called here", span: call.site)) }
        if chain.count > shown.count { d.notes.append(DiagnosticNote("... and \(chain.count - shown.count) more calls")) }
        if let context { d.notes.append(DiagnosticNote(context)) }
        return d
    }
}

extension Interpreter {
    /// Live tensors passed the memory limit through outputs that are counted but not checked
    /// (same-size elementwise results): the script stops at the next loop turn or call.
    static func overMemory(_ span: SourceSpan?) -> ScriptError {
        ScriptError(.limit, "live tensors hold \(MemoryBudget.show(MemoryBudget.liveBytes)), over the memory limit of \(MemoryBudget.show(MemoryBudget.limit))",
                    hint: "keep fewer tensors alive (a list that grows every step holds them all), or raise the limit with --max-memory", span: span)
    }
}
