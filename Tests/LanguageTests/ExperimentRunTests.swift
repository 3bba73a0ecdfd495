import Foundation
import Language
import Testing

/// `exp run` end to end on the built binary: what a run directory holds, and Ctrl-C.
@Suite struct ExperimentRunTests {
    /// The `exp` executable built beside the test bundle.
    static var binary: URL? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("exp")
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    static func tempDir() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("exp-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func launch(_ args: [String]) throws -> (Process, Pipe, Pipe) {
        let exe = try #require(binary, "the exp binary should be built next to the tests")
        let p = Process()
        p.executableURL = exe
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        return (p, out, err)
    }

    static let regression = """
    seed 7
    let steps = 200
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
    optimizer opt = adam(lr: 0.05)
    train lin on reg with opt {
      steps steps
      batch 16
      loss mean((output - target) ** 2)
      every 10 { log train_loss = loss }
    }
    plot train_loss, y: "log", title: "loss"
    print("after training", train_loss.count > 1)
    expect train_loss.last < train_loss.first

    """

    @Test func runDirectoryHoldsScriptSettingsMetricsFiguresAndReport() throws {
        let dir = try Self.tempDir()
        let script = dir.appendingPathComponent("reg.exp")
        try Self.regression.write(to: script, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        let (p, stdout, _) = try Self.launch(["run", script.path, "--out", out.path, "--quiet", "--set", "steps=50"])
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let printed = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(printed.contains("after training true"))
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: out.path))
        for f in ["script.exp", "settings.json", "metrics.csv", "metrics.jsonl", "metrics.json", "train_loss.svg", "report.html", "summary.txt"] {
            #expect(files.contains(f), "run directory lacks \(f): \(files)")
        }
        let settings = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("settings.json"))) as? [String: Any]
        #expect((settings?["overrides"] as? [String: String])?["steps"] == "50")
        #expect(settings?["seed"] as? Int == 7)
        let csv = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 1 + 6)  // header + steps 0,10,...,40 + the final 50
        let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains("<svg") && report.contains("train_loss.last &lt; train_loss.first") && report.contains("class=\"pass\""))
        #expect(!report.contains("http://") || report.contains("xmlns=\"http://www.w3.org/2000/svg\""))
    }

    @Test func outIntoAnEarlierRunIsRefusedUnlessForced() throws {
        let dir = try Self.tempDir()
        let script = dir.appendingPathComponent("reg.exp")
        try Self.regression.write(to: script, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        func run(_ extra: [String]) throws -> (Int32, String) {
            let (p, _, err) = try Self.launch(["run", script.path, "--out", out.path, "--quiet", "--set", "steps=20"] + extra)
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (p.terminationStatus, text)
        }
        #expect(try run([]).0 == 0)
        let before = try Data(contentsOf: out.appendingPathComponent("metrics.csv"))
        let second = try run([])
        #expect(second.0 == 64)
        #expect(second.1.contains("holds an earlier run"), "\(second.1)")
        #expect(try Data(contentsOf: out.appendingPathComponent("metrics.csv")) == before, "the earlier run's files stay as they were")
        // A stray file of the earlier run does not survive --force.
        try Data("old".utf8).write(to: out.appendingPathComponent("old_figure.svg"))
        #expect(try run(["--force"]).0 == 0)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("old_figure.svg").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("metrics.csv").path))
    }

    @Test func ctrlCStopsAPlainLoop() throws {
        let dir = try Self.tempDir()
        let script = dir.appendingPathComponent("loop.exp")
        try "print(\"started\")\nlet s = 0\nfor i in 0..1000000000000 { s += 1 }\nprint(\"after\")\n".write(to: script, atomically: true, encoding: .utf8)
        let (p, stdout, stderr) = try Self.launch(["run", script.path, "--out", dir.appendingPathComponent("run").path, "--quiet"])
        usleep(1_500_000)
        let sent = Date()
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        #expect(Date().timeIntervalSince(sent) < 5)
        #expect(p.terminationStatus == 130)
        let printed = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(printed == "started\n")
        #expect(errors.contains("loop.exp:3:"), "the place where it stopped: \(errors)")
    }

    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143)), (SIGHUP, Int32(129))])
    func aSignalStopsTheRunAndKeepsOutputs(_ signal: Int32, _ code: Int32) throws {
        let dir = try Self.tempDir()
        let script = dir.appendingPathComponent("long.exp")
        try Self.regression.replacingOccurrences(of: "let steps = 200", with: "let steps = 100000000")
            .write(to: script, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        let (p, stdout, stderr) = try Self.launch(["run", script.path, "--out", out.path])
        // Wait until training has logged (metrics.csv appears), then press Ctrl-C.
        let metrics = out.appendingPathComponent("metrics.csv")
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: metrics.path) && Date() < deadline { usleep(50_000) }
        usleep(300_000)
        kill(p.processIdentifier, signal)
        p.waitUntilExit()
        let printed = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == code, "stderr: \(errors)")
        #expect(errors.contains("stopped by"))
        // The script does not go on to judge a half-trained model.
        #expect(!printed.contains("after training"), "\(printed)")
        let csv = try String(contentsOf: metrics, encoding: .utf8)
        #expect(csv.split(separator: "\n").count >= 3)
        let summary = try String(contentsOf: out.appendingPathComponent("summary.txt"), encoding: .utf8)
        #expect(summary.hasPrefix("exit code \(code) (interrupted)"))
        let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains("interrupted (exit code \(code))"))
    }

    @Test func nonFiniteLossStopsWithAnErrorAndKeepsMetrics() throws {
        let dir = try Self.tempDir()
        let script = dir.appendingPathComponent("nan.exp")
        try """
        task one = {train: {input: zeros([1]), target: zeros([1])}}
        model m {
          param theta = ones([])
          forward(x) = theta
        }
        optimizer o = gd(lr: 100)
        train m on one with o {
          steps 1000
          batch full
          loss output ** 4
          every 1 { log l = loss }
        }
        """.write(to: script, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        let (p, _, stderr) = try Self.launch(["run", script.path, "--out", out.path, "--quiet"])
        p.waitUntilExit()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 70)
        #expect(errors.contains("loss became inf at step 2"))
        let csv = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 3)  // header, steps 0 and 1
    }
}
