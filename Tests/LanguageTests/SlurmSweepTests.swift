import Foundation
import Testing

/// Whether a Slurm cluster answers here (`scripts/slurm-local up` starts one; CI does).
enum LocalSlurm {
    /// Nil when a node takes jobs; else why the cluster tests are skipped.
    static let unavailable: String? = {
        guard let sinfo = ["/usr/bin/sinfo", "/usr/local/bin/sinfo"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return "Slurm is not installed (scripts/slurm-local up installs and starts a one-node cluster)"
        }
        let (code, out) = run(sinfo, ["--noheader", "--format=%T"])
        guard code == 0, out.contains("idle") || out.contains("mixed") || out.contains("allocated") else {
            return "Slurm does not answer or has no usable node (scripts/slurm-local up starts one): \(out)"
        }
        return nil
    }()

    /// Said once on the error stream when the tests are skipped, with why.
    static let available: Bool = {
        if let why = unavailable { FileHandle.standardError.write(Data("SlurmSweepTests skipped: \(why)\n".utf8)) }
        return unavailable == nil
    }()

    @discardableResult
    static func run(_ exe: String, _ args: [String]) -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        do { try p.run() } catch { return (-1, "\(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The array tasks of `job` that have not ended, as `id|STATE` lines.
    static func liveTasks(_ job: String) -> [String] {
        run("/usr/bin/squeue", ["--noheader", "--array", "--jobs", job, "--format=%i|%T"]).1
            .split(separator: "\n").map(String.init).filter { $0.hasPrefix(job + "_") }
    }

    /// Waits (at most `seconds`) until `done` holds.
    static func waitUntil(_ seconds: Double, _ done: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if done() { return true }
            usleep(200_000)
        }
        return done()
    }
}

/// `exp run --on slurm` against a real (local, one-node) Slurm: the job array gives the same
/// numbers as a local run, is resumable, and says what failed.
@Suite(.serialized, .enabled(if: LocalSlurm.available, "Slurm is not running here; scripts/slurm-local up starts it"))
struct SlurmSweepTests {
    /// A fresh folder with `script` in it as `name`.
    func folder(_ script: String, name: String = "sweep.exp") throws -> (URL, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exp-slurm-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name)
        try script.write(to: path, atomically: true, encoding: .utf8)
        return (dir, path)
    }

    struct Ran { var stdout: String, stderr: String, code: Int32 }

    func exp(_ args: [String], in dir: URL) throws -> Ran {
        let (p, o, e) = try ExperimentRunTests.launch(args)
        let err = ErrBox(e)
        let out = String(decoding: o.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return Ran(stdout: out, stderr: err.text, code: p.terminationStatus)
    }

    /// Reads a pipe on another thread (a long stderr must not stall the process).
    final class ErrBox: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)
        init(_ pipe: Pipe) {
            let h = pipe.fileHandleForReading
            Thread { self.data = h.readDataToEndOfFile(); self.done.signal() }.start()
        }
        var text: String { done.wait(); done.signal(); return String(decoding: data, as: UTF8.self) }
    }

    func jobID(_ stderr: String) -> String? {
        guard let r = stderr.range(of: "submitted Slurm job ") else { return nil }
        return String(stderr[r.upperBound...].prefix { $0.isNumber })
    }

    func combinations(_ run: URL, line: Int) -> [URL] {
        let sweep = run.appendingPathComponent("sweep-\(line)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: sweep.path)) ?? []
        return names.filter { $0.first?.isNumber == true }.sorted().map { sweep.appendingPathComponent($0) }
    }

    static let grid = """
    seed 11
    task reg {
      let w = randn([3, 1])
      sample(batch) {
        let x = randn([batch, 3])
        return {input: x, target: x @ w}
      }
    }
    print("before")
    sweep lr in [0.05, 0.1, 0.2], seed in 1..3 {
      model lin { param W = zeros([3, 1]); forward(x) = x @ W }
      optimizer opt = sgd(lr: lr)
      train lin on reg with opt { steps 30; batch 8; loss mean((output - target) ** 2); every 10 { log l = loss } }
      print("run", lr, l.last)
    }
    print(len(l.runs), l.steps.tolist(), l.last, l.std.values.tolist())

    """

    @Test func aWaitedArrayPrintsTheLocalAggregateAndASecondSubmissionSubmitsNothing() throws {
        let (dir, path) = try folder(Self.grid)
        defer { try? FileManager.default.removeItem(at: dir) }
        let local = dir.appendingPathComponent("local"), slurm = dir.appendingPathComponent("slurm")
        let one = try exp(["run", path.path, "--quiet", "--jobs", "1", "--out", local.path], in: dir)
        #expect(one.code == 0, "\(one.stderr)")
        #expect(one.stdout.hasPrefix("before\nrun 0.05"), "\(one.stdout)")

        let array = try exp(["run", path.path, "--quiet", "--on", "slurm", "--wait", "--out", slurm.path], in: dir)
        #expect(array.code == 0, "\(array.stderr)")
        #expect(array.stdout == one.stdout)
        #expect(jobID(array.stderr) != nil, "the job id is printed: \(array.stderr)")
        let dirs = combinations(slurm, line: 10)
        #expect(dirs.map(\.lastPathComponent) == ["0_lr=0.05_seed=1", "1_lr=0.05_seed=2", "2_lr=0.1_seed=1", "3_lr=0.1_seed=2", "4_lr=0.2_seed=1", "5_lr=0.2_seed=2"])
        for d in dirs {
            for file in ["result.json", "run.log", "exit-status", "metrics.csv", "metrics.jsonl"] {
                #expect(FileManager.default.fileExists(atPath: d.appendingPathComponent(file).path), "\(d.lastPathComponent)/\(file)")
            }
            // Each combination's own metrics are bit-identical to the same combination run locally.
            let here = try Data(contentsOf: local.appendingPathComponent("sweep-10/\(d.lastPathComponent)/metrics.csv"))
            #expect(try Data(contentsOf: d.appendingPathComponent("metrics.csv")) == here, "\(d.lastPathComponent)")
        }

        let again = try exp(["run", path.path, "--quiet", "--on", "slurm", "--wait", "--out", slurm.path], in: dir)
        #expect(again.code == 0, "\(again.stderr)")
        #expect(again.stderr.contains("6 of 6 done, nothing to submit"), "\(again.stderr)")
        #expect(jobID(again.stderr) == nil, "nothing was submitted: \(again.stderr)")
        #expect(again.stdout == one.stdout)

        let status = try exp(["status", slurm.path], in: dir)
        #expect(status.code == 0)
        #expect(status.stdout.contains("6 runs (Slurm job \(jobID(array.stderr) ?? "?")): 6 done"), "\(status.stdout)")
        let collected = try exp(["collect", slurm.path], in: dir)
        #expect(collected.code == 0, "\(collected.stderr)")
        #expect(collected.stdout == one.stdout)
    }

    /// Combination 4 trains for a few seconds; the others are instant.
    static let oneLong = """
    seed 5
    task reg {
      let w = randn([3, 1])
      sample(batch) {
        let x = randn([batch, 3])
        return {input: x, target: x @ w}
      }
    }
    sweep lr in [0.05, 0.1], k in 0..3 {
      model lin { param W = zeros([3, 1]); forward(x) = x @ W }
      optimizer opt = sgd(lr: lr)
      train lin on reg with opt {
        steps if lr == 0.1 and k == 1 { 60000 } else { 20 }
        batch 4
        loss mean((output - target) ** 2)
        every 10 { log l = loss }
      }
    }
    print(len(l.runs), l.last, l.std.last)

    """

    @Test func aCombinationCancelledMidRunRunsAgainOnTheNextSubmission() throws {
        let (dir, path) = try folder(Self.oneLong)
        defer { try? FileManager.default.removeItem(at: dir) }
        let local = dir.appendingPathComponent("local"), slurm = dir.appendingPathComponent("slurm")
        let reference = try exp(["run", path.path, "--quiet", "--jobs", "2", "--out", local.path], in: dir)
        #expect(reference.code == 0, "\(reference.stderr)")

        let submitted = try exp(["run", path.path, "--quiet", "--on", "slurm", "--out", slurm.path], in: dir)
        #expect(submitted.code == 0, "\(submitted.stderr)")
        #expect(submitted.stdout.isEmpty, "the code after the sweep waits for exp collect: \(submitted.stdout)")
        #expect(submitted.stderr.contains("exp collect"), "it says how to go on: \(submitted.stderr)")
        let job = try #require(jobID(submitted.stderr), "\(submitted.stderr)")
        #expect(LocalSlurm.waitUntil(60) { LocalSlurm.liveTasks(job).contains("\(job)_4|RUNNING") }, "task 4 starts")
        usleep(700_000)
        LocalSlurm.run("/usr/bin/scancel", ["\(job)_4"])
        #expect(LocalSlurm.waitUntil(60) { LocalSlurm.liveTasks(job).isEmpty }, "the array ends")
        let long = combinations(slurm, line: 9)[4]
        #expect(!FileManager.default.fileExists(atPath: long.appendingPathComponent("result.json").path), "it was stopped before its end")

        let status = try exp(["status", slurm.path], in: dir)
        #expect(status.code == 75, "some runs have not finished")
        #expect(status.stdout.contains("5 done"), "\(status.stdout)")
        #expect(status.stdout.contains("CANCELLED"), "\(status.stdout)")

        let again = try exp(["run", path.path, "--quiet", "--on", "slurm", "--wait", "--out", slurm.path], in: dir)
        #expect(again.code == 0, "\(again.stderr)")
        #expect(again.stderr.contains("1 of the 6 runs"), "only the cancelled run is submitted: \(again.stderr)")
        #expect(again.stdout == reference.stdout)
        #expect(try Data(contentsOf: long.appendingPathComponent("metrics.csv"))
                == Data(contentsOf: local.appendingPathComponent("sweep-9/\(long.lastPathComponent)/metrics.csv")),
                "the re-run's metrics are the local run's, with no rows left from the cancelled attempt")
    }

    static let failing = """
    task t { sample(b) = {input: randn([b, 2]), target: randn([b, 1])} }
    sweep k in [1, 2, 3] {
      model m { param W = zeros([2, 1]); forward(x) = x @ W }
      optimizer o = sgd(lr: 0.1)
      train m on t with o { steps 5; batch 4; loss mean((output - target) ** 2); every 5 { log l = loss } }
      if k == 2 { let bad = zeros([2, 2]) @ zeros([3, 1]) }
      print("k", k)
    }
    print("collected", len(l.runs))

    """

    @Test func aFailingCombinationShowsInStatusAndCollectWithItsLogTail() throws {
        let (dir, path) = try folder(Self.failing, name: "fails.exp")
        defer { try? FileManager.default.removeItem(at: dir) }
        let slurm = dir.appendingPathComponent("slurm")
        let submitted = try exp(["run", path.path, "--quiet", "--on", "slurm", "--out", slurm.path], in: dir)
        #expect(submitted.code == 0, "\(submitted.stderr)")
        let job = try #require(jobID(submitted.stderr), "\(submitted.stderr)")
        #expect(LocalSlurm.waitUntil(60) { LocalSlurm.liveTasks(job).isEmpty }, "the array ends")

        let status = try exp(["status", slurm.path], in: dir)
        #expect(status.code == 75)
        #expect(status.stdout.contains("2 done, 1 failed"), "\(status.stdout)")
        #expect(status.stdout.contains("1_k=2") && status.stdout.contains("| \(path.path):6:39: error: matmul"), "the log's tail: \(status.stdout)")

        let collected = try exp(["collect", slurm.path], in: dir)
        #expect(collected.code == 75, "\(collected.stderr)")
        #expect(collected.stdout == "k 1\nk 3\ncollected 2\n")
        #expect(collected.stderr.contains("2 of 3 runs collected; missing or failed:"), "\(collected.stderr)")
        #expect(collected.stderr.contains("1_k=2: failed") && collected.stderr.contains(":6:39: error: matmul"), "\(collected.stderr)")
    }
}
