import Foundation

/// Training progress on stderr: a live bar on a terminal (step, rate, ETA, latest metrics),
/// or a plain line about every tenth of the run (at most every 10 s) when stderr is a file.
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
            let frac = Double(step) / Double(total)
            let width = 24
            let filled = Int(frac * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line(step, elapsed, metrics, bar: bar)).utf8))
        } else {
            let every = max(total / 10, 1)
            guard step - lastPlainStep >= every || step == total || now.timeIntervalSince(lastDraw) > 10 else { return }
            lastDraw = now
            lastPlainStep = step
            FileHandle.standardError.write(Data((line(step, elapsed, metrics, bar: nil) + "\n").utf8))
        }
    }

    /// Ends the live line.
    public func finish() {
        if live && !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func line(_ step: Int, _ elapsed: Double, _ metrics: [(String, Double)], bar: String?) -> String {
        let rate = elapsed > 0 ? Double(step) / elapsed : 0
        let eta = rate > 0 ? Double(total - step) / rate : 0
        var s = "\(label) step \(step)/\(total)"
        if let bar { s += " \(bar)" }
        s += " \(Progress.rate(rate)) ETA \(Progress.clock(eta))"
        for (name, v) in metrics.prefix(4) { s += "  \(name) \(Progress.short(v))" }
        return s
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
