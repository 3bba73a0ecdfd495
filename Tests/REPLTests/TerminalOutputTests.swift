import Foundation
import Testing

/// What a researcher sees in the terminal around a run: the verdict line it ends with, the
/// progress bar at any window width, and the manual page's source.
@Suite("Terminal output")
struct TerminalOutputTests {
    static let twoChecks = """
        let t = sum(ones([3]))
        task data = {train: {input: ones([4, 1]), target: ones([4, 1])}}
        model m { param w = zeros([1, 1]); forward(x) = x @ w }
        train m on data with sgd(lr: 0.1) { steps 20; batch full; loss mean((output - target) ** 2); every 10 { log l = loss } }
        expect t.item() == 3, "three ones"
        expect l.last < LIMIT, "trained"
        """

    func run(_ limit: String, _ extra: [String] = []) throws -> (ProcessResult, URL) {
        let dir = try makeTemporaryDirectory()
        try Self.twoChecks.replacingOccurrences(of: "LIMIT", with: limit)
            .write(to: dir.appendingPathComponent("s.exp"), atomically: true, encoding: .utf8)
        return (try runExp(["run", "s.exp", "--out", "out"] + extra, in: dir), dir)
    }

    @Test("a run ends with `2/2 checks passed · report: PATH`, the report at that path")
    func verdictPassed() throws {
        let (r, dir) = try run("1")
        #expect(r.status == 0)
        let last = r.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last == "2/2 checks passed · report: out/report.html", "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/report.html").path))
        #expect(!r.stderr.contains("passed: `"), "passing checks are listed only with --verbose")
    }

    @Test("a failing check is named in the verdict with the values that broke it; --verbose lists the passing ones")
    func verdictFailed() throws {
        let (r, _) = try run("0", ["--verbose"])
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.last?.hasPrefix("1 of 2 checks FAILED: `l.last < 0` (l.last = ") == true, "\(r.stderr)")
        #expect(lines.last?.hasSuffix(") · report: out/report.html") == true)
        #expect(lines.contains("passed: `t.item() == 3` (t.item() = 3.0)"), "\(r.stderr)")
        #expect(!r.stderr.contains("expect failed\n") && !r.stderr.contains("1 expect failed"), "one summary of the failures, not two")
    }

    @Test("the train summary says final loss; the progress shows the batch loss")
    func lossesAreNamed() throws {
        let (r, _) = try run("1")
        #expect(r.stderr.contains("batch loss "), "\(r.stderr)")
        #expect(r.stderr.contains(", final loss 0.00"), "\(r.stderr)")
    }

    @Test("terminal: the live progress bar fits a 50-column window and redraws in place")
    func progressFitsNarrowTerminal() throws {
        let dir = try makeTemporaryDirectory()
        let t = try TerminalSession(directory: dir, environment: ["EXP_HISTORY": ""], columns: 50)
        #expect(t.expect("exp> "))
        t.type("task data = {train: {input: ones([4, 1]), target: ones([4, 1])}}\r")
        t.type("model m { param w = zeros([1, 1]); forward(x) = x @ w }\r")
        t.type("train m on data with sgd(lr: 0.01) { steps 100000; batch full; loss mean((output - target) ** 2) }\r")
        #expect(t.expect("trained m", timeout: 120), "\(t.all.suffix(2000))")
        t.type("\u{4}")
        #expect(t.waitForExit() == 0)
        // Each redraw is `\r ESC[K line`; the lines between the input and the summary must all
        // fit in 49 columns, and no newline may separate two redraws.
        // The raw bytes, escapes removed but carriage returns kept (they separate the redraws).
        let all = String(decoding: t.raw, as: UTF8.self).replacingOccurrences(of: "\u{1B}[K", with: "")
        // The bars start at the first redraw (the typed input before it may wrap at 50 columns).
        guard let count = all.range(of: "/100000"), let to = all.range(of: "trained m"),
              let from = all.range(of: "\r", options: .backwards, range: all.startIndex..<count.lowerBound) else {
            Issue.record("no progress in \(all.suffix(2000))")
            return
        }
        let bars = all[from.upperBound..<to.lowerBound]
        let redraws = bars.split(separator: "\r").map { $0.trimmingCharacters(in: .newlines) }.filter { !$0.isEmpty }
        #expect(redraws.count >= 2, "\(bars)")
        for line in redraws {
            #expect(line.count <= 49, "wider than the window: \(line)")
            #expect(line.contains("%"), "percent shown: \(line)")
        }
        #expect(bars.dropLast().filter { $0 == "\n" }.count <= 1, "one line redrawn, not a line per redraw: \(bars)")
    }

    @Test("the manual page's source (swift-argument-parser's dump, which `generate-manual` reads) names every subcommand")
    func manualSource() throws {
        let r = try runExp(["--experimental-dump-help"], in: try makeTemporaryDirectory())
        #expect(r.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let command = json?["command"] as? [String: Any]
        let names = (command?["subcommands"] as? [[String: Any]])?.compactMap { $0["commandName"] as? String } ?? []
        for name in ["run", "check", "repl", "bench"] { #expect(names.contains(name), "\(names)") }
        #expect(!r.stdout.contains("(default: 2)"), "no machine-dependent default in the help")
    }
}
