@testable import Experiments
import Foundation
import Testing

/// What a run leaves for later: settings.json (lets, overrides, git), report.html (prints,
/// checks, captions, settings), the TensorBoard event file, and `exp compare` over runs.
/// Each runs the built `exp` binary as a user would.
@Suite struct RunRecordsTests {
    static let script = """
    seed 3
    let lr = 0.05
    let hidden = 4
    let name = "baseline"
    let sizes = [2, 3]
    let cfg = {depth: 2, act: "relu"}
    let W0 = zeros([3, hidden])
    task reg {
      let w = randn([3, 1])
      sample(batch) {
        let x = randn([batch, 3])
        return {input: x, target: x @ w}
      }
    }
    model lin {
      param W = zeros([3, 1])
      forward(x) = x @ W
    }
    optimizer opt = adam(lr: lr)
    train lin on reg with opt {
      steps 40
      batch 16
      loss mean((output - target) ** 2)
      every 10 {
        log train_loss = loss
        log w_err = norm(lin.W - reg.w)
      }
    }
    plot train_loss, title: "Training loss"
    plot w_err, to: "err.svg"
    print("final loss", train_loss.last < 10)
    print("<b>not html</b>")
    let late = 7
    let final_loss = train_loss.last
    expect train_loss.last < train_loss.first
    expect w_err.last < 100

    """

    static func tempDir() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("exp-records-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.resolvingSymlinksInPath()
    }

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    /// Runs `exp ARGS` in `directory` and waits.
    static func exp(_ args: [String], in directory: URL? = nil) throws -> Result {
        let exe = try #require(ExperimentRunTests.binary, "the exp binary should be built next to the tests")
        let p = Process()
        p.executableURL = exe
        p.arguments = args
        if let directory { p.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Runs a program (git, python3) and returns its status and output; nil when it cannot start.
    @discardableResult
    static func tool(_ args: [String], in directory: URL? = nil) -> Result? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        if let directory { p.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { return nil }
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Writes the script into `dir` and runs it into `dir/<out>` with `--set`s.
    static func run(_ dir: URL, out: String, sets: [String] = [], script: String = script) throws -> URL {
        let path = dir.appendingPathComponent("reg.exp")
        try script.write(to: path, atomically: true, encoding: .utf8)
        let outURL = dir.appendingPathComponent(out)
        let r = try exp(["run", path.path, "--out", outURL.path, "--quiet"] + sets.flatMap { ["--set", $0] }, in: dir)
        #expect(r.status == 0, "exp run failed: \(r.stderr)")
        return outURL
    }

    static func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    // MARK: - settings.json

    @Test func settingsHoldEveryLetTheOverridesAndTheGitCommit() throws {
        let dir = try Self.tempDir()
        guard let initialized = Self.tool(["git", "init", "-q", dir.path]), initialized.status == 0 else {
            Issue.record("git is not installed: the git fields of settings.json are untested")
            return
        }
        try Self.script.write(to: dir.appendingPathComponent("reg.exp"), atomically: true, encoding: .utf8)
        Self.tool(["git", "-c", "user.name=t", "-c", "user.email=t@t", "add", "reg.exp"], in: dir)
        let committed = Self.tool(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "x"], in: dir)
        #expect(committed?.status == 0, "\(committed?.stderr ?? "")")
        let head = try #require(Self.tool(["git", "rev-parse", "HEAD"], in: dir)).stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let out = try Self.run(dir, out: "run", sets: ["lr=0.1", "name=\"tuned\""])
        let s = try Self.json(out.appendingPathComponent("settings.json"))
        let lets = try #require(s["lets"] as? [String: Any])
        #expect(lets["lr"] as? Double == 0.1, "the override is the effective value: \(lets)")
        #expect(lets["hidden"] as? Int == 4)
        #expect(lets["name"] as? String == "tuned")
        #expect(lets["sizes"] as? [Int] == [2, 3])
        #expect((lets["cfg"] as? [String: Any])?["act"] as? String == "relu")
        let w0 = try #require((lets["W0"] as? [String: Any])?["tensor"] as? [String: Any])
        #expect(w0["shape"] as? [Int] == [3, 4] && w0["dtype"] as? String == "float32", "\(w0)")
        #expect(lets["late"] as? Int == 7, "a let after the first train is there too")
        #expect(lets["w"] == nil, "a task's inner let is not a top-level one")
        #expect(s["seed"] as? Int == 3)
        #expect((s["overrides"] as? [String: String]) == ["lr": "0.1", "name": "\"tuned\""])
        #expect(s["exp_version"] is String)
        let git = try #require(s["git"] as? [String: Any], "settings: \(s)")
        #expect(git["commit"] as? String == head)
        // The run directory itself is untracked inside the repository: the tree is dirty.
        #expect(git["dirty"] as? Bool == true)

        // Outside any repository there is no git entry.
        let plain = try Self.tempDir()
        let s2 = try Self.json(try Self.run(plain, out: "run").appendingPathComponent("settings.json"))
        if Self.tool(["git", "-C", plain.path, "rev-parse", "HEAD"])?.status != 0 { #expect(s2["git"] == nil) }
    }

    // MARK: - report.html

    @Test func reportShowsPrintsChecksWithValuesCaptionsAndSettingsTable() throws {
        let dir = try Self.tempDir()
        let out = try Self.run(dir, out: "run", sets: ["hidden=8"])
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<pre class=\"output\">final loss true\n&lt;b&gt;not html&lt;/b&gt;</pre>"), "printed lines, escaped")
        #expect(html.contains("Checks (2/2 passed)"))
        #expect(html.contains("<code>w_err.last &lt; 100</code> <span class=\"details\">w_err.last = "), "a check shows the value it compared")
        #expect(html.contains("<figcaption>Training loss <span class=\"file\">train_loss.svg</span></figcaption>"))
        #expect(html.contains("<figcaption>err.svg</figcaption>"), "an untitled figure is captioned by its file")
        #expect(html.contains("<div class=\"figures\">"))
        #expect(html.contains("<tr><td>hidden</td><td>8</td></tr>"), "settings as a table")
        #expect(html.contains("<tr><td>seed</td><td>3</td></tr>"))
        #expect(html.contains("<tr><td>W0</td><td>tensor [3, 8] float32</td></tr>"), "a tensor let by its shape and dtype")
    }

    // MARK: - exp compare

    @Test func compareTwoRunsThatDifferInOneSetValue() throws {
        let dir = try Self.tempDir()
        let a = try Self.run(dir, out: "a", sets: ["lr=0.01"])
        let b = try Self.run(dir, out: "b", sets: ["lr=0.2"])
        let report = dir.appendingPathComponent("cmp")
        let r = try Self.exp(["compare", a.path, b.path, "--out", report.path], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("compared 2 runs on 2 metrics"), "\(r.stdout)")
        let files = try FileManager.default.contentsOfDirectory(atPath: report.path).sorted()
        #expect(files == ["01_train_loss.svg", "02_w_err.svg", "report.html"], "\(files)")
        let svg = try String(contentsOf: report.appendingPathComponent("01_train_loss.svg"), encoding: .utf8)
        #expect(svg.contains("lr=0.01") && svg.contains("lr=0.2"), "each curve is labelled by the setting that differs")
        let html = try String(contentsOf: report.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<h2>Settings that differ</h2>"))
        // The curves are named by the setting the runs were told; a let computed from it (the
        // final loss) is listed after it, but names no curve.
        #expect(html.contains("<table class=\"settings differ\"><tr><th>setting</th><th>lr=0.01</th><th>lr=0.2</th></tr>\n<tr><td>lr</td><td>0.01</td><td>0.2</td></tr>\n<tr><td>final_loss</td>"),
                "lr differs, and so does the result computed from it: \(html)")
        #expect(!html.contains("<tr><td>hidden</td><td>4</td><td>4</td>"), "a setting both runs share is not in the table")
        #expect(html.contains("<figcaption>train_loss</figcaption>") && html.contains("<figcaption>w_err</figcaption>"))
        // A run's own report is never replaced by a comparison.
        let runReport = try Data(contentsOf: a.appendingPathComponent("report.html"))
        let intoRun = try Self.exp(["compare", a.path, b.path, "--out", a.path], in: dir)
        #expect(intoRun.status == 70 && intoRun.stderr.contains("holds a run"), "\(intoRun.stderr)")
        #expect(try Data(contentsOf: a.appendingPathComponent("report.html")) == runReport)
    }

    @Test func compareErrorsAreClear() throws {
        let dir = try Self.tempDir()
        let a = try Self.run(dir, out: "a")
        let one = try Self.exp(["compare", a.path], in: dir)
        #expect(one.status == 64 && one.stderr.contains("at least two run directories"), "\(one.stderr)")
        let notRun = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: notRun, withIntermediateDirectories: true)
        let r = try Self.exp(["compare", a.path, notRun.path], in: dir)
        #expect(r.status == 66 && r.stderr.contains("\(notRun.path) is not a run directory"), "\(r.stderr)")
        let folder = try Self.exp(["compare", a.path, dir.path], in: dir)
        #expect(folder.status == 66 && folder.stderr.contains("it holds runs (a): pass those"), "\(folder.stderr)")
        let missing = try Self.exp(["compare", a.path, dir.appendingPathComponent("nope").path], in: dir)
        #expect(missing.status == 66 && missing.stderr.contains("no such directory"), "\(missing.stderr)")
        let twice = try Self.exp(["compare", a.path, a.path + "/"], in: dir)
        #expect(twice.status == 66 && twice.stderr.contains("given twice"), "\(twice.stderr)")
        let other = try Self.run(dir, out: "other", script: """
        model m {
          param W = zeros([1, 1])
          forward(x) = x @ W
        }
        task t {
          sample(batch) {
            return {input: ones([batch, 1]), target: ones([batch, 1])}
          }
        }
        train m on t with sgd(lr: 0.1) {
          steps 3
          batch 2
          loss mean((output - target) ** 2)
          log acc = loss
        }

        """)
        let none = try Self.exp(["compare", a.path, other.path], in: dir)
        #expect(none.status == 66 && none.stderr.contains("no metric is logged by every run"), "\(none.stderr)")
        #expect(!none.stderr.contains("Error Domain"), "no Foundation error dump")
    }

    /// `exp compare` takes a sweep combination's directory like a run's, labelled by its values.
    @Test func compareTakesSweepCombinationDirectories() throws {
        let dir = try Self.tempDir()
        let a = try Self.run(dir, out: "a")
        let combo = a.appendingPathComponent("sweep-9/1_lr=0.3_base_width=2")
        try FileManager.default.createDirectory(at: combo, withIntermediateDirectories: true)
        try "step,name,value\n0,train_loss,1\n10,train_loss,0.5\n".write(to: combo.appendingPathComponent("metrics.csv"), atomically: true, encoding: .utf8)
        let report = dir.appendingPathComponent("cmp")
        let r = try Self.exp(["compare", a.path, combo.path, "--out", report.path], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOf: report.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<tr><td>lr</td><td>0.05</td><td>0.3</td></tr>"), "\(html)")
        #expect(html.contains("<tr><td>base_width</td><td>—</td><td>2</td></tr>"))
        #expect(html.contains("Not drawn, as only some runs logged them: <code>w_err</code>"))
    }

    // MARK: - TensorBoard

    static var tensorboardImportable: Bool {
        tool(["python3", "-c", "import tensorboard"])?.status == 0
    }

    @Test func tensorboardReadsTheEventFileBack() throws {
        let dir = try Self.tempDir()
        let out = try Self.run(dir, out: "run")
        let events = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasPrefix("events.out.tfevents.") }
        #expect(events.count == 1, "one event file in the run directory: \(events)")
        guard Self.tensorboardImportable else {
            print("skipped: the tensorboard Python package is not importable (pip install tensorboard) — the event file is not read back")
            return
        }
        let reader = """
        import json, sys
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
        acc = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0})
        acc.Reload()
        print(json.dumps({t: [[e.step, e.value] for e in acc.Scalars(t)] for t in acc.Tags()["scalars"]}))
        """
        let r = try #require(Self.tool(["python3", "-c", reader, out.path]))
        #expect(r.status == 0, "\(r.stderr)")
        let read = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: [[Double]]])
        // The same rows as metrics.csv, values as float32.
        let csv = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8)
        var expected: [String: [[Double]]] = [:]
        for line in csv.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",")
            expected[String(f[1]), default: []].append([Double(f[0])!, Double(f[2])!])
        }
        #expect(Set(read.keys) == ["train_loss", "w_err"])
        // Compared as float32 (TensorBoard's simple_value) after the trip through Python's JSON.
        func f32(_ m: [String: [[Double]]]) -> [String: [[Float]]] { m.mapValues { $0.map { $0.map(Float.init) } } }
        #expect(f32(read) == f32(expected), "tensorboard read \(read), metrics.csv has \(expected)")
    }
}
