import Foundation
import Language

/// Slurm's commands (`sbatch`, `squeue`, `sacct`), run as processes and their output parsed.
/// Nothing here keeps state: what was submitted is in `SlurmSubmissions`.
enum Slurm {
    /// What a command printed and how it ended.
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The state of one array task, as the scheduler reports it (`PENDING`, `RUNNING`,
    /// `COMPLETED`, `CANCELLED`, `TIMEOUT`, `PREEMPTED`, `OUT_OF_MEMORY`, `FAILED`, ...).
    struct Task {
        var job: String
        var index: Int
        var state: String
        /// The task's id as Slurm's commands take it (`1234_5`).
        var id: String { "\(job)_\(index)" }
        /// Waiting or running: it has not ended yet.
        var isLive: Bool { Slurm.liveStates.contains(state) }
    }

    /// States of a task that has not ended.
    static let liveStates: Set<String> = ["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED",
                                          "REQUEUE_FED", "REQUEUE_HOLD", "RESIZING", "SIGNALING", "STAGE_OUT", "RESV_DEL_HOLD"]

    /// The path of Slurm command `name` on PATH, or nil.
    static func find(_ name: String) -> String? {
        // No PATH at all (a bare environment): the places Slurm's packages install to.
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Why a Slurm command cannot be used here, for the error that says so.
    static func missing(_ name: String) -> String {
        "\(name) is not on PATH: `--on slurm` runs where Slurm's commands are (a cluster's login node; scripts/slurm-local up starts a one-node Slurm on this machine)"
    }

    /// Runs Slurm command `name` with `arguments` and waits for it (Slurm's commands answer in
    /// seconds; a controller that does not answer makes them time out by themselves).
    static func run(_ name: String, _ arguments: [String]) throws -> Output {
        guard let exe = find(name) else { throw ScriptError(.runtime, missing(name)) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = arguments
        p.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch {
            throw ScriptError(.runtime, "cannot start \(exe): \(error.localizedDescription)")
        }
        // The error stream is read on another thread so that neither pipe can fill and stall
        // the command (squeue lists thousands of tasks).
        let errData = ErrorBytes(), errHandle = err.fileHandleForReading
        let reader = Thread { errData.data = errHandle.readDataToEndOfFile(); errData.done.signal() }
        reader.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        errData.done.wait()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: errData.data, as: UTF8.self))
    }

    private final class ErrorBytes: @unchecked Sendable {
        var data = Data()
        let done = DispatchSemaphore(value: 0)
    }

    /// Submits `script` with `options`; returns the job id.
    static func submit(_ script: URL, options: [String]) throws -> String {
        let o = try run("sbatch", ["--parsable"] + options + [script.path])
        // `--parsable` prints `id` or `id;cluster`; nothing at all is refused just below.
        let id = o.stdout.split(separator: "\n").last.map { String($0.split(separator: ";")[0]).trimmingCharacters(in: .whitespaces) } ?? ""
        guard o.status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            let said = o.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            throw ScriptError(.runtime, "sbatch refused the sweep's job array" + (said.isEmpty ? " (exit code \(o.status))" : ": \(said)"),
                              hint: "check --partition, --time, --mem and --sbatch-arg; the job script is \(script.path)")
        }
        return id
    }

    /// The tasks of `job` the scheduler still knows: live ones and, while it keeps them,
    /// ended ones (`squeue --states=all`); where accounting is on, `sacct` adds those squeue has
    /// forgotten. Nil when the controller did not answer (its error text in `failure`).
    static func tasks(of job: String, failure: inout String?) -> [Int: Task]? {
        var tasks: [Int: Task] = [:]
        let q: Output
        do { q = try run("squeue", ["--noheader", "--array", "--states=all", "--jobs", job, "--format=%i|%T"]) } catch {
            failure = (error as? ScriptError)?.message ?? "\(error)"
            return nil
        }
        if q.status == 0 {
            for t in parse(q.stdout) { tasks[t.index] = t }
        } else if !q.stderr.contains("Invalid job id") {
            // A job the controller has forgotten is "Invalid job id": not a failure to answer.
            failure = q.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return nil
        }
        // sacct answers only where accounting is on; elsewhere it says so and squeue is all there is.
        if let a = try? run("sacct", ["--noheader", "--parsable2", "--allocations", "--jobs", job, "--format=JobID,State"]), a.status == 0 {
            for t in parse(a.stdout) where tasks[t.index] == nil { tasks[t.index] = t }
        }
        return tasks
    }

    /// `1234_5|RUNNING` lines (squeue, sacct); a pending range not yet split into tasks
    /// (`1234_[3-5%2]`) is expanded. sacct's `CANCELLED by 0` is `CANCELLED`.
    static func parse(_ text: String) -> [Task] {
        var tasks: [Task] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 2, let us = fields[0].firstIndex(of: "_") else { continue }
            let job = String(fields[0][..<us]), rest = fields[0][fields[0].index(after: us)...]
            // An empty state field matches no live state: the task counts as ended, as the files then decide.
            let state = String(fields[1].split(separator: " ").first ?? "")
            if let k = Int(rest) {
                tasks.append(Task(job: job, index: k, state: state))
            } else if rest.hasPrefix("[") {
                let body = rest.dropFirst().prefix { $0 != "]" && $0 != "%" }
                for part in body.split(separator: ",") {
                    let ends = part.split(separator: "-").compactMap { Int($0) }
                    guard let lo = ends.first, let hi = ends.last, lo <= hi, hi - lo < 100_000 else { continue }
                    for k in lo...hi { tasks.append(Task(job: job, index: k, state: state)) }
                }
            }
        }
        return tasks
    }

    /// `0-3,7,9-10`: an `--array` list of sorted indices, runs of consecutive ones as ranges.
    static func arrayList(_ indices: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        let xs = indices.sorted()
        while i < xs.count {
            var j = i
            while j + 1 < xs.count, xs[j + 1] == xs[j] + 1 { j += 1 }
            parts.append(i == j ? "\(xs[i])" : "\(xs[i])-\(xs[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    /// Slurm's `--mem` size (`4G`, `500M`, `4000`: megabytes when there is no unit) in bytes,
    /// or nil when it is not one.
    static func memoryBytes(_ text: String) -> Int? {
        let t = text.uppercased()
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = Substring(t), unit = 1 << 20
        if let last = t.last, let u = units[last] { digits = t.dropLast(); unit = u }
        guard let n = Int(digits), n > 0, n < Int.max / unit else { return nil }
        return n * unit
    }
}
