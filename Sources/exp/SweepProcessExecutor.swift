import Experiments
import CProcess
import Foundation
import Glibc
import Lab
import Tensors
import Language

/// Runs a sweep's combinations as child processes of this `exp` binary, `jobs` at a time: each
/// child runs the script text as it was when this run started (its copy in the run directory)
/// with `--sweep-child`, so it runs only its combination and leaves `result.json` and `run.log`
/// in the combination's directory. Children stop when this process dies (a parent-death
/// signal), and Ctrl-C stops them all and keeps the combinations that finished.
final class SweepProcessExecutor: SweepExecutor {
    let jobs: Int
    let scriptPath: String
    let overrides: [String]
    let fileAccess: FileAccess

    /// `overrides` are the `--set name=value` arguments, passed on to every child with the
    /// `--allow-read`/`--allow-write` folders.
    init(jobs: Int, scriptPath: String, overrides: [String], fileAccess: FileAccess) {
        self.jobs = max(1, jobs)
        self.scriptPath = scriptPath
        self.overrides = overrides
        self.fileAccess = fileAccess
    }

    func run(_ sweep: SweepWork, progress: (String) -> Void) throws -> SweepExecution {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let snapshot = sweep.script.path
        let total = sweep.directories.count
        var running: [(index: Int, process: Process)] = []
        var next = 0, finished = 0
        try Interrupt.catching {
            while next < total || !running.isEmpty {
                if Interrupt.requested {
                    for (_, p) in running { kill(p.processIdentifier, SIGKILL) }
                    for (_, p) in running { p.waitUntilExit() }
                    // Said even under --quiet: it is why the run ends here.
                    let kept = sweep.directories[0].deletingLastPathComponent().path
                    FileHandle.standardError.write(Data("interrupted: \(finished) of \(total) sweep runs had finished; their results are kept in \(kept)\n".utf8))
                    throw ScriptEnded(.interrupted)
                }
                while next < total && running.count < jobs {
                    running.append((next, try start(next, sweep, exe: exe, snapshot: snapshot)))
                    progress("sweep run \(next + 1)/\(total) started: \(sweep.labels[next])")
                    next += 1
                }
                if let done = running.firstIndex(where: { !$0.process.isRunning }) {
                    let (k, p) = running.remove(at: done)
                    p.waitUntilExit()
                    finished += 1
                    // The same layout as a cluster task's: `exp status` reads how each run ended.
                    do { try SweepCombination.writeExitStatus(p.terminationStatus, in: sweep.directories[k]) } catch {
                        progress("warning: cannot write the exit status of sweep run \(k + 1): \(FileIO.reason(error))")
                    }
                    if p.terminationStatus != 0 {
                        progress("sweep run \(k + 1)/\(total) ended with exit code \(p.terminationStatus); see \(sweep.directories[k].appendingPathComponent("run.log").path)")
                    }
                } else {
                    usleep(10_000)
                }
            }
        }
        return .ended
    }

    private func start(_ k: Int, _ sweep: SweepWork, exe: URL, snapshot: String) throws -> Process {
        let dir = sweep.directories[k]
        // What an earlier attempt left must not stand in for this one.
        try SweepCombination.clearAttempt(in: dir)
        let logURL = dir.appendingPathComponent(SweepCombination.logFileName)
        guard FileManager.default.createFile(atPath: logURL.path, contents: nil), let log = FileHandle(forWritingAtPath: logURL.path) else {
            throw ScriptError(.io, "cannot write the sweep run log \(logURL.path)")
        }
        defer { try? log.close() }  // the child holds its own descriptor; closing ours cannot lose output
        let p = Process()
        p.executableURL = exe
        var args = ["run", scriptPath, "--source", snapshot, "--quiet", "--out", dir.path,
                    "--sweep-child", SweepChild(line: sweep.line, column: sweep.column, index: k, directory: dir.path).argument]
        for o in overrides { args += ["--set", o] }
        // The child's run directory is its combination's; the whole run's (where the snapshot
        // is) stays open to it, so a body may read and write exactly what it may with --jobs 1.
        let run = sweep.script.deletingLastPathComponent().path
        args += fileAccess.arguments + ["--allow-read", run, "--allow-write", run]
        // The runs share this machine's memory: each may use its share of the limit.
        args += ["--max-memory", String(MemoryBudget.limit / jobs)]
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env[SweepChildGuard.parentVariable] = String(getpid())
        p.environment = env
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = log
        p.standardError = log
        do { try p.run() } catch {
            throw ScriptError(.runtime, "cannot start a sweep process: \(FileIO.reason(error))", hint: "run with --jobs 1")
        }
        return p
    }
}

/// What a sweep child does first: die with its parent, and leave the terminal's Ctrl-C to the
/// parent (which stops the children itself and keeps what finished).
enum SweepChildGuard {
    static let parentVariable = "EXP_SWEEP_PARENT"
    /// Set (to `slurm`) by a cluster task's job script.
    static let taskVariable = "EXP_SWEEP_TASK"

    static func install() {
        // Ctrl-C in the terminal reaches the whole foreground process group; the parent decides.
        // A Slurm task stays in its group: the scheduler signals and tracks the task's processes
        // (by process group, on some clusters) and there is no terminal.
        if ProcessInfo.processInfo.environment[taskVariable] == nil { setpgid(0, 0) }
        if exp_set_parent_death_signal(SIGKILL) != 0 {
            FileHandle.standardError.write(Data("warning: this sweep run will not stop by itself if its parent dies\n".utf8))
        }
        // The parent may have died before the signal was armed.
        if let text = ProcessInfo.processInfo.environment[parentVariable], let parent = pid_t(text), getppid() != parent {
            exit(ExitCode.interrupted.rawValue)
        }
    }
}
