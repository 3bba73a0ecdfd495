import Experiments
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
        /// `:resume` at a paused training's prompt.
        case resume
        /// `:stop` at a paused training's prompt.
        case stop
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
    /// Runs the prompt of a training that Ctrl-C paused and returns what the user chose
    /// (`:resume` or `:stop`); the REPL sets it. Nil (piped input): a pause stops the training.
    public var pauseLoop: ((TrainingPause) -> TrainingPause.Decision)?
    /// The trainings paused now, outermost first (a pause's input may train and pause again).
    public private(set) var pausedTrainings: [TrainingPause] = []
    /// Inputs typed while a training was paused: recorded (as comments) after the training's
    /// own input, with the pause they were typed at.
    private var pauseEntries: [(text: String, pause: TrainingPause)] = []
    /// Set when the running input's training ended with `:stop` (its `:save` note says so).
    private var stoppedTraining: TrainingPause?

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
        config.pauseTraining = { [unowned self] in self.pause($0) }
        runtime = ExperimentRuntime(config)
        var interpreterOptions = Interpreter.Options()
        // Ctrl-C ends the input at its next loop turn, call or op; the session rolls it back.
        interpreterOptions.endsOnInterrupt = true
        interpreter = Interpreter(options: interpreterOptions,
                                  experiments: runtime, output: { [unowned self] in self.output($0 + "\n") })
        transcript.clear()
        ghostNames = []
        if options.loadPrelude {
            for source in Prelude.sources() {
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
        let outerEntries = pauseEntries
        pauseEntries = []
        stoppedTraining = nil
        defer { if !pausedTrainings.isEmpty { pauseEntries = outerEntries + pauseEntries } }
        guard let value = execute(program) else { return .failed }
        var echoed: Range<Int>? = nil
        if parsed.shouldPrintValue, let last = program.statements.last {
            if case .none = value {} else {
                output(Format.repr(value) + "\n")
                echoed = last.span.start.offset..<last.span.end.offset
            }
        }
        showTime(since: started)
        if !pausedTrainings.isEmpty {
            // Typed at a pause: it goes into the script after the training it paused.
            pauseEntries.append((text, pausedTrainings[pausedTrainings.count - 1]))
            return .ok
        }
        var note: String? = nil
        if let stop = stoppedTraining {
            note = "`train \(stop.model)` was stopped with :stop at step \(stop.stepsDone) of \(stop.steps) in the session; this runs the full training"
        } else if Interrupt.requested {
            note = "interrupted with Ctrl-C in the session; this runs the full training"
        }
        transcript.record(text, echoed: echoed, note: note)
        // A pause's inputs saw the training half done (and `step`, and the generator at that
        // step): run after the whole training they would mean something else, so the script
        // keeps them as comments and runs the training as an uninterrupted run would.
        var lastPause: (String, Int)? = nil
        for entry in pauseEntries {
            let place = (entry.pause.model, entry.pause.stepsDone)
            let note = lastPause.map { $0.0 == place.0 && $0.1 == place.1 } == true ? nil
                : "typed while `train \(place.0)` was paused after step \(place.1) (kept as comments: the script trains without pausing)"
            lastPause = place
            transcript.record(entry.text.split(separator: "\n", omittingEmptySubsequences: false).map { "# " + $0 }.joined(separator: "\n"), note: note)
        }
        pauseEntries = []
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
        let snapshot = StateSnapshot(globals: saved.map(\.1))
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
            snapshot.restore()
            if let ended = error as? ScriptEnded {
                reportInterrupt(ended)
            } else {
                report(error)
            }
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

    // MARK: - Interrupts and pauses

    /// Ctrl-C ended an input: say where, and that nothing it did stayed.
    private func reportInterrupt(_ ended: ScriptEnded) {
        var line = "interrupted"
        if let place = ended.place { line += " at \(place.file.name):\(place.start.line):\(place.start.column)" }
        errorOutput(line + "; every name is as it was before this input\n")
    }

    /// A training paused at the end of a step: binds `step`, runs the pause's prompt, and puts
    /// back what the training's next step reads (the generator, the tape, the default dtype),
    /// so resuming gives the numbers of a run that never paused.
    func pause(_ state: TrainingPause) -> TrainingPause.Decision {
        guard let pauseLoop else { return .stop }
        do { try state.flushMetrics() } catch {
            errorOutput("cannot write the metrics so far: \(FileIO.reason(error))\n")
        }
        let generator = RandomGenerator.current.copy()
        let tape = Tape.current
        let dtype = DefaultDType.float
        Tape.current = Tape()
        let stepWasDefined = definedNames.contains("step")
        let userStep = interpreter.global("step")
        if !stepWasDefined {
            interpreter.setGlobal("step", .int(state.stepsDone))
            definedNames.insert("step")
            ghostNames.remove("step")
        }
        pausedTrainings.append(state)
        var banner = "\npaused `train \(state.model)` after step \(state.stepsDone) of \(state.steps)"
        if let loss = state.loss { banner += " (loss \(Format.float(loss)))" }
        banner += ": look, plot or change anything; :resume continues, :stop ends the training here\n"
        errorOutput(banner)
        let decision = interpreter.withInterrupts(deferred: false) { pauseLoop(state) }
        pausedTrainings.removeLast()
        if !stepWasDefined {
            // `step` belongs to the pause: afterwards it reads as unknown again.
            interpreter.setGlobal("step", userStep ?? .none)
            definedNames.remove("step")
            ghostNames.insert("step")
        }
        RandomGenerator.current = generator
        Tape.current = tape
        DefaultDType.float = dtype
        Interrupt.clear()
        if decision == .stop { stoppedTraining = state }
        errorOutput(decision == .resume ? "resuming `train \(state.model)` at step \(state.stepsDone)\n"
                                        : "stopping `train \(state.model)` at step \(state.stepsDone) of \(state.steps)\n")
        return decision
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
