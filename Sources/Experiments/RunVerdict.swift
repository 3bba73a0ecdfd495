import Language
import Foundation

/// The line a run ends with: how its checks went and where its report is,
/// `6/6 checks passed · report: runs/x/20261201-1200/report.html`, or which checks failed with
/// the values that broke them. A researcher reads this line first, so it says the outcome in
/// words and never needs the scrollback.
struct RunVerdict {
    let expects: [ExpectOutcome]
    /// The script's exit code (0, 1 after failed checks, 65/70 after an error, 128+n on a signal).
    let exitCode: Int32
    /// The run's report, when there is a run directory.
    let report: URL?

    /// Failed checks named in the line; the rest are counted.
    static let failuresShown = 3

    /// The verdict, or nil for a run with neither checks nor a run directory (a script that only
    /// prints has nothing to sum up).
    var line: String? {
        guard !expects.isEmpty || report != nil else { return nil }
        var parts: [String] = []
        if ExitCode.endedBySignal(exitCode) {
            parts.append("interrupted")
        } else if exitCode != 0 && exitCode != ExitCode.expectFailed.rawValue {
            parts.append("stopped by an error (exit code \(exitCode))")
        }
        let failed = expects.filter { !$0.passed }
        let checks = expects.count == 1 ? "check" : "checks"
        let sofar = parts.isEmpty ? "" : " before it stopped"
        if expects.isEmpty {
            parts.append("no checks")
        } else if failed.isEmpty {
            parts.append("\(expects.count)/\(expects.count) \(checks) passed\(sofar)")
        } else {
            var text = "\(failed.count) of \(expects.count) \(checks) FAILED\(sofar): "
            text += failed.prefix(Self.failuresShown).map(Self.describe).joined(separator: "; ")
            if failed.count > Self.failuresShown { text += "; and \(failed.count - Self.failuresShown) more" }
            parts.append(text)
        }
        if let report { parts.append("report: \(Self.relative(report))") }
        return parts.joined(separator: " · ")
    }

    /// `--verbose`: every passing check with its values, one per line, before the verdict.
    var passedLines: [String] {
        expects.filter(\.passed).map { "passed: " + Self.describe($0) }
    }

    static func describe(_ e: ExpectOutcome) -> String {
        "`\(e.text)`" + (e.details.isEmpty ? "" : " (\(e.details))")
    }

    /// The path as the user would type it: relative to the working directory when inside it.
    static func relative(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path + "/"
        return path.hasPrefix(here) ? String(path.dropFirst(here.count)) : path
    }
}
