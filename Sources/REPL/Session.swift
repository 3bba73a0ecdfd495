import Autodiff
import Foundation
import Lab
import Language
import Tensors

/// One interactive session, without any terminal: runs inputs against a long-lived interpreter,
/// prints values, handles `:commands`, and keeps the transcript for `:save`. The line editor
/// (or a test) feeds it complete inputs from an `InputCollector`.
///
/// A session must be used from one thread: the interpreter's tape, default dtype and random
/// generator are per thread.
public final class Session {
    /// Settings fixed for the session's life.
    public struct Options {
        /// `--out DIR`: the run directory for metrics and figures.
        public var outDirectory: String?
        /// Less progress output from training.
        public var quiet = false
        /// ANSI colour in diagnostics.
        public var color = false
        /// Run the bundled prelude at start and after `:reset`.
        public var loadPrelude = true
        /// Folders beyond the run directory and the working directory that inputs may read or
        /// write (`--allow-read`, `--allow-write`).
        public var fileAccess = FileAccess()

        public init(outDirectory: String? = nil, quiet: Bool = false, color: Bool = false) {
            self.outDirectory = outDirectory
            self.quiet = quiet
            self.color = color
        }
    }

    /// What the caller should do after an input.
    public enum Outcome: Equatable {
        case ok
        /// The input failed (an error was printed).
        case failed
        /// `:quit`.
        case quit
    }

    public let options: Options
    /// Where values, `print` output and terminal charts go.
    public var output: (String) -> Void
    /// Where diagnostics go.
    public var errorOutput: (String) -> Void
    /// `:time`: print how long each input took.
    public var timing = false

    public private(set) var interpreter: Interpreter
    public private(set) var runtime: ExperimentRuntime
    public private(set) var transcript = Transcript()
    /// Global names that hold values from successful inputs (and the prelude).
    public private(set) var definedNames: Set<String> = []
    /// Names a failed input declared: the interpreter's scope still has them (it cannot forget
    /// a name), so the session checks inputs that mention them and reports them as unknown.
    public private(set) var ghostNames: Set<String> = []
    /// Names the prelude defined (left out of `:vars`).
    public private(set) var preludeNames: Set<String> = []

    public init(options: Options = Options(),
                output: @escaping (String) -> Void = { Session.writeStandardOutput($0) },
                errorOutput: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.options = options
        self.output = output
        self.errorOutput = errorOutput
        // Placeholders replaced at once by `start()`; both need `self` for their output.
        runtime = ExperimentRuntime()
        interpreter = Interpreter()
        start()
    }

    /// A fresh interpreter in the state `exp run` starts from (seed 0, f32, empty tape), with
    /// the prelude loaded.
    private func start() {
        RandomGenerator.seed(0)
        DefaultDType.float = .float32
        Tape.current = Tape()
        var config = ExperimentRuntime.Config(scriptPath: nil, scriptText: nil, outDirectory: options.outDirectory)
        config.plots = .terminal
        config.quiet = options.quiet
        config.fileAccess = options.fileAccess
        config.terminalOutput = { [unowned self] in self.output($0) }
        runtime = ExperimentRuntime(config)
        interpreter = Interpreter(options: Interpreter.Options(),
                                  experiments: runtime, output: { [unowned self] in self.output($0 + "\n") })
        transcript.clear()
        ghostNames = []
        if options.loadPrelude {
            for source in ScriptRunner.preludeSources() {
                let parsed = Parser.parse(source)
                if parsed.hasErrors { report(parsed.diagnostics) } else { _ = execute(parsed.program) }
            }
        }
        definedNames = Set(interpreter.globalNames)
        preludeNames = definedNames
    }

    /// Writes the run's summary and report (when it has a run directory). Call on exit.
    public func finish() {
        runtime.finish(exitCode: 0)
    }

    // MARK: - Inputs

    /// Handles one complete input: a `:command` or code.
    @discardableResult
    public func handle(_ input: String) -> Outcome {
        let trimmed = input.drop(while: \.isWhitespace)
        if trimmed.hasPrefix(":") { return command(String(trimmed)) }
        return run(input)
    }

    /// Runs code typed at the prompt: statements as in a script, the value of a final bare
    /// expression printed unless the input ends with `;`.
    public func run(_ text: String) -> Outcome {
        let file = SourceFile(name: "<repl>", text: text)
        let parsed = Parser.parseREPLInput(file)
        if parsed.result.hasErrors {
            report(parsed.result.diagnostics)
            return .failed
        }
        let program = parsed.result.program
        if program.statements.isEmpty { return .ok }
        let started = DispatchTime.now()
        guard let value = execute(program) else { return .failed }
        var echoed: Range<Int>? = nil
        if parsed.shouldPrintValue, let last = program.statements.last {
            if case .none = value {} else {
                output(Format.repr(value) + "\n")
                echoed = last.span.start.offset..<last.span.end.offset
            }
        }
        showTime(since: started)
        transcript.record(text, echoed: echoed,
                          note: Interrupt.requested ? "interrupted with Ctrl-C in the session; this runs the full training" : nil)
        return .ok
    }

    /// Runs a file in the session (`:load`): its definitions stay, nothing is echoed.
    public func load(path: String) -> Outcome {
        let expanded = PathCompletion.expandTilde(path)
        guard let data = FileManager.default.contents(atPath: expanded) else {
            report([Diagnostic(.io, "cannot read \(path): no such file", at: nil)])
            return .failed
        }
        let file = SourceFile(name: path, bytes: Array(data))
        let parsed = Parser.parse(file)
        if parsed.hasErrors { report(parsed.diagnostics); return .failed }
        let started = DispatchTime.now()
        guard execute(parsed.program) != nil else { return .failed }
        showTime(since: started)
        transcript.recordLoad(path: path, text: file.text)
        return .ok
    }

    /// Runs a parsed program; on failure prints the error and puts the globals back as they
    /// were, so no half-made definition stays behind. Returns the last statement's value
    /// (`.none` when it has none), or nil on failure.
    private func execute(_ program: Program) -> Value? {
        if let errors = checkGhosts(program) {
            report(errors)
            return nil
        }
        let before = Set(interpreter.globalNames)
        let saved = definedNames.map { ($0, interpreter.global($0) ?? .none) }
        let dtype = DefaultDType.float
        do {
            let value = try interpreter.runREPL(program)
            let after = Set(interpreter.globalNames)
            let declared = Set(Self.topLevelDeclarations(program.statements))
            definedNames.formUnion(after.subtracting(before).subtracting(ghostNames))
            definedNames.formUnion(declared.intersection(after))
            ghostNames.subtract(definedNames)
            return value ?? Value.none
        } catch {
            let after = Set(interpreter.globalNames)
            ghostNames.formUnion(after.subtracting(definedNames))
            for name in ghostNames { interpreter.setGlobal(name, .none) }
            for (name, value) in saved { interpreter.setGlobal(name, value) }
            DefaultDType.float = dtype
            report(error)
            return nil
        }
    }

    /// An input that mentions a name only a failed input declared is checked against the
    /// scope of successful definitions, so the name is reported as unknown (with its
    /// did-you-mean) instead of reading as `none`.
    private func checkGhosts(_ program: Program) -> [Diagnostic]? {
        guard !ghostNames.isEmpty else { return nil }
        let mentions = Lexer.tokenize(program.file).tokens.contains { t in
            if case .identifier(let n) = t.kind { return ghostNames.contains(n) }
            return false
        }
        guard mentions else { return nil }
        let shadow = Interpreter(options: Interpreter.Options(), experiments: runtime, output: { _ in })
        for name in definedNames { shadow.setGlobal(name, .none) }
        let errors = shadow.check(program)
        return errors.isEmpty ? nil : errors
    }

    /// Names a program defines at top level (as the resolver counts them).
    static func topLevelDeclarations(_ statements: [Stmt]) -> [String] {
        var names: [String] = []
        func logs(_ items: [TrainItem]) {
            for item in items {
                switch item {
                case .log(let n, _, _): names.append(n.name)
                case .every(_, let inner, _): logs(inner)
                default: break
                }
            }
        }
        for s in statements {
            switch s.kind {
            case .letBinding(let p, _): names += p.names.map(\.name)
            case .function(let d): if let n = d.name { names.append(n.name) }
            case .taskValue(let n, _), .taskBlock(let n, _), .model(let n, _, _), .optimizer(let n, _): names.append(n.name)
            case .train(_, _, _, let items): logs(items)
            default: break
            }
        }
        return names
    }

    /// Starts over: a fresh interpreter, seed 0, no definitions, empty transcript.
    public func reset() {
        finish()
        start()
    }

    // MARK: - Output

    func report(_ error: Error) {
        switch error {
        case let list as DiagnosticList: report(list.items)
        case let d as Diagnostic: report([d])
        default: report([Diagnostic(.runtime, "\(error)", at: nil)])
        }
    }

    func report(_ diagnostics: [Diagnostic]) {
        let renderer = DiagnosticRenderer(color: options.color)
        for d in diagnostics where d.severity == .error { errorOutput(renderer.render(d)) }
    }

    private func showTime(since start: DispatchTime) {
        guard timing else { return }
        let ns = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds)
        output("time: " + Self.duration(ns / 1e9) + "\n")
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 1e-3 { return String(format: "%.1f µs", seconds * 1e6) }
        if seconds < 1 { return String(format: "%.2f ms", seconds * 1e3) }
        return String(format: "%.3f s", seconds)
    }

    /// Unbuffered standard output, so values and progress lines on stderr stay in order.
    public static func writeStandardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
