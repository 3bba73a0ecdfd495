import Language
import Foundation
import Lab

/// What one combination of a sweep left in its directory, read from the files alone: the one
/// reading of a combination's state, used by `exp status`, by `exp collect`'s report of what is
/// missing, and by an executor deciding what is left to run.
///
/// A combination's directory holds, besides its figures and metrics:
/// - `result.json` (`SweepRunResult`), written atomically when the combination ended, well or
///   with a script error; a run that was killed or stopped leaves none;
/// - `run.log`, what the run printed (combinations run in another process);
/// - `exit-status`, the run's exit code as a decimal line, written after it ended by whatever
///   started it (a local worker, a Slurm task's wrapper).
public struct SweepCombination: Sendable {
    public static let logFileName = "run.log"
    public static let exitStatusFileName = "exit-status"

    public enum State: Sendable, Equatable {
        /// It ran to its end; `failedChecks` of its `expect`s failed.
        case done(failedChecks: Int)
        /// It ended with a script error (its message, as the run reported it).
        case failed(String)
        /// It ended with this exit code and left no result (stopped by a signal, crashed,
        /// killed for its memory).
        case ended(Int32)
        /// No result and no exit status: not started yet, still running, or killed before it
        /// could say (a cancelled or pre-empted task). The scheduler may know more.
        case unfinished
    }

    /// Its index in the sweep (combination order).
    public let index: Int
    public let directory: URL
    public let state: State

    /// The directory's name without the index (`lr=0.1_seed=2`).
    public var label: String {
        let name = directory.lastPathComponent
        return name.firstIndex(of: "_").map { String(name[name.index(after: $0)...]) } ?? name
    }

    /// True when it ran to its end (failed checks included): it need not run again.
    public var isDone: Bool { if case .done = state { return true } else { return false } }

    public var logURL: URL { directory.appendingPathComponent(Self.logFileName) }

    /// Reads the state of combination `index` from `directory`.
    public static func read(_ directory: URL, index: Int) -> SweepCombination {
        SweepCombination(index: index, directory: directory, state: readState(directory))
    }

    private static func readState(_ directory: URL) -> State {
        do {
            if let r = try SweepRunResult.read(from: directory) {
                if let f = r.failure { return .failed(f.message) }
                return .done(failedChecks: r.checks.filter { !$0.passed }.count)
            }
        } catch let e as ScriptError {
            return .failed(e.message)
        } catch {
            return .failed("\(error)")
        }
        if let code = exitStatus(directory) { return .ended(code) }
        return .unfinished
    }

    /// The exit code in `exit-status`, or nil when there is none (or it is not a number: a
    /// half-written file is no exit status).
    public static func exitStatus(_ directory: URL) -> Int32? {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(exitStatusFileName).path) else { return nil }
        return Int32(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Writes `exit-status` (a worker that started the run, after it ended).
    public static func writeExitStatus(_ code: Int32, in directory: URL) throws {
        try AtomicFile.write("\(code)\n", to: directory.appendingPathComponent(exitStatusFileName))
    }

    /// Removes what an earlier attempt left (result, exit status, log), so that it cannot stand
    /// in for the run about to start.
    public static func clearAttempt(in directory: URL) throws {
        for name in [SweepRunResult.fileName, exitStatusFileName, logFileName] {
            let url = directory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            do { try FileManager.default.removeItem(at: url) } catch {
                throw ScriptError(.io, "cannot remove \(url.path) left by an earlier attempt: \(FileIO.reason(error))")
            }
        }
    }

    /// The last `count` non-empty lines of its log (none when it has no log).
    public func logTail(_ count: Int = 6) -> [String] {
        guard let data = FileManager.default.contents(atPath: logURL.path) else { return [] }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        return lines.suffix(count).map(String.init)
    }

    /// A short phrase for the state: `done`, `failed: ...`, `ended with exit code 143`.
    public var stateText: String {
        switch state {
        case .done(let n): return n == 0 ? "done" : "done (\(n) expect\(n == 1 ? "" : "s") failed)"
        case .failed(let m): return "failed: \(m)"
        case .ended(let code): return "ended with exit code \(code)" + (ExitCode.endedBySignal(code) ? " (stopped by \(ExitCode(rawValue: code)?.signalName ?? "a signal"))" : "") + ", no result"
        case .unfinished: return "not finished"
        }
    }

    /// Every combination of the sweep whose directory is `sweepDirectory`
    /// (`<run>/sweep-<line>/`), in combination order.
    public static func all(in sweepDirectory: URL) -> [SweepCombination] {
        // A folder that cannot be listed has no combinations to show; the caller says none were found.
        let names = (try? FileManager.default.contentsOfDirectory(atPath: sweepDirectory.path)) ?? []
        var found: [(Int, URL)] = []
        for name in names {
            guard let us = name.firstIndex(of: "_"), let k = Int(name[..<us]) else { continue }
            var isDir: ObjCBool = false
            let url = sweepDirectory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue { found.append((k, url)) }
        }
        return found.sorted { $0.0 < $1.0 }.map { read($0.1, index: $0.0) }
    }

    /// The sweeps of a run directory: each `sweep-<line>` folder with its line, in line order.
    public static func sweeps(inRun run: URL) -> [(line: Int, directory: URL)] {
        // An unreadable run directory has no sweeps to list; the caller says so.
        let names = (try? FileManager.default.contentsOfDirectory(atPath: run.path)) ?? []
        return names.compactMap { name -> (Int, URL)? in
            guard name.hasPrefix("sweep-"), let line = Int(name.dropFirst(6)) else { return nil }
            return (line, run.appendingPathComponent(name))
        }.sorted { $0.0 < $1.0 }.map { (line: $0.0, directory: $0.1) }
    }
}
