import Experiments
import Foundation
import Language
#if canImport(Glibc)
import Glibc
#endif

// MARK: - The loop

/// `exp` / `exp repl`: the interactive session. In a terminal it reads through libedit
/// (`LineEditor`); with piped input it reads plain lines and prints no prompts, so a session
/// can be scripted. The work is done by `InputCollector` (is the input complete?), `Session`
/// (run it) and `Completer` (Tab); this loop only moves lines between them.
public enum REPL {
    public struct Configuration {
        /// `--out DIR` for metrics and figures.
        public var outDirectory: String?
        public var quiet = false
        /// The history file; nil uses `EXP_HISTORY`, else `~/.exp_history`.
        public var historyPath: String?
        /// `--allow-read` / `--allow-write` folders.
        public var fileAccess = FileAccess()

        public init(outDirectory: String? = nil, quiet: Bool = false) {
            self.outDirectory = outDirectory
            self.quiet = quiet
        }
    }

    /// Runs the REPL until `:quit` or the end of input; returns the exit status (piped input:
    /// 1 when any input failed).
    public static func run(_ configuration: Configuration = Configuration()) -> Int32 {
        setlocale(LC_CTYPE, "")
        return ScriptRunner.onLargeStack { loop(configuration) }
    }

    /// `EXP_HISTORY` (empty: no history), else `~/.exp_history`.
    public static func defaultHistoryPath() -> String? {
        let env = ProcessInfo.processInfo.environment
        if let path = env["EXP_HISTORY"] { return path.isEmpty ? nil : path }
        let home = env["HOME"] ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".exp_history")
    }

    private final class Box {
        var collector: InputCollector
        /// Set when `:quit` or Ctrl-D came at a pause: the training stops, then the REPL ends.
        var quitting = false
        init(_ c: InputCollector) { collector = c }
    }

    /// How a prompt's read loop ended.
    private enum LoopEnd { case end, quit, resume, stop }

    private static func loop(_ configuration: Configuration) -> Int32 {
        let interactive = isatty(0) != 0
        var options = Session.Options(outDirectory: configuration.outDirectory, quiet: configuration.quiet)
        options.color = interactive && DiagnosticRenderer.standardErrorIsTerminal
        options.fileAccess = configuration.fileAccess
        let session = Session(options: options)
        defer { session.finish() }
        let box = Box(InputCollector(blankLineEnds: interactive))
        var failures = 0

        func submit(_ text: String) -> Session.Outcome {
            PromptSignals.setRunning(true)
            defer { PromptSignals.setRunning(false) }
            let outcome = session.handle(text)
            if outcome == .failed { failures += 1 }
            return outcome
        }

        guard interactive, let editor = LineEditor(historyPath: configuration.historyPath ?? defaultHistoryPath()) else {
            // Piped: plain lines, no prompt, no editing.
            while let line = readLine(strippingNewline: true) {
                switch box.collector.add(line) {
                case .complete(let text): if submit(text) == .quit { return failures > 0 ? 1 : 0 }
                case .needMore, .empty: continue
                }
            }
            if let text = box.collector.finish() { _ = submit(text) }
            return failures > 0 ? 1 : 0
        }

        /// Reads and runs inputs until the end of input, `:quit`, or (at a pause) `:resume`/`:stop`.
        func prompt(paused: Bool) -> LoopEnd {
            while !box.quitting {
                let p = box.collector.isContinuing ? "...> " : paused ? "paused> " : "exp> "
                switch editor.read(prompt: p) {
                case .end:
                    Session.writeStandardOutput("\n")
                    if paused { box.collector.reset(); return .end }
                    if let text = box.collector.finish() { _ = submit(text) }
                    return .end
                case .interrupted:
                    box.collector.reset()
                    Session.writeStandardOutput("^C\n")
                case .line(let line):
                    // A multi-line input recalled from the history comes back as one line with
                    // newlines: it is collected line by line, as typed.
                    for piece in line.split(separator: "\n", omittingEmptySubsequences: false) {
                        guard case .complete(let text) = box.collector.add(String(piece)) else { continue }
                        // The whole input is one history entry, so Up recalls all of it.
                        editor.remember(text)
                        switch submit(text) {
                        case .quit: return .quit
                        case .resume: return .resume
                        case .stop: return .stop
                        case .ok, .failed: continue
                        }
                    }
                }
            }
            return .quit
        }

        PromptSignals.install()
        editor.completer = { Completer(session: session).complete($0) }
        editor.context = { box.collector.pendingText }
        session.pauseLoop = { _ in
            PromptSignals.atPrompt {
                let outer = box.collector
                box.collector = InputCollector(blankLineEnds: true)
                defer { box.collector = outer }
                switch prompt(paused: true) {
                case .resume: return .resume
                case .stop: return .stop
                case .end, .quit:
                    box.quitting = true
                    return .stop
                }
            }
        }
        Session.writeStandardOutput("exp \(ExpVersion.string) — :help for help, :quit or Ctrl-D to leave\n")
        _ = prompt(paused: false)
        return 0
    }
}
