@testable import Experiments
import Foundation
import Testing

/// A sweep keeps every run on disk (its own metrics beside its result), and `exp collect` /
/// `exp status` read a local sweep's run directory the way they read a Slurm one.
@Suite struct SweepCollectTests {
    static let script = """
    seed 11
    task reg {
      let w = randn([3, 1])
      sample(batch) {
        let x = randn([batch, 3])
        return {input: x, target: x @ w}
      }
    }
    sweep lr in [0.05, 0.1, 0.2], seed in 1..3 {
      model lin { param W = zeros([3, 1]); forward(x) = x @ W }
      optimizer opt = sgd(lr: lr)
      train lin on reg with opt { steps 30; batch 8; loss mean((output - target) ** 2); every 10 { log l = loss } }
      print("run", lr, l.last)
    }
    print(len(l.runs), l.last, l.std.last)

    """

    struct Ran { var stdout: String, stderr: String, code: Int32 }

    func exp(_ args: [String]) throws -> Ran {
        let (p, o, e) = try ExperimentRunTests.launch(args)
        let out = o.fileHandleForReading.readDataToEndOfFile(), err = e.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Ran(stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self), code: p.terminationStatus)
    }

    func folder(_ text: String = script) throws -> (URL, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exp-collect-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("grid.exp")
        try text.write(to: path, atomically: true, encoding: .utf8)
        return (dir, path)
    }

    @Test func everyCombinationKeepsItsOwnMetricsTheSameForAnyJobs() throws {
        let (dir, path) = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let one = dir.appendingPathComponent("one"), two = dir.appendingPathComponent("two")
        #expect(try exp(["run", path.path, "--quiet", "--jobs", "1", "--out", one.path]).code == 0)
        #expect(try exp(["run", path.path, "--quiet", "--jobs", "2", "--out", two.path]).code == 0)
        let combo = "sweep-9/3_lr=0.1_seed=2"
        let csv = try String(contentsOf: one.appendingPathComponent("\(combo)/metrics.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n")
        #expect(rows.first == "step,name,value")
        #expect(rows.dropFirst().map { $0.split(separator: ",")[0] } == ["0", "10", "20", "30"], "this run's own four rows: \(csv)")
        for name in ["metrics.csv", "metrics.jsonl", "metrics.json"] {
            #expect(try Data(contentsOf: one.appendingPathComponent("\(combo)/\(name)")) == Data(contentsOf: two.appendingPathComponent("\(combo)/\(name)")), "\(name)")
        }
        // The run's own metrics hold the aggregate (mean and std), not the runs' rows.
        let main = try String(contentsOf: one.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(main.contains(",l,") && main.contains(",l_std,"))
    }

    @Test func collectOnALocalRunPrintsWhatTheRunPrintedAndSaysWhatIsMissing() throws {
        let (dir, path) = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run")
        let ran = try exp(["run", path.path, "--quiet", "--jobs", "2", "--out", out.path])
        #expect(ran.code == 0)
        let status = try exp(["status", out.path])
        #expect(status.code == 0)
        #expect(status.stdout.hasPrefix("sweep at line 9: 6 runs: 6 done"), "\(status.stdout)")

        let collected = try exp(["collect", out.path, "--quiet"])
        #expect(collected.code == 0, "\(collected.stderr)")
        #expect(collected.stdout == ran.stdout)

        // A run whose result is gone is left out of the aggregate, and said so.
        try FileManager.default.removeItem(at: out.appendingPathComponent("sweep-9/2_lr=0.1_seed=1/result.json"))
        let partial = try exp(["collect", out.path, "--quiet"])
        #expect(partial.code == 75)
        #expect(partial.stderr.contains("sweep at line 9: 5 of 6 runs collected; missing or failed:\n  2_lr=0.1_seed=1: ended with exit code 0, no result"), "\(partial.stderr)")
        #expect(partial.stdout.split(separator: "\n").count == 6, "five runs' prints and the aggregate: \(partial.stdout)")
        #expect(partial.stdout.split(separator: "\n").last?.hasPrefix("5 ") == true, "\(partial.stdout)")
        let missing = try exp(["status", out.path])
        #expect(missing.code == 75)
        #expect(missing.stdout.contains("5 done, 1 stopped"), "\(missing.stdout)")
    }

    /// A sweep inside a sweep's body: the outer aggregate is the mean of the inner means, the
    /// same whether the outer runs ran here or in other processes.
    @Test func aNestedSweepAggregatesTheSameForAnyJobs() throws {
        let (dir, path) = try folder("""
        task t { sample(b) = {input: randn([b, 2]), target: randn([b, 1])} }
        sweep j in [1, 2] {
          sweep i in [1, 2] {
            model m { param W = zeros([2, 1]); forward(x) = x @ W }
            optimizer o = sgd(lr: 0.1 * i)
            train m on t with o { steps 5; batch 4; loss mean((output - target) ** 2); every 5 { log q = loss } }
          }
          print("inner", j, q.last, len(q.runs))
        }
        print("outer", q.last, len(q.runs))

        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let one = try exp(["run", path.path, "--quiet", "--jobs", "1", "--out", dir.appendingPathComponent("one").path])
        let two = try exp(["run", path.path, "--quiet", "--jobs", "2", "--out", dir.appendingPathComponent("two").path])
        #expect(one.code == 0 && two.code == 0, "\(one.stderr)\(two.stderr)")
        #expect(one.stdout.hasSuffix(" 2\n") && one.stdout.contains("outer "), "\(one.stdout)")
        #expect(two.stdout == one.stdout)
    }

    @Test func onSlurmWithoutASweepIsAUsageError() throws {
        let (dir, path) = try folder("print(1)\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try exp(["run", path.path, "--on", "slurm"])
        #expect(r.code == 64)
        #expect(r.stderr.contains("has no sweep: --on slurm submits a sweep's runs as a Slurm job array"), "\(r.stderr)")
        #expect(r.stdout.isEmpty, "nothing ran")
        let local = try exp(["run", path.path, "--partition", "gpu"])
        #expect(local.code == 64 && local.stderr.contains("--partition is an option of --on slurm"), "\(local.stderr)")
    }

    @Test func collectAndStatusSayWhenADirectoryIsNoRun() throws {
        let (dir, _) = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = try exp(["collect", dir.path])
        #expect(c.code == 66 && c.stderr.contains("is not a run directory"), "\(c.stderr)")
        let s = try exp(["status", dir.appendingPathComponent("nope").path])
        #expect(s.code == 66 && s.stderr.contains("no such run directory"), "\(s.stderr)")
    }
}
