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

    private final class Box { var collector: InputCollector; init(_ c: InputCollector) { collector = c } }

    private static func loop(_ configuration: Configuration) -> Int32 {
        let interactive = isatty(0) != 0
        var options = Session.Options(outDirectory: configuration.outDirectory, quiet: configuration.quiet)
        options.color = interactive && DiagnosticRenderer.standardErrorIsTerminal
        options.fileAccess = configuration.fileAccess
        let session = Session(options: options)
        defer { session.finish() }
        let box = Box(InputCollector(blankLineEnds: interactive))
        var failures = 0

        func submit(_ text: String) -> Bool {
            PromptSignals.setRunning(true)
            defer { PromptSignals.setRunning(false) }
            let outcome = session.handle(text)
            if outcome == .failed { failures += 1 }
            return outcome != .quit
        }

        guard interactive, let editor = LineEditor(historyPath: configuration.historyPath ?? defaultHistoryPath()) else {
            // Piped: plain lines, no prompt, no editing.
            while let line = readLine(strippingNewline: true) {
                switch box.collector.add(line) {
                case .complete(let text): if !submit(text) { return failures > 0 ? 1 : 0 }
                case .needMore, .empty: continue
                }
            }
            if let text = box.collector.finish() { _ = submit(text) }
            return failures > 0 ? 1 : 0
        }

        PromptSignals.install()
        editor.completer = { Completer(session: session).complete($0) }
        editor.context = { box.collector.pendingText }
        Session.writeStandardOutput("exp \(ExpVersion.string) — :help for help, :quit or Ctrl-D to leave\n")
        while true {
            switch editor.read(prompt: box.collector.isContinuing ? "...> " : "exp> ") {
            case .end:
                Session.writeStandardOutput("\n")
                if let text = box.collector.finish() { _ = submit(text) }
                return 0
            case .interrupted:
                box.collector.reset()
                Session.writeStandardOutput("^C\n")
            case .line(let line):
                editor.remember(line)
                switch box.collector.add(line) {
                case .complete(let text): if !submit(text) { return 0 }
                case .needMore, .empty: continue
                }
            }
        }
    }
}
