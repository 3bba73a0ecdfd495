import Experiments
import Foundation
import Glibc
import Lab
import Language
import Tensors

/// Runs a sweep's combinations as one Slurm job array (`exp run FILE --on slurm`): one task per
/// combination that has not finished, each running this `exp` binary on the run's copy of the
/// script (`script.exp`) with `--sweep-child` for its index, into the combination's directory
/// (`result.json`, `run.log`, `exit-status`, its metrics and figures). The cluster must see
/// the run directory and this binary at the same paths (a shared filesystem).
///
/// Resumable: a combination that ran to its end (a `result.json` without an error) is never
/// submitted again, and neither is one whose task is still queued or running; everything else
/// (never submitted, cancelled, pre-empted, timed out, failed) is. So submitting again into the
/// same `--out` after a partial run submits only what is missing, and "6 of 6 done, nothing to
/// submit" when nothing is.
///
/// Without `--wait` the sweep is left running and the script stops there: its code after the
/// sweep runs when the results are collected (`exp collect DIR`, or a later submission that
/// finds every run done). With `--wait` this blocks until the array has ended and the script
/// goes on exactly as a local run does.
final class SlurmExecutor: SweepExecutor {
    struct Options {
        var partition: String?
        var time: String?
        var cpus: Int?
        var memory: String?
        var arrayLimit: Int?
        var sbatchArguments: [String] = []
        var wait = false
    }

    let options: Options
    let scriptPath: String
    let overrides: [String]
    let fileAccess: FileAccess
    /// `--max-memory` for each task, in bytes (nil: exp's default on the node).
    let memoryLimit: Int?

    var runsSingleCombinations: Bool { true }

    init(options: Options, scriptPath: String, overrides: [String], fileAccess: FileAccess, memoryLimit: Int?) {
        self.options = options
        self.scriptPath = scriptPath
        self.overrides = overrides
        self.fileAccess = fileAccess
        self.memoryLimit = memoryLimit
    }

    /// Says what happens to the sweep; shown even with `--quiet`, since it is where the runs went.
    private func say(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

    func run(_ sweep: SweepWork, progress: (String) -> Void) throws -> SweepExecution {
        let total = sweep.directories.count
        var record = try SlurmSubmissions.read(sweep.sweepDirectory)
        var failure: String?
        guard let latest = record.latestTasks(failure: &failure) else {
            throw ScriptError(.runtime, "Slurm did not answer, so it is unknown which runs of the sweep are still queued: \(failure ?? "squeue failed")",
                              hint: "try again when `squeue` works")
        }
        var todo: [Int] = [], done = 0
        var live: [Int: Slurm.Task] = [:]
        for (k, dir) in sweep.directories.enumerated() {
            if SweepCombination.read(dir, index: k).isDone { done += 1 } else if let t = latest[k], t.isLive { live[k] = t } else { todo.append(k) }
        }
        let here = "sweep at line \(sweep.line)"
        if todo.isEmpty && live.isEmpty {
            say("\(here): \(done) of \(total) done, nothing to submit")
            return .ended
        }
        var jobs = Array(Set(live.values.map(\.job))).sorted()
        if !live.isEmpty {
            say("\(here): \(done) of \(total) done, \(live.count) still queued or running in job \(jobs.joined(separator: ", "))")
        }
        if !todo.isEmpty {
            let job = try submit(todo, sweep, record: &record)
            jobs.append(job)
            say("submitted Slurm job \(job): \(todo.count) of the \(total) runs of the \(here)" + (done > 0 ? " (\(done) done before)" : ""))
        }
        let run = sweep.runDirectory.path
        say("run directory: \(run)")
        guard options.wait else {
            say("follow it: exp status \(run); once it has ended, exp collect \(run) aggregates the runs and runs the script's code after the sweep (stop it: scancel \(jobs.joined(separator: " ")))")
            return .leftRunning
        }
        try waitFor(jobs, total: total, run: run, progress: progress)
        return .ended
    }

    /// Writes the job script for `indices` and submits it; records the job.
    private func submit(_ indices: [Int], _ sweep: SweepWork, record: inout SlurmSubmissions) throws -> String {
        let folder = SlurmSubmissions.folder(sweep.sweepDirectory)
        do { try FileIO.createDirectories(folder, what: "the sweep's Slurm folder") } catch let e as RunError {
            throw ScriptError(.io, e.description)
        }
        // What an earlier attempt left must not stand in for this one.
        for k in indices { try SweepCombination.clearAttempt(in: sweep.directories[k]) }
        let n = record.submissions.count + 1
        let scriptURL = folder.appendingPathComponent("submit-\(n).sh")
        var sbatch = ["--job-name=exp-" + URL(fileURLWithPath: scriptPath).deletingPathExtension().lastPathComponent,
                      "--array=" + Slurm.arrayList(indices) + (options.arrayLimit.map { "%\($0)" } ?? ""),
                      "--output=" + folder.appendingPathComponent("%A_%a.out").path,
                      "--chdir=" + FileManager.default.currentDirectoryPath]
        if let p = options.partition { sbatch.append("--partition=" + p) }
        if let t = options.time { sbatch.append("--time=" + t) }
        if let c = options.cpus { sbatch.append("--cpus-per-task=\(c)") }
        if let m = options.memory { sbatch.append("--mem=" + m) }
        sbatch += options.sbatchArguments
        let text = jobScript(indices, sweep, sbatch: sbatch)
        do { try AtomicFile.write(text, to: scriptURL) } catch let e as RunError {
            throw ScriptError(.io, e.description)
        }
        let job = try Slurm.submit(scriptURL, options: sbatch)
        record.submissions.append(.init(job: job, indices: indices, submitted: ISO8601DateFormatter().string(from: Date()),
                                        script: scriptURL.lastPathComponent))
        try record.write(sweep.sweepDirectory)
        return job
    }

    /// The batch script every task runs: picks its combination's directory by
    /// `SLURM_ARRAY_TASK_ID`, runs exp there, and writes its exit status.
    func jobScript(_ indices: [Int], _ sweep: SweepWork, sbatch: [String]) -> String {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var args = [exe, "run", scriptPath, "--source", sweep.script.path, "--quiet"]
        for o in overrides { args += ["--set", o] }
        // The task's run directory is its combination's; the whole run's (where the snapshot
        // is) stays open to it, as with local workers.
        let run = sweep.runDirectory.path
        args += fileAccess.arguments + ["--allow-read", run, "--allow-write", run]
        if let memoryLimit { args += ["--max-memory", String(memoryLimit)] }
        let q = Self.quote
        var lines = [
            "#!/bin/bash",
            "# exp: the sweep at line \(sweep.line) of \(scriptPath), one array task per combination",
            "# (SLURM_ARRAY_TASK_ID is the combination's index). Written by `exp run --on slurm`;",
            "# submitted with: sbatch " + sbatch.map(q).joined(separator: " ") + " THIS_FILE",
            "set -u",
            "dirs=(",
        ]
        lines += indices.map { "  [\($0)]=\(q(sweep.directories[$0].path))" }
        lines += [
            ")",
            "k=${SLURM_ARRAY_TASK_ID:?this script runs as a Slurm array task}",
            "dir=${dirs[$k]:?combination $k is not in this job}",
            "unset \(SweepChildGuard.parentVariable)",
            "export \(SweepChildGuard.taskVariable)=slurm",
            // A cancelled or pre-empted task gets SIGTERM: exp stops between steps (leaving no
            // result) and the exit status is still written.
            "trap 'stopped=1' TERM",
            args.map(q).joined(separator: " ") + " --out \"$dir\" --sweep-child \"\(sweep.line):\(sweep.column):$k:$dir\" >\"$dir/\(SweepCombination.logFileName)\" 2>&1 </dev/null",
            "code=$?",
            "echo \"$code\" >\"$dir/\(SweepCombination.exitStatusFileName).part\" && mv \"$dir/\(SweepCombination.exitStatusFileName).part\" \"$dir/\(SweepCombination.exitStatusFileName)\"",
            "exit \"$code\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` as one word for bash.
    static func quote(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || "/._-=:,%+@".contains($0) }), text.allSatisfy(\.isASCII) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Blocks until no task of `jobs` is queued or running, saying how far the array is when
    /// that changes. Ctrl-C stops the waiting, not the jobs.
    private func waitFor(_ jobs: [String], total: Int, run: String, progress: (String) -> Void) throws {
        say("waiting for job \(jobs.joined(separator: ", ")) to end (Ctrl-C stops the waiting, not the job)")
        var interval = 1.0, shown = "", silentSince: Date?
        while true {
            var counts: [String: Int] = [:], answered = true, failure: String?
            for job in jobs {
                guard let tasks = Slurm.tasks(of: job, failure: &failure) else { answered = false; break }
                for t in tasks.values where t.isLive { counts[t.state, default: 0] += 1 }
            }
            if answered {
                silentSince = nil
                if counts.isEmpty { return }
                let now = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.lowercased())" }.joined(separator: ", ")
                if now != shown { progress("job \(jobs.joined(separator: ", ")): \(now)"); shown = now }
            } else {
                let since = silentSince ?? Date()
                silentSince = since
                // A controller restarts now and then; an hour of silence is not that.
                if Date().timeIntervalSince(since) > 3600 {
                    throw ScriptError(.runtime, "Slurm has not answered for an hour: \(failure ?? "squeue failed")",
                                      hint: "the jobs may still run: exp status \(run), then exp collect \(run)")
                }
            }
            // Sleeps in short slices so Ctrl-C is seen at once; the interval grows so a long
            // array does not poll the controller every second.
            var slept = 0.0
            while slept < interval {
                if let s = Interrupt.signal {
                    say("stopped waiting; job \(jobs.joined(separator: ", ")) keeps running: exp status \(run), exp collect \(run), or scancel \(jobs.joined(separator: " "))")
                    throw ScriptEnded(ExitCode(signal: s))
                }
                usleep(100_000)
                slept += 0.1
            }
            interval = min(interval * 1.3, 15)
        }
    }
}
