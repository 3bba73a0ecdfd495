import Experiments
import ArgumentParser
import Foundation
import Language
import Synchronization
import Tensors
#if canImport(Glibc)
import Glibc
#endif

/// `exp watch FILE`: runs the script, then again whenever it or a file it imports is saved.
/// Each run clears the screen (in a terminal) and draws its plots there. A save during a run
/// interrupts it (at its next loop turn, call, op or training step) and starts the new version.
///
/// Unchanged leading statements are not run again (`IncrementalRun`): editing a plot below a
/// training redraws without retraining, and the numbers are those of a run from the top. An
/// edit to an imported file runs everything again. Each run has its own run directory.
struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a script again whenever it or a file it imports is saved.")

    @Argument(help: "The .exp script to watch.")
    var file: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a top-level let or the seed (name=value).", valueName: "name=value"))
    var overrides: [String] = []

    @Flag(help: "Print less progress output.")
    var quiet = false

    @Option(help: ArgumentHelp("Where plots go: terminal (drawn here, and SVG in the run directory) or files.", valueName: "mode"))
    var plots: String = "terminal"

    @Flag(name: .customLong("no-clear"), help: "Do not clear the screen before each run.")
    var noClear = false

    @OptionGroup var safety: SafetyOptions

    func run() throws {
        let fileAccess = try safety.apply()
        let options = try ScriptOptions.interpreterOptions(overrides: overrides)
        let mode = try ScriptOptions.plotMode(plots)
        guard FileManager.default.contents(atPath: file) != nil else {
            FileHandle.standardError.write(Data("error: cannot read \(file): no such file\n".utf8))
            throw ExitCode(Language.ExitCode.missingInput.rawValue)
        }
        let typed = Dictionary(overrides.compactMap { o in o.firstIndex(of: "=").map { (String(o[..<$0]), String(o[o.index(after: $0)...])) } },
                               uniquingKeysWith: { _, b in b })
        let path = file, quiet = quiet, clear = !noClear && isatty(1) != 0
        let code = Interrupt.catching([SIGINT, SIGTERM, SIGHUP]) {
            ScriptRunner.onLargeStack {
                WatchLoop(path: path, options: options, clear: clear, quiet: quiet) { text in
                    var config = ExperimentRuntime.Config(scriptPath: path, scriptText: text, outDirectory: nil)
                    config.quiet = quiet
                    config.plots = mode
                    config.fileAccess = fileAccess
                    config.overrides = typed
                    return config
                }.loop()
            }
        }
        throw ExitCode(code.rawValue)
    }
}

/// The watch loop: run, wait for a save, run again. Only the run happens on this thread; a
/// helper thread polls the files during a run, to interrupt it when one is saved.
private final class WatchLoop {
    let path: String
    let clear: Bool
    let quiet: Bool
    let makeConfig: (String) -> ExperimentRuntime.Config
    let incremental: IncrementalRun
    /// The script text of the run being made (the experiments layer copies it into the run directory).
    var text = ""

    init(path: String, options: Interpreter.Options, clear: Bool, quiet: Bool, makeConfig: @escaping (String) -> ExperimentRuntime.Config) {
        self.path = path
        self.clear = clear
        self.quiet = quiet
        self.makeConfig = makeConfig
        var runner = ScriptRunner(options: options)
        runner.color = DiagnosticRenderer.standardErrorIsTerminal
        incremental = IncrementalRun(runner: runner)
        incremental.runner.makeExperiments = { [unowned self] in
            var config = self.makeConfig(self.text)
            config.terminalOutput = { [unowned self] in self.incremental.charted($0) }
            return ExperimentRuntime(config)
        }
    }

    /// Runs until Ctrl-C (or SIGTERM/SIGHUP); returns that signal's exit code.
    func loop() -> Language.ExitCode {
        var stamps = FileStamps.of(watchedFiles())
        var count = 0
        while true {
            count += 1
            if clear { Self.write(1, "\u{1b}[H\u{1b}[2J") }
            let started = Date()
            Self.write(2, "exp watch \(path): run \(count) at \(Self.clock(started))\n")
            guard let data = FileManager.default.contents(atPath: path) else {
                Self.write(2, "cannot read \(path); waiting for it to be saved again\n")
                guard let next = wait(for: stamps) else { return signalCode() }
                stamps = next
                continue
            }
            text = String(decoding: data, as: UTF8.self)
            let source = SourceFile(name: path, bytes: Array(data))
            Interrupt.clear()
            let watcher = SaveWatcher(files: watchedFiles(), stamps: stamps)
            let runner = incremental.runner
            incremental.reportStop = { ended in
                guard watcher.saved else { return runner.reportStop(ended) }
                let place = ended.place.map { "\($0.file.name):\($0.line):\($0.column): " } ?? ""
                Self.write(2, "\(place)interrupted by a save\n")
            }
            watcher.start()
            let outcome = incremental.run(source)
            watcher.stop()
            // What the run printed is on the screen (or in the file) before the wait.
            fflush(nil)  // nil flushes every stream (strict concurrency has no `stdout` to name)
            if Interrupt.requested && !watcher.saved { return signalCode() }
            if outcome.reused > 0 {
                Self.write(2, "(statements 1–\(outcome.reused) unchanged since the last run: not run again, their results and output reused; \(outcome.startLine.map { "ran from line \($0)" } ?? "nothing after them to run"))\n")
            }
            let secs = Date().timeIntervalSince(started)
            if watcher.saved {
                Self.write(2, "\n\(path) changed during the run: running the new version\n")
            } else {
                Self.write(2, "— exit code \(outcome.code.rawValue) after \(String(format: "%.2f", secs)) s; watching \(path) (Ctrl-C to stop)\n")
            }
            let current: [String: FileStamps.Stamp]
            if watcher.saved {
                current = FileStamps.of(watchedFiles())
            } else {
                guard let next = wait(for: stamps) else { return signalCode() }
                current = next
            }
            // An imported or read file that changed can change any statement: run from the top.
            if current.keys.contains(where: { $0 != path && current[$0] != stamps[$0] }) { incremental.invalidate() }
            stamps = current
        }
    }

    /// The script and the files it imports (recursively, as written; relative to the script).
    func watchedFiles() -> [String] {
        var files = [path]
        var queue = [path]
        while let next = queue.popLast(), files.count < 256 {
            // An unreadable import is the run's error to report; there is nothing to watch.
            guard let data = FileManager.default.contents(atPath: next) else { continue }
            let parsed = Parser.parse(SourceFile(name: next, bytes: Array(data)))
            let base = URL(fileURLWithPath: next).deletingLastPathComponent()
            for s in parsed.program.statements {
                guard case .importFile(let p, _) = s.kind else { continue }
                let resolved = p.hasPrefix("/") ? p : base.appendingPathComponent(p).standardized.path
                if !files.contains(resolved) { files.append(resolved); queue.append(resolved) }
            }
        }
        return files
    }

    /// Waits until a watched file changes; nil when a signal asked to stop.
    func wait(for stamps: [String: FileStamps.Stamp]) -> [String: FileStamps.Stamp]? {
        while true {
            if Interrupt.requested { return nil }
            let now = FileStamps.of(watchedFiles())
            if now != stamps { return now }
            usleep(100_000)
        }
    }

    func signalCode() -> Language.ExitCode {
        Self.write(2, "\nexp watch stopped\n")
        return Language.ExitCode(signal: Interrupt.signal ?? SIGINT)
    }

    static func clock(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "HH:mm:ss"
        return f.string(from: date)
    }

    static func write(_ fd: Int32, _ text: String) {
        (fd == 1 ? FileHandle.standardOutput : FileHandle.standardError).write(Data(text.utf8))
    }
}

/// When a file was last written, as `stat` says (a missing file has no stamp).
enum FileStamps {
    struct Stamp: Equatable {
        let seconds: Int
        let nanoseconds: Int
        let size: Int
        let inode: UInt
    }

    static func of(_ files: [String]) -> [String: Stamp] {
        var out: [String: Stamp] = [:]
        for f in files {
            var s = stat()
            guard stat(f, &s) == 0 else { continue }  // missing now: its absence is the change
            out[f] = Stamp(seconds: s.st_mtim.tv_sec, nanoseconds: s.st_mtim.tv_nsec, size: Int(s.st_size), inode: UInt(s.st_ino))
        }
        return out
    }
}

/// Polls the watched files while a run goes on; a save interrupts the run (as Ctrl-C would,
/// so it stops at its next check) and is remembered, so the loop runs the new version.
private final class SaveWatcher: @unchecked Sendable {
    let files: [String]
    let stamps: [String: FileStamps.Stamp]
    private let savedFlag = Atomic<Bool>(false)
    private let stopFlag = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    init(files: [String], stamps: [String: FileStamps.Stamp]) {
        self.files = files
        self.stamps = stamps
    }

    var saved: Bool { savedFlag.load(ordering: .acquiring) }

    func start() {
        let thread = Thread { [self] in
            while !stopFlag.load(ordering: .acquiring) {
                if FileStamps.of(files) != stamps {
                    savedFlag.store(true, ordering: .releasing)
                    Interrupt.request(SIGINT)
                    break
                }
                usleep(100_000)
            }
            done.signal()
        }
        thread.start()
    }

    func stop() {
        stopFlag.store(true, ordering: .releasing)
        done.wait()
    }
}
