import Foundation
import Testing

/// `exp watch` and `exp run --transcript` end to end on the built binary.
@Suite("live runs", .serialized) struct LiveRunTests {
    static let script = """
    seed 1
    let V = 8
    let d = 4
    task pairs {
      sample(batch) {
        let x = randint(0, V, [batch, 1])
        return {input: x, target: x[:, 0]}
      }
    }
    model lin {
      let E = randn([V, d]) / sqrt(d)
      param W = zeros([d, V])
      forward(x) = E[x[:, 0]] @ W
    }
    optimizer gd = adam(lr: 0.05)
    train lin on pairs with gd {
      steps 2000
      batch 8
      loss cross_entropy(output, target)
      every 10 { log train_loss = loss }
    }
    print("W sum", lin.W.sum(), randn(2))
    plot train_loss, title: "first title"

    """

    /// Runs `exp` in `dir` with stdout and stderr going to files there (read while it runs).
    static func start(_ args: [String], in dir: URL, name: String = "exp") throws -> (Process, URL, URL) {
        let exe = try #require(ExperimentRunTests.binary, "the exp binary should be built next to the tests")
        let out = dir.appendingPathComponent("\(name).stdout.txt"), err = dir.appendingPathComponent("\(name).stderr.txt")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let p = Process()
        p.executableURL = exe
        p.arguments = args
        p.currentDirectoryURL = dir
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        return (p, out, err)
    }

    /// Runs `exp` to its end in `dir`.
    func runExp(_ args: [String], in dir: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        let (p, out, err) = try Self.start(args, in: dir, name: "once-\(UUID().uuidString)")
        p.waitUntilExit()
        return (p.terminationStatus, Self.text(out), Self.text(err))
    }

    static func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    /// Waits until `file` holds `n` copies of `needle`.
    @discardableResult
    static func waitFor(_ needle: String, _ n: Int, in file: URL, timeout: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if count(needle, in: text(file)) >= n { return true }
            usleep(50_000)
        }
        return false
    }

    static func edit(_ url: URL, _ from: String, _ to: String) throws {
        let old = try String(contentsOf: url, encoding: .utf8)
        #expect(old.contains(from))
        try old.replacingOccurrences(of: from, with: to).write(to: url, atomically: true, encoding: .utf8)
    }

    @Test("exp watch re-runs on save; a plot-only edit does not train again (counted by the training's summary line); a save interrupts a run")
    func watch() throws {
        let dir = try ExperimentRunTests.tempDir()
        let file = dir.appendingPathComponent("s.exp")
        try Self.script.write(to: file, atomically: true, encoding: .utf8)
        let (p, out, err) = try Self.start(["watch", "s.exp", "--no-clear"], in: dir)
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        let footer = "— exit code 0"
        #expect(Self.waitFor(footer, 1, in: err), "\(Self.text(err))")
        #expect(Self.count("trained lin:", in: Self.text(err)) == 1)

        // Only the plot changed: the training (and the print above it) are not run again; every
        // training prints its one summary line, so the count of those lines counts trainings.
        try Self.edit(file, "first title", "second title")
        #expect(Self.waitFor(footer, 2, in: err), "\(Self.text(err))")
        var errors = Self.text(err)
        #expect(Self.count("trained lin:", in: errors) == 1, "the training ran again:\n\(errors)")
        #expect(errors.contains("statements 1–8 unchanged since the last run"), "\(errors)")
        var printed = Self.text(out)
        #expect(printed.contains("second title"))
        // The reused print's output is shown again, with the same numbers.
        let lines = printed.split(separator: "\n").filter { $0.hasPrefix("W sum") }
        #expect(lines.count == 2 && lines[0] == lines[1], "\(printed)")

        // A changed training runs again, and what follows it too.
        try Self.edit(file, "steps 2000", "steps 2500")
        #expect(Self.waitFor(footer, 3, in: err), "\(Self.text(err))")
        errors = Self.text(err)
        #expect(Self.count("trained lin:", in: errors) == 2, "\(errors)")
        printed = Self.text(out)
        let fresh = try runExp(["run", "s.exp", "--quiet"], in: dir)
        let freshLine = fresh.stdout.split(separator: "\n").first { $0.hasPrefix("W sum") }
        #expect(freshLine != nil && printed.split(separator: "\n").last { $0.hasPrefix("W sum") } == freshLine,
                "watch and a fresh run print the same numbers:\n\(printed)\n\(fresh.stdout)")

        // A long run is interrupted by the next save, which runs at once.
        try Self.edit(file, "plot train_loss", "for i in 0..1000000000000 { }\nplot train_loss")
        #expect(Self.waitFor("run 4 at", 1, in: err), "\(Self.text(err))")
        usleep(500_000)
        try Self.edit(file, "for i in 0..1000000000000 { }\n", "")
        #expect(Self.waitFor("changed during the run: running the new version", 1, in: err, timeout: 5), "\(Self.text(err))")
        #expect(Self.waitFor(footer, 4, in: err), "\(Self.text(err))")

        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        #expect(p.terminationStatus == 130)
    }

    @Test("exp run --transcript writes transcript.md: statements in order, each with its output, checks and figures; it stands alone")
    func transcript() throws {
        let dir = try ExperimentRunTests.tempDir()
        let file = dir.appendingPathComponent("t.exp")
        let body = Self.script.replacingOccurrences(of: "plot train_loss, title: \"first title\"", with: """
        # The curve.
        plot train_loss, title: "loss", to: "loss.svg"
        expect lin.W.abs().sum() > 0
        """)
        try body.write(to: file, atomically: true, encoding: .utf8)
        let r = try runExp(["run", "t.exp", "--transcript", "--out", "run", "--quiet"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let md = Self.text(dir.appendingPathComponent("run/transcript.md"))
        #expect(md.hasPrefix("# t.exp\n"))
        // In order: the definitions and training in one block, then its output, the print, the figure, the check.
        let order = ["seed 1", "train lin on pairs", "*trained 2000 steps", "print(\"W sum\"", "```text\nW sum ",
                     "# The curve.", "![loss.svg](loss.svg)", "expect lin.W.abs().sum() > 0", "✅ passed: `lin.W.abs().sum() > 0`"]
        var at = md.startIndex
        for piece in order {
            guard let r = md.range(of: piece, range: at..<md.endIndex) else {
                Issue.record("transcript.md lacks \(piece) after what came before:\n\(md)")
                break
            }
            at = r.upperBound
        }
        // It stands alone: every image it shows is a file beside it.
        for line in md.split(separator: "\n") where line.hasPrefix("![") {
            let name = line.split(separator: "(").last.map { String($0.dropLast()) } ?? ""
            #expect(!name.hasPrefix("/") && FileManager.default.fileExists(atPath: dir.appendingPathComponent("run/\(name)").path), "\(line)")
        }
        // A failing run shows its error after the statement it stopped.
        try "let a = 1\nprint(a)\nlet b = [1, 2][5]\nprint(\"never\")\n".write(to: file, atomically: true, encoding: .utf8)
        let bad = try runExp(["run", "t.exp", "--transcript", "--out", "bad", "--quiet"], in: dir)
        #expect(bad.status == 70)
        let failed = Self.text(dir.appendingPathComponent("bad/transcript.md"))
        #expect(failed.contains("exit code 70"))
        #expect(failed.contains("let b = [1, 2][5]\n```\n\n```text\nt.exp:3:"), "\(failed)")
        #expect(!failed.contains("never"))
    }

    @Test("the transcript of an example stands alone: balanced code blocks, every figure beside it, every check shown")
    func exampleTranscript() throws {
        let dir = try ExperimentRunTests.tempDir()
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/reversal_curse.exp")
        let r = try runExp(["run", example.path, "--transcript", "--out", "run", "--quiet"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let md = Self.text(dir.appendingPathComponent("run/transcript.md"))
        let lines = md.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.filter { $0.hasPrefix("```") }.count % 2 == 0, "unbalanced code blocks:\n\(md)")
        let images = lines.filter { $0.hasPrefix("![") }
        #expect(!images.isEmpty)
        for line in images {
            let name = line.split(separator: "(").last.map { String($0.dropLast()) } ?? ""
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("run/\(name)").path), "\(line)")
        }
        let script = try String(contentsOf: example, encoding: .utf8)
        let expects = script.split(separator: "\n").filter { $0.hasPrefix("expect ") }.count
        #expect(expects > 0 && Self.count("- ✅ passed: `", in: md) == expects, "\(md)")
        // Every line of the script is in it, in order.
        var at = md.startIndex
        for line in script.split(separator: "\n") where !line.allSatisfy(\.isWhitespace) {
            guard let found = md.range(of: String(line), range: at..<md.endIndex) else {
                Issue.record("transcript.md lacks the script's line \(line)")
                break
            }
            at = found.upperBound
        }
    }

    @Test("exp run: Ctrl-C in deep recursion ends the run at once with exit 130 and its summary written")
    func interruptRecursion() throws {
        let dir = try ExperimentRunTests.tempDir()
        try "fn f(n) = if n == 0 { 0 } else { f(n - 1) + f(n - 1) }\nprint(f(60))\n".write(to: dir.appendingPathComponent("r.exp"), atomically: true, encoding: .utf8)
        let (p, _, err) = try Self.start(["run", "r.exp", "--out", "run", "--quiet"], in: dir)
        usleep(1_000_000)
        kill(p.processIdentifier, SIGINT)
        let sent = Date()
        p.waitUntilExit()
        #expect(Date().timeIntervalSince(sent) < 1.0)
        #expect(p.terminationStatus == 130)
        #expect(Self.text(err).contains("r.exp:1:"), "\(Self.text(err))")
        #expect(Self.text(dir.appendingPathComponent("run/summary.txt")).hasPrefix("exit code 130"))
    }
}
