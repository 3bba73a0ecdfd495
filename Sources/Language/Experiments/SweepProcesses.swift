import Foundation
import Lab

/// Runs a sweep's combinations in child processes, `jobs` at a time: each child is this same
/// `exp` binary re-running the script with `--sweep-child`, which runs only its combination of
/// this sweep (seeded exactly as a sequential run would be) and writes its logged series as
/// JSON. The script before the sweep runs again in each child; it is deterministic (same seed).
struct SweepProcesses {
    let runtime: ExperimentRuntime
    let line: Int, column: Int
    let span: SourceSpan

    /// The logged series of each combination, in combination order.
    func run(total: Int) throws -> [[String: MetricSeries]] {
        guard let script = runtime.config.scriptPath else { throw ScriptError(.runtime, "internal: no script for sweep processes", span: span) }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("exp-sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        var running: [(Int, Process, Pipe)] = []
        var failures: [(Int, String)] = []
        var next = 0
        func reap(_ i: Int) {
            let (k, p, err) = running.remove(at: i)
            p.waitUntilExit()
            if p.terminationStatus != 0 || !FileManager.default.fileExists(atPath: resultPath(tmp, k)) {
                failures.append((k, String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)))
            }
        }
        while next < total || !running.isEmpty {
            while next < total && running.count < max(runtime.config.jobs, 1) {
                let p = Process()
                p.executableURL = exe
                var args = ["run", script, "--quiet", "--out", tmp.appendingPathComponent("run\(next)").path,
                            "--sweep-child", SweepChild(line: line, column: column, index: next, resultPath: resultPath(tmp, next)).argument]
                for (k, v) in runtime.config.overrides.sorted(by: { $0.key < $1.key }) { args += ["--set", "\(k)=\(v)"] }
                p.arguments = args
                let err = Pipe()
                p.standardOutput = FileHandle.nullDevice
                p.standardError = err
                do { try p.run() } catch {
                    throw ScriptError(.runtime, "cannot start a sweep process: \(error.localizedDescription)", hint: "run with --jobs 1", span: span)
                }
                running.append((next, p, err))
                if !runtime.quiet { FileHandle.standardError.write(Data("sweep run \(next + 1)/\(total) started\n".utf8)) }
                next += 1
            }
            if let done = running.firstIndex(where: { !$0.1.isRunning }) { reap(done) } else { usleep(20_000) }
        }
        if let (k, err) = failures.min(by: { $0.0 < $1.0 }) {
            throw ScriptError(.runtime, "sweep run \(k + 1) of \(total) failed:\n\(err.trimmingCharacters(in: .whitespacesAndNewlines))", span: span)
        }
        return try (0..<total).map { k in try SweepProcesses.decode(Data(contentsOf: URL(fileURLWithPath: resultPath(tmp, k)))) }
    }

    private func resultPath(_ dir: URL, _ k: Int) -> String { dir.appendingPathComponent("result\(k).json").path }

    // MARK: - The child's result file

    static func encode(_ runs: [String: MetricSeries]) throws -> Data {
        func number(_ x: Double) -> Any { x.isFinite ? x : String(x) }
        let object = runs.mapValues { ["steps": $0.steps.map(number), "values": $0.values.map(number)] }
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    static func decode(_ data: Data) throws -> [String: MetricSeries] {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: [String: [Any]]] else {
            throw ScriptError(.runtime, "a sweep process wrote an unreadable result")
        }
        func number(_ v: Any) -> Double { (v as? Double) ?? (v as? String).flatMap(Double.init) ?? .nan }
        var out: [String: MetricSeries] = [:]
        for (name, fields) in object {
            out[name] = MetricSeries(name: name, steps: (fields["steps"] ?? []).map(number), values: (fields["values"] ?? []).map(number))
        }
        return out
    }
}
