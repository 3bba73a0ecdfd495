import Foundation
import Testing

/// `sweep` with `--jobs 2` runs its combinations in child processes and aggregates exactly what
/// the sequential sweep does.
@Suite struct SweepProcessTests {
    static let script = """
    seed 11
    let lrs = [0.05, 0.1]
    task reg {
      let w = randn([3, 1])
      sample(batch) {
        let x = randn([batch, 3])
        return {input: x, target: x @ w}
      }
    }
    sweep lr in lrs, seed in 1..3 {
      model lin {
        param W = zeros([3, 1])
        forward(x) = x @ W
      }
      optimizer opt = sgd(lr: lr)
      train lin on reg with opt {
        steps 30
        batch 8
        loss mean((output - target) ** 2)
        every 10 { log l = loss }
      }
    }
    print(len(l.runs), l.steps.tolist(), l.last, l.std.values.tolist()[0])

    """

    struct Outcome: Equatable {
        var stdout: String, stderrTail: String, code: Int32
        /// Every output file of the run but the ones that hold times or process details.
        var files: [String: Data]
    }

    /// Runs `script` with `--jobs N` into a fresh directory.
    func run(_ script: String, jobs: Int) throws -> Outcome {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exp-sweep-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("sweep.exp")
        try script.write(to: path, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        let (p, o, e) = try ExperimentRunTests.launch(["run", path.path, "--quiet", "--jobs", "\(jobs)", "--out", out.path])
        let stdout = o.fileHandleForReading.readDataToEndOfFile(), stderr = e.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        var files: [String: Data] = [:]
        let skipped: Set<String> = ["settings.json", "report.html", "summary.txt", "run.log", "exit-status", "script.exp"]
        if let walk = FileManager.default.enumerator(atPath: out.path) {
            // The TensorBoard event file holds each value's wall time.
            for case let name as String in walk where !skipped.contains((name as NSString).lastPathComponent)
                && !(name as NSString).lastPathComponent.hasPrefix("events.out.tfevents.") {
                var isDir: ObjCBool = false
                let full = out.appendingPathComponent(name).path
                if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue {
                    // result.json holds the printed lines, with the script's (temporary) path.
                    files[name] = FileManager.default.contents(atPath: full).map { Data(String(decoding: $0, as: UTF8.self).replacingOccurrences(of: dir.path, with: "DIR").utf8) }
                }
            }
        }
        // Each run has its own temporary folder, which shows in the places of messages.
        func text(_ d: Data) -> String { String(decoding: d, as: UTF8.self).replacingOccurrences(of: dir.path, with: "DIR") }
        let err = text(stderr).split(separator: "\n").filter { !$0.hasPrefix("sweep run") }
        return Outcome(stdout: text(stdout), stderrTail: err.suffix(4).joined(separator: "\n"),
                       code: p.terminationStatus, files: files)
    }

    func run(jobs: Int) throws -> (String, Int32) {
        let o = try run(Self.script, jobs: jobs)
        return (o.stdout, o.code)
    }

    /// A sweep whose body prints, plots, and fails an `expect` in one combination; code after it
    /// draws from the generator.
    static let checked = """
    seed 3
    task reg {
      let w = randn([3, 1])
      sample(batch) {
        let x = randn([batch, 3])
        return {input: x, target: x @ w}
      }
    }
    print("before")
    sweep lr in [0.02, 0.2], seed in 1..3 {
      model lin { param W = zeros([3, 1]); forward(x) = x @ W }
      optimizer opt = sgd(lr: lr)
      train lin on reg with opt { steps 20; batch 8; loss mean((output - target) ** 2); every 5 { log l = loss } }
      print("run", lr, l.last)
      expect l.last < 0.05
      plot l, to: "curve.svg"
    }
    plot l, to: "mean.svg"
    print(l.last, randn([3]))

    """

    @Test func outputExitCodeAndFilesAreTheSameForAnyJobs() throws {
        let one = try run(Self.checked, jobs: 1), two = try run(Self.checked, jobs: 2)
        #expect(one.code == 1, "a failing expect inside the sweep fails the run: \(one.stderrTail)")
        #expect(one.stdout.contains("expect failed: l.last < 0.05"))
        #expect(one.stdout.components(separatedBy: "run ").count == 5, "each combination's print shows: \(one.stdout)")
        #expect(one.files.keys.contains { $0.hasSuffix("curve.svg") } && one.files["mean.svg"] != nil)
        #expect(one.files.keys.filter { $0.hasSuffix("curve.svg") }.count == 4, "one figure per combination: \(one.files.keys.sorted())")
        #expect(two == one)
    }

    @Test func anErrorInsideTheBodyIsTheSameForAnyJobs() throws {
        let script = """
        sweep k in [1, 2, 3] {
          print("k", k)
          let x = zeros([k, 2]) @ zeros([2 + k // 2, 1])
        }

        """
        let one = try run(script, jobs: 1), two = try run(script, jobs: 2)
        #expect(one.code == 70)
        #expect(one.stdout == "k 1\nk 2\n")
        #expect(one.stderrTail.contains(":3:25: error: matmul"), "\(one.stderrTail)")
        #expect(two.code == one.code && two.stdout == one.stdout)
        #expect(two.stderrTail.contains(":3:25: error: matmul"), "\(two.stderrTail)")
    }

    @Test func ctrlCStopsTheWorkersAndKeepsFinishedRuns() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exp-sweep-int-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("long.exp")
        try """
        task t { sample(b) = {input: randn([b, 4]), target: randn([b, 1])} }
        sweep k in 0..4 {
          model m { param W = zeros([4, 1]); forward(x) = x @ W }
          optimizer o = sgd(lr: 0.01)
          train m on t with o { steps if k == 0 { 10 } else { 10000000 }; batch 8; loss mean((output - target) ** 2) }
        }

        """.write(to: path, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        let (p, _, e) = try ExperimentRunTests.launch(["run", path.path, "--quiet", "--jobs", "2", "--out", out.path])
        let first = out.appendingPathComponent("sweep-2/0_k=0/result.json")
        var waited = 0
        while !FileManager.default.fileExists(atPath: first.path) && waited < 600 { usleep(100_000); waited += 1 }
        usleep(300_000)
        kill(p.processIdentifier, SIGINT)
        let err = String(decoding: e.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 130)
        #expect(err.contains("interrupted: 1 of 4 sweep runs had finished"), "\(err)")
        #expect(FileManager.default.fileExists(atPath: first.path))
        let summary = try String(contentsOf: out.appendingPathComponent("summary.txt"), encoding: .utf8)
        #expect(summary.hasPrefix("exit code 130"))
        // No worker outlives the run.
        usleep(200_000)
        let ps = Process()
        ps.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
        ps.arguments = ["-f", out.path]
        let pipe = Pipe()
        ps.standardOutput = pipe
        try ps.run()
        ps.waitUntilExit()
        #expect(pipe.fileHandleForReading.readDataToEndOfFile().isEmpty, "a sweep worker is still running")
    }

    @Test func parallelSweepMatchesTheSequentialOne() throws {
        let sequential = try run(jobs: 1), parallel = try run(jobs: 2)
        #expect(sequential.1 == 0 && parallel.1 == 0)
        #expect(sequential.0.hasPrefix("4 [0, 10, 20, 30]"))
        #expect(parallel.0 == sequential.0)
    }
}
