import Language
import Autodiff
import Foundation
import Tensors

/// Runs successive versions of one script (`exp watch`), each from the first top-level
/// statement whose text changed: the statements above it are not run again, their results are
/// taken from a checkpoint of the previous run made just before that statement.
///
/// Why a prefix and not a dependency graph: a statement's results depend on everything above it
/// through the random generator (any draw moves the stream for all later ones) and through
/// objects changed in place (a training updates its model), so the only statements that can be
/// skipped without ever changing a number are the unchanged ones above the first change. That
/// covers the common edit, a plot option or a print below the training, which redraws without
/// training again. A checkpoint holds the global values, the objects they reach (models, tasks,
/// optimizers, closures' frames: `StateSnapshot`), the generator, the dtype and the failed
/// expects so far; restoring it gives the state a fresh run has at that statement, bit for bit.
///
/// Everything runs from the top again when an imported or read file changed (the caller says
/// so), when `--set` changed, or when the previous run is unknown. Each run has a fresh
/// experiments layer (its own run directory); the metrics of a training that was not run again
/// are in the run directory of the run that trained it, and in scope as series as always.
public final class IncrementalRun {
    private struct Checkpoint {
        let globals: [Value]
        let state: StateSnapshot
        let expectFailures: Int
    }

    /// Runs the prelude, the overrides and the diagnostics as `exp run` does.
    public var runner: ScriptRunner
    private var interpreter: Interpreter?
    /// The previous run's top-level statements, as text.
    private var previous: [String] = []
    /// `checkpoints[k]`: the state just before statement k of the previous run (as many as
    /// statements it reached).
    private var checkpoints: [Checkpoint] = []
    /// What each statement of the previous run printed (`print` lines and terminal charts), to
    /// show again when it is reused: the screen shows the whole script's output every run.
    private var printed: [[Printed]] = []
    private enum Printed { case line(String), raw(String) }
    /// Reports a run that a signal ended; nil reports it as `exp run` does. (`exp watch` says
    /// when it was a save that interrupted the run.)
    public var reportStop: ((ScriptEnded) -> Void)?
    /// Where terminal charts go: the experiments layer's `terminalOutput` should call `charted`.
    public var rawOutput: (String) -> Void = { Swift.print($0, terminator: "") }
    private var lineOutput: (String) -> Void

    public init(runner: ScriptRunner) {
        self.runner = runner
        lineOutput = runner.output
        self.runner.output = { [unowned self] line in
            self.keep(.line(line))
            self.lineOutput(line)
        }
    }

    /// A terminal chart drawn by the current statement (shown now and kept for reuse).
    public func charted(_ text: String) {
        keep(.raw(text))
        rawOutput(text)
    }

    private func keep(_ p: Printed) {
        if printed.isEmpty { printed.append([]) }
        printed[printed.count - 1].append(p)
    }

    /// What one run did.
    public struct Outcome {
        public var code: ExitCode
        /// How many leading statements were taken from the previous run instead of run.
        public var reused: Int
        /// The line the run started at (nil: from the top).
        public var startLine: Int?
    }

    /// Forgets the previous run: the next one starts from the top in a fresh interpreter.
    public func invalidate() {
        interpreter = nil
        previous = []
        checkpoints = []
        printed = []
    }

    /// Runs `source`, reusing the previous run's unchanged leading statements. Call from one
    /// thread (with a large stack: `ScriptRunner.onLargeStack`).
    public func run(_ source: SourceFile) -> Outcome {
        let parsed = Parser.parse(source)
        if parsed.hasErrors {
            runner.report(parsed.diagnostics)
            return Outcome(code: .scriptError, reused: 0)
        }
        let statements = parsed.program.statements
        let texts = statements.map { $0.span.text }
        var first = 0
        while first < texts.count, first < previous.count, texts[first] == previous[first] { first += 1 }
        // The checkpoint before `first` must exist (the previous run reached that statement).
        first = min(first, checkpoints.count - 1)
        let interp: Interpreter
        if let existing = interpreter, first > 0 {
            interp = existing
            let c = checkpoints[first]
            interp.globalSlots = c.globals
            c.state.restore()
            interp.truncateExpectFailures(to: c.expectFailures)
            Tape.current = Tape()
            if let make = runner.makeExperiments { interp.experiments = make() }
            checkpoints.removeSubrange(first...)
            // The reused statements' output, as they printed it.
            for p in printed.prefix(first).joined() {
                switch p {
                case .line(let l): lineOutput(l)
                case .raw(let r): rawOutput(r)
                }
            }
            printed.removeSubrange(min(first, printed.count)...)
        } else {
            first = 0
            interp = runner.makeInterpreter()
            checkpoints = []
            printed = []
            if let code = runner.prelude(interp) { return finish(interp, code, texts: [], reused: 0) }
            if let code = runner.checkOverrides(interp, parsed.program) { return finish(interp, code, texts: [], reused: 0) }
            if let s = runner.options.overrides["seed"], let n = Convert.int(s), n >= 0 { RandomGenerator.seed(UInt64(n)) }
        }
        interpreter = interp
        let startOffset = first < statements.count ? statements[first].span.start.offset : Int.max
        interp.statementObserver = { [unowned self, unowned interp] span in
            guard span.start.offset >= startOffset else { return }
            self.checkpoints.append(Checkpoint(globals: interp.globalSlots,
                                               state: StateSnapshot(globals: interp.globalSlots),
                                               expectFailures: interp.expectFailures.count))
            // Output from here on belongs to this statement.
            while self.printed.count < self.checkpoints.count { self.printed.append([]) }
        }
        defer { interp.statementObserver = nil }
        var code = ExitCode.ok
        do {
            try interp.run(parsed.program, fromOffset: startOffset)
        } catch let ended as ScriptEnded {
            if ended.code != .ok { (reportStop ?? runner.reportStop)(ended) }
            code = ended.code
        } catch let list as DiagnosticList {
            runner.report(list.items)
            code = .scriptError
        } catch let d as Diagnostic {
            runner.report([d])
            code = .runtimeError
        } catch {
            runner.report([Diagnostic(.runtime, "\(error)", at: nil)])
            code = .runtimeError
        }
        if code == .ok, runner.options.endsOnInterrupt, let s = Interrupt.signal {
            (reportStop ?? runner.reportStop)(ScriptEnded(ExitCode(signal: s)))
            code = ExitCode(signal: s)
        }
        if code == .ok, !interp.expectFailures.isEmpty {
            let n = interp.expectFailures.count
            runner.errorOutput("\(n) expect\(n == 1 ? "" : "s") failed\n")
            code = .expectFailed
        }
        if code == .scriptError {
            // Nothing ran: the resolver may have half-declared names; start clean next time.
            invalidate()
            interp.experiments.finish(exitCode: code.rawValue)
            return Outcome(code: code, reused: 0)
        }
        let line = first > 0 && first < statements.count ? statements[first].span.start.line : nil
        return finish(interp, code, texts: texts, reused: first, startLine: line)
    }

    private func finish(_ interp: Interpreter, _ code: ExitCode, texts: [String], reused: Int, startLine: Int? = nil) -> Outcome {
        previous = texts
        interp.experiments.finish(exitCode: code.rawValue)
        return Outcome(code: code, reused: reused, startLine: startLine)
    }
}
