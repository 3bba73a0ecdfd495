import Language
import Autodiff
import Lab
import Foundation
import Tensors

/// Runs and checks script files the way the CLI, the REPL and the tests do: prelude first,
/// `--set` overrides, diagnostics rendered to the error stream, and an exit code.
public struct ScriptRunner {
    public var options: Interpreter.Options
    /// Where `print` output goes.
    public var output: (String) -> Void
    /// Where rendered diagnostics go.
    public var errorOutput: (String) -> Void
    /// Render diagnostics with ANSI colour.
    public var color = false
    /// The experiments layer, made fresh for each run (nil: statements are unavailable).
    public var makeExperiments: (() -> ExperimentStatements)?
    /// Load the bundled prelude before the script.
    public var loadPrelude = true
    /// Write `transcript.md` in the run directory (`exp run --transcript`).
    public var transcript = false

    public init(options: Interpreter.Options = Interpreter.Options(),
                output: @escaping (String) -> Void = { Swift.print($0) },
                errorOutput: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.options = options
        self.output = output
        self.errorOutput = errorOutput
    }

    /// Parses `name=value` from `--set`: the value as an exp literal (number, bool, string,
    /// list), or as a plain string when it is not one.
    public static func parseOverride(_ text: String) throws -> (String, Value) {
        guard let eq = text.firstIndex(of: "=") else {
            throw DiagnosticList([Diagnostic(.argument, "--set expects name=value, got \"\(text)\"", at: nil)])
        }
        let name = String(text[..<eq]).trimmingWhitespace
        let raw = String(text[text.index(after: eq)...])
        guard !name.isEmpty else {
            throw DiagnosticList([Diagnostic(.argument, "--set expects name=value, got \"\(text)\"", at: nil)])
        }
        let file = SourceFile(name: "--set", text: raw)
        let parsed = Parser.parse(file)
        if !parsed.hasErrors, parsed.program.statements.count == 1, case .expression = parsed.program.statements[0].kind {
            let interp = Interpreter(output: { _ in })
            // Not a literal (it fails to evaluate, or computes something): the text is taken as
            // a string, and `OverrideCheck` refuses it where the script's value is not one.
            if let v = try? interp.runREPL(parsed.program), isLiteral(v) { return (name, v) }
        }
        return (name, .string(raw))
    }

    static func isLiteral(_ v: Value) -> Bool {
        switch v {
        case .int, .float, .bool, .string, .none: return true
        case .list(let xs): return xs.allSatisfy(isLiteral)
        default: return false
        }
    }

    // MARK: - Files

    /// `exp run FILE`.
    public func run(path: String) -> ExitCode {
        guard let source = Self.read(path, errorOutput) else { return .missingInput }
        return run(source)
    }

    /// `exp check FILE`: parse and resolve without running.
    public func check(path: String) -> ExitCode {
        guard let source = Self.read(path, errorOutput) else { return .missingInput }
        return check(source)
    }

    static func read(_ path: String, _ err: (String) -> Void) -> SourceFile? {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
              let data = FileManager.default.contents(atPath: path) else {
            err(DiagnosticRenderer().render(Diagnostic(.io, "cannot read \(path): no such file", at: nil)))
            return nil
        }
        return SourceFile(name: path, bytes: Array(data))
    }

    public func check(_ source: SourceFile) -> ExitCode {
        onLargeStack {
            let parsed = Parser.parse(source)
            if parsed.hasErrors { report(parsed.diagnostics); return .scriptError }
            let interp = makeInterpreter()
            if let code = prelude(interp) { return code }
            let ds = interp.check(parsed.program)
            if !ds.isEmpty { report(ds); return .scriptError }
            if let code = checkOverrides(interp, parsed.program) { return code }
            return .ok
        }
    }

    /// Parses, resolves and runs a script; returns the exit code.
    public func run(_ source: SourceFile) -> ExitCode {
        onLargeStack {
            let parsed = Parser.parse(source)
            if parsed.hasErrors { report(parsed.diagnostics); return .scriptError }
            let interp = makeInterpreter()
            var runner = self
            var transcript: RunTranscript? = nil
            if self.transcript, let runtime = interp.experiments as? ExperimentRuntime {
                let t = RunTranscript(source: source, runtime: runtime)
                transcript = t
                let print = interp.output
                interp.output = { t.printed($0 + "\n"); print($0) }
                let errors = errorOutput
                runner.errorOutput = { t.failed($0); errors($0) }
            }
            // The prelude runs before the observer is set: the transcript shows the script only.
            let code = runner.execute(parsed.program, interp, observe: transcript.map { t in { t.begin($0) } })
            if let transcript {
                do { try transcript.write(exitCode: code) } catch {
                    errorOutput("warning: could not write transcript.md: \((error as? ScriptError)?.message ?? FileIO.reason(error))\n")
                }
            }
            // The experiments layer writes its summary and report whatever the outcome.
            interp.experiments.finish(exitCode: code.rawValue)
            return code
        }
    }

    private func execute(_ program: Program, _ interp: Interpreter, observe: ((SourceSpan) -> Void)? = nil) -> ExitCode {
        if let code = prelude(interp) { return code }
        if let code = checkOverrides(interp, program) { return code }
        if let s = options.overrides["seed"], let n = Convert.int(s), n >= 0 { RandomGenerator.seed(UInt64(n)) }
        interp.statementObserver = observe
        defer { interp.statementObserver = nil }
        do {
            try interp.run(program)
        } catch let ended as ScriptEnded {
            if ended.code != .ok { reportStop(ended) }
            return ended.code
        } catch let list as DiagnosticList {
            report(list.items)
            return .scriptError
        } catch let d as Diagnostic {
            report([d])
            return .runtimeError
        } catch {
            report([Diagnostic(.runtime, "\(error)", at: nil)])
            return .runtimeError
        }
        // A signal during the last statement (a training it stopped) ends the run all the same.
        if options.endsOnInterrupt, let s = Interrupt.signal {
            reportStop(ScriptEnded(ExitCode(signal: s)))
            return ExitCode(signal: s)
        }
        if !interp.expectFailures.isEmpty {
            let n = interp.expectFailures.count
            if !interp.experiments.printsVerdict { errorOutput("\(n) expect\(n == 1 ? "" : "s") failed\n") }
            return .expectFailed
        }
        return .ok
    }

    func makeInterpreter() -> Interpreter {
        // Every run starts from the same state: seed 0, f32, fresh tape.
        RandomGenerator.seed(0)
        DefaultDType.float = .float32
        Tape.current = Tape()
        return Interpreter(options: options, experiments: makeExperiments?(), output: output)
    }

    /// Unknown `--set` names are a usage error listing the script's top-level names.
    func checkOverrides(_ interp: Interpreter, _ program: Program) -> ExitCode? {
        let names = Set(Resolver.topLevelDeclarations(program.statements))
        let unknown = options.overrides.keys.filter { $0 != "seed" && !names.contains($0) }.sorted()
        if let s = options.overrides["seed"], Convert.int(s).map({ $0 < 0 }) ?? true {
            report([Diagnostic(.argument, "--set seed=\(Format.short(s)): the seed is a whole number ≥ 0", at: nil)])
            return .usage
        }
        guard let first = unknown.first else {
            if let message = OverrideCheck.mismatch(options.overrides, in: program.statements) {
                report([Diagnostic(.argument, message, at: nil, hint: "text is written in quotes: --set 'name=\"text\"'; numbers, true/false and [lists] as in the script")])
                return .usage
            }
            return nil
        }
        let listed = names.sorted().joined(separator: ", ")
        let hint = DidYouMean.hint(for: first, in: Array(names) + ["seed"])
            ?? (listed.isEmpty ? "the script defines no top-level names" : "top-level names: \(listed), seed")
        report([Diagnostic(.argument, "--set \(first): the script does not define `\(first)`", at: nil, hint: hint)])
        return .usage
    }

    /// Runs the bundled prelude when it has any code.
    func prelude(_ interp: Interpreter) -> ExitCode? {
        guard loadPrelude else { return nil }
        for source in Prelude.sources() {
            let parsed = Parser.parse(source)
            if parsed.hasErrors { report(parsed.diagnostics); return .scriptError }
            do {
                try interp.run(parsed.program)
            } catch let list as DiagnosticList {
                report(list.items); return .scriptError
            } catch let d as Diagnostic {
                report([d]); return .runtimeError
            } catch let ended as ScriptEnded {
                // Ctrl-C (or SIGTERM) while the prelude loads ends the run like anywhere else.
                reportStop(ended); return ended.code
            } catch {
                report([Diagnostic(.runtime, "prelude: \(error)", at: nil)]); return .runtimeError
            }
        }
        return nil
    }

    /// Says which signal ended the run and where.
    public func reportStop(_ ended: ScriptEnded) {
        let what = ended.code.signalName ?? "a signal"
        let place = ended.place.map { "\($0.file.name):\($0.line):\($0.column): " } ?? ""
        errorOutput("\(place)stopped by \(what); what was logged so far is kept, and the run's summary and report say it was interrupted\n")
    }

    func report(_ ds: [Diagnostic]) {
        let renderer = DiagnosticRenderer(color: color)
        for d in ds where d.severity == .error { errorOutput(renderer.render(d)) }
    }

    /// Runs `body` on a thread with a 512 MB stack, so deep recursion in scripts hits the
    /// interpreter's depth limit long before the real stack ends.
    func onLargeStack(_ body: @escaping () -> ExitCode) -> ExitCode {
        ScriptRunner.onLargeStack(body)
    }

    public static func onLargeStack<T>(_ body: @escaping () -> T) -> T {
        let box = ResultBox<T>()
        let work = UncheckedBlock { box.value = body(); box.done.signal() }
        let thread = Thread { work.run() }
        thread.stackSize = 512 << 20
        thread.start()
        box.done.wait()
        // The body always runs to completion and sets the value before signalling.
        guard let v = box.value else { return body() }
        return v
    }
}

/// Carries a result from the large-stack thread back to the caller.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
    let done = DispatchSemaphore(value: 0)
}

/// A closure handed to another thread that the caller waits for (so no data race is possible).
private struct UncheckedBlock: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
