import Experiments
import ArgumentParser
import Foundation
import Language

/// `exp status DIR`: the state of every combination of every sweep in a run directory, from the
/// files each left (`result.json`, `exit-status`, `run.log`) and, for a sweep submitted to
/// Slurm, from the scheduler (`squeue`, and `sacct` where accounting is on). A combination
/// that failed or stopped shows the tail of its log. Exit code 0 when every combination has
/// finished, 75 when some have not (so a shell loop can wait on it).
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the state of each run of a sweep in a run directory (local or on Slurm).")

    @Argument(help: "The run directory.")
    var directory: String

    @Option(help: ArgumentHelp("Lines of each failed run's log to show.", valueName: "N"))
    var lines: Int = 6

    func run() throws {
        let dir = URL(fileURLWithPath: directory).standardizedFileURL
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            FileHandle.standardError.write(Data("error: \(directory): no such run directory\n".utf8))
            throw ExitCode(Language.ExitCode.missingInput.rawValue)
        }
        let sweeps = SweepCombination.sweeps(inRun: dir)
        guard !sweeps.isEmpty else {
            print("\(directory): no sweep in this run directory")
            return
        }
        var complete = true, live = 0
        for (line, sweepDir) in sweeps {
            let (done, running) = try show(line: line, sweepDir)
            complete = complete && done
            live += running
        }
        guard !complete else { return }
        let script = (try? RunCommand.read(from: dir))?.script ?? "FILE"  // only for the hint's wording
        if live > 0 {
            print("\(live) still queued or running; exp collect \(directory) aggregates what has finished so far")
        } else {
            print("collect what finished: exp collect \(directory); run the rest again: exp run \(script) --on slurm --out \(directory)")
        }
        throw ExitCode(Language.ExitCode.incomplete.rawValue)
    }

    /// Prints one sweep's combinations; whether all are done, and how many are queued or running.
    private func show(line: Int, _ sweepDir: URL) throws -> (Bool, Int) {
        let combinations = SweepCombination.all(in: sweepDir)
        let record: SlurmSubmissions
        do { record = try SlurmSubmissions.read(sweepDir) } catch let e as ScriptError {
            FileHandle.standardError.write(Data("warning: \(e.message)\n".utf8))
            record = SlurmSubmissions()
        }
        var tasks: [Int: Slurm.Task] = [:]
        if !record.submissions.isEmpty {
            var failure: String?
            if let t = record.latestTasks(failure: &failure) { tasks = t } else {
                FileHandle.standardError.write(Data("warning: Slurm did not answer (\(failure ?? "squeue failed")); the states below are from the files alone\n".utf8))
            }
        }
        var counts: [String: Int] = [:]
        var rows: [(String, String, [String])] = []
        for c in combinations {
            let (word, text) = describe(c, task: tasks[c.index])
            counts[word, default: 0] += 1
            var detail: [String] = []
            if word != "done" && word != "pending" && word != "running" && word != "not started" {
                let tail = c.logTail(lines)
                if !tail.isEmpty { detail.append("last lines of \(c.logURL.path):"); detail += tail.map { "| " + $0 } }
                if let t = tasks[c.index] { detail += slurmTail(sweepDir, t).map { "| " + $0 } }
            }
            rows.append((c.directory.lastPathComponent, text, detail))
        }
        let order = ["done", "failed", "stopped", "running", "pending", "not finished", "not started"]
        let tally = order.compactMap { w in counts[w].map { "\($0) \(w)" } }.joined(separator: ", ")
        let jobs = record.jobs.isEmpty ? "" : " (Slurm job\(record.jobs.count == 1 ? "" : "s") \(record.jobs.joined(separator: ", ")))"
        print("sweep at line \(line): \(combinations.count) runs\(jobs): \(tally)")
        let width = rows.map(\.0.count).max() ?? 0
        for (name, text, detail) in rows {
            print("  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + text)
            for d in detail { print("      " + d) }
        }
        return (counts["done"] == combinations.count, (counts["pending"] ?? 0) + (counts["running"] ?? 0))
    }

    /// A one-word state for the tally and the line shown.
    private func describe(_ c: SweepCombination, task: Slurm.Task?) -> (String, String) {
        let slurm = task.map { " (Slurm task \($0.id): \($0.state))" } ?? ""
        switch c.state {
        case .done: return ("done", c.stateText)
        case .failed: return ("failed", c.stateText)
        case .ended: return ("stopped", c.stateText + slurm)
        case .unfinished:
            if let t = task, t.isLive {
                return t.state == "PENDING" ? ("pending", "pending (Slurm task \(t.id))") : ("running", "\(t.state.lowercased()) (Slurm task \(t.id))")
            }
            if let t = task { return ("not finished", "not finished, no result: Slurm says \(t.state) (task \(t.id))") }
            if FileManager.default.fileExists(atPath: c.logURL.path) { return ("not finished", "not finished: no result, no exit status") }
            return ("not started", "not started")
        }
    }

    /// The non-empty lines of Slurm's own output for a task (`*** CANCELLED AT ... ***`).
    private func slurmTail(_ sweepDir: URL, _ task: Slurm.Task) -> [String] {
        let url = SlurmSubmissions.folder(sweepDir).appendingPathComponent("\(task.job)_\(task.index).out")
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        return lines.suffix(self.lines).map { "slurm: " + $0 }
    }
}
