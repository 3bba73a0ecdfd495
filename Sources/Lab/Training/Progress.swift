import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Training progress on stderr: a live bar on a terminal (percent, bar, step, elapsed<ETA, rate,
/// the latest metrics; fitted to the window's width), or a plain line about every tenth of the
/// run (at most every 10 s) when stderr is a file. The loss shown is the last minibatch's
/// (`batch loss`); the summary after training gives the final evaluation (`final loss`).
public final class Progress {
    public let total: Int
    public let label: String
    private let live: Bool
    private let quiet: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lastPlainStep = 0

    public init(total: Int, label: String, quiet: Bool = false, live: Bool? = nil) {
        self.total = max(total, 1)
        self.label = label
        self.quiet = quiet
        self.live = live ?? (isatty(2) == 1)
    }

    /// Reports that `step` steps are done; `metrics` are shown as `name value`.
    public func update(step: Int, metrics: [(String, Double)]) {
        guard !quiet else { return }
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        if live {
            guard now.timeIntervalSince(lastDraw) > 0.1 || step == total else { return }
            lastDraw = now
            // Read each time: the window may be resized during a run.
            let text = line(step, elapsed, metrics, columns: Progress.terminalColumns())
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
        } else {
            let every = max(total / 10, 1)
            guard step - lastPlainStep >= every || step == total || now.timeIntervalSince(lastDraw) > 10 else { return }
            lastDraw = now
            lastPlainStep = step
            FileHandle.standardError.write(Data((line(step, elapsed, metrics, columns: nil) + "\n").utf8))
        }
    }

    /// Ends the live line.
    public func finish() {
        if live && !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// One progress line. With `columns` (a live bar) the line is at most `columns - 1`
    /// characters, so the terminal never wraps it and `\r` redraws in place at any width: the
    /// bar narrows first, then the rate, the ETA and the metrics go, and what is left is cut.
    /// Without (a log file) it is a plain sentence-like line.
    func line(_ step: Int, _ elapsed: Double, _ metrics: [(String, Double)], columns: Int?) -> String {
        let rate = elapsed > 0 ? Double(step) / elapsed : 0
        let eta = rate > 0 ? Double(total - step) / rate : 0
        let percent = "\(Int((Double(step) / Double(total) * 100).rounded(.down)))%"
        let shown = metrics.prefix(4).map { "\($0.0) \(Progress.short($0.1))" }
        guard let columns else {
            return (["\(label) step \(step)/\(total) (\(percent))", "\(Progress.clock(elapsed)) elapsed", "ETA \(Progress.clock(eta))", Progress.rate(rate)]
                    + shown).joined(separator: "  ")
        }
        let limit = max(columns - 1, 10)
        func bar(_ width: Int) -> String {
            let filled = min(width, Int(Double(step) / Double(total) * Double(width)))
            return String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        }
        let head = "\(label) \(String(repeating: " ", count: max(0, 4 - percent.count)))\(percent)"
        let count = "\(step)/\(total)"
        let time = "\(Progress.clock(elapsed))<\(Progress.clock(eta))"
        var candidates: [[String]] = []
        for width in [24, 16, 10] { candidates.append([head, bar(width), count, time, Progress.rate(rate)] + shown) }
        candidates.append([head, count, time, Progress.rate(rate)] + shown)
        candidates.append([head, count, time] + shown)
        candidates.append([head, count] + shown.prefix(1))
        for parts in candidates {
            let text = parts.joined(separator: "  ")
            if text.count <= limit { return text }
        }
        return String(([head, count] + shown.prefix(1)).joined(separator: "  ").prefix(limit))
    }

    /// The width of the terminal on stderr: its window size, else `$COLUMNS`, else 80.
    static func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        // No window size (not a terminal, or a pseudo-terminal that never set one): the shell's
        // idea of the width, then the classic 80.
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let n = Int(text), n > 0 { return n }
        return 80
    }

    static func rate(_ r: Double) -> String { r >= 10 ? "\(Int(r)) it/s" : String(format: "%.2f it/s", r) }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.isFinite ? seconds : 0)
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }

    static func short(_ v: Double) -> String {
        if v == 0 || (abs(v) >= 1e-3 && abs(v) < 1e5) { return String(format: "%.4g", v) }
        return String(format: "%.3e", v)
    }
}
