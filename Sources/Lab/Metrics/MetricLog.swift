import Foundation
import Tensors

/// Everything a run logs, in first-logged order, appended to disk as it is logged.
///
/// Files in the run directory:
/// - `metrics.csv`: `step,name,value`, one row per logged scalar, in logging order;
/// - `metrics.jsonl`: one JSON object per line, the same rows in the same order
///   (`{"step":10,"name":"loss","value":0.25}`), plus a line per logged tensor naming its slice
///   (`{"step":10,"name":"W","file":"tensors/W.npy","index":1,"shape":[2,2]}`);
/// - `tensors/NAME.npy`: each tensor series, growing by one slice per logged step;
/// - `metrics.json`: every series whole, written once by `close()` when the script ends;
/// - `events.out.tfevents.<time>.<host>`: the scalars as a TensorBoard event file
///   (`TensorBoardEvents`), appended at the same moments as the CSV.
///
/// The CSV and JSON-lines files are only ever appended to, by whole lines (`LineFile`), so a
/// run killed at any moment leaves complete rows; the work per logged value is constant.
/// Lines are buffered and written when 64 KiB have gathered, half a second has passed, or at
/// `flush()` (the end of each train block), so a `kill -9` loses at most that last half second.
/// The CSV is written before the JSON lines, so at any moment both hold the same rows, the
/// JSON lines at most one write behind.
public final class MetricLog {
    public private(set) var names: [String] = []
    public private(set) var scalars: [String: MetricSeries] = [:]
    public private(set) var tensors: [String: TensorSeries] = [:]
    /// Where the metrics files go; nil keeps everything in memory.
    public let directory: URL?
    private let csvFile: LineFile?
    private let jsonlFile: LineFile?
    private let events: TensorBoardEvents?
    /// The .npy files of each tensor series and the steps each holds (a reset or a change of
    /// shape starts a new file, so no file mixes two series or two shapes).
    private var parts: [String: [TensorPart]] = [:]
    private var usedFileNames: Set<String> = []
    private var lastWrite = DispatchTime.now().uptimeNanoseconds
    private var closed = false

    struct TensorPart {
        let file: String
        let npy: GrowingNPY?
        var steps: [Double] = []
    }

    /// The files and folder a log writes in its directory.
    public static let fileNames = ["metrics.csv", "metrics.jsonl", "metrics.json", "tensors"]

    public init(directory: URL? = nil) {
        self.directory = directory
        csvFile = directory.map { LineFile(url: $0.appendingPathComponent("metrics.csv")) }
        jsonlFile = directory.map { LineFile(url: $0.appendingPathComponent("metrics.jsonl")) }
        csvFile?.append("step,name,value")
        events = directory.map { TensorBoardEvents(directory: $0) }
    }

    /// Starts `name` afresh (a second train block logging the same name replaces the first's in
    /// memory and in metrics.json; the earlier rows stay in the CSV and JSON lines, before the
    /// new ones).
    public func reset(_ name: String) {
        if scalars[name] != nil { scalars[name] = MetricSeries(name: name) }
        if tensors[name] != nil {
            tensors[name] = TensorSeries(name: name)
            parts[name] = []
        }
    }

    /// Records a scalar. A name first logged as a tensor cannot become a scalar series.
    public func record(_ name: String, step: Double, value: Double) throws {
        if tensors[name] != nil { throw OptimizerError("metric \(name) was logged as a tensor before") }
        if scalars[name] == nil { names.append(name); scalars[name] = MetricSeries(name: name) }
        scalars[name]!.append(step: step, value: value)
        guard let csvFile, let jsonlFile else { return }
        csvFile.append(MetricLog.number(step) + "," + MetricLog.csvField(name) + "," + MetricLog.number(value))
        jsonlFile.append("{\"step\":\(MetricLog.jsonNumber(step)),\"name\":\(MetricLog.jsonString(name)),\"value\":\(MetricLog.jsonNumber(value))}")
        events?.scalar(name, step: step, value: value)
        try writeIfDue()
    }

    /// Records a tensor (copied, so later in-place changes cannot alter history).
    public func record(_ name: String, step: Double, tensor: Tensor) throws {
        if scalars[name] != nil { throw OptimizerError("metric \(name) was logged as a scalar before") }
        if tensors[name] == nil { names.append(name); tensors[name] = TensorSeries(name: name); parts[name] = [] }
        let value = tensor.copied()
        tensors[name]!.steps.append(step)
        tensors[name]!.values.append(value)
        guard let directory, let jsonlFile else { return }
        if parts[name]!.last.map({ $0.npy?.shape != value.shape }) ?? true {
            let file = "tensors/" + uniqueFileName(MetricLog.fileSafe(name))
            let dir = directory.appendingPathComponent("tensors")
            try FileIO.createDirectories(dir)
            parts[name]!.append(TensorPart(file: file, npy: try GrowingNPY(url: directory.appendingPathComponent(file), shape: value.shape, dtype: value.dtype)))
        }
        let k = parts[name]!.count - 1
        let index = try parts[name]![k].npy!.append(value)
        parts[name]![k].steps.append(step)
        jsonlFile.append("{\"step\":\(MetricLog.jsonNumber(step)),\"name\":\(MetricLog.jsonString(name)),\"file\":\(MetricLog.jsonString(parts[name]![k].file)),\"index\":\(index),\"shape\":[\(value.shape.map(String.init).joined(separator: ","))]}")
        try writeIfDue()
    }

    /// Writes buffered rows when enough have gathered or enough time has passed.
    private func writeIfDue() throws {
        guard let csvFile else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        // The JSON lines and events files exist exactly when the CSV does; 0 is their absence.
        if csvFile.buffered + (jsonlFile?.buffered ?? 0) + (events?.file.buffered ?? 0) < 1 << 16, now &- lastWrite < 500_000_000 { return }
        lastWrite = now
        try csvFile.write()
        try jsonlFile?.write()
        try events?.file.write()
    }

    /// Writes every buffered row and puts the files on disk (the end of a train block).
    public func flush() throws {
        lastWrite = DispatchTime.now().uptimeNanoseconds
        try csvFile?.sync()
        try jsonlFile?.sync()
        try events?.file.sync()
        for series in parts.values { for p in series { p.npy?.sync() } }
    }

    /// Flushes and writes metrics.json, every series whole (once, when the script ends; a run
    /// killed before has its series in metrics.jsonl).
    /// metrics.json is written even when the appended files cannot take their last rows (it
    /// holds everything); the first error is the one reported.
    public func close() throws {
        var failure: Error?
        do { try flush() } catch { failure = error }
        if let directory, !closed {
            closed = true
            do { try AtomicFile.write(try json(), to: directory.appendingPathComponent("metrics.json")) } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
    }

    /// All series as JSON: scalars with steps and values; tensors with steps, shape and file.
    public func json() throws -> Data {
        var metrics: [String: Any] = [:]
        for name in names {
            if let s = scalars[name] {
                metrics[name] = ["steps": s.steps, "values": s.values.map { $0.isFinite ? $0 as Any : String($0) }]
            } else if let t = tensors[name] {
                let shapes = t.values.map(\.shape)
                let files = parts[name] ?? []
                if shapes.allSatisfy({ $0 == shapes.first }), files.count <= 1 {
                    metrics[name] = ["steps": t.steps, "shape": t.values.last?.shape ?? [], "file": files.first?.file ?? NSNull()]
                } else {
                    metrics[name] = ["steps": t.steps, "shapes": shapes, "file": NSNull(),
                                     "parts": files.map { ["file": $0.file, "steps": $0.steps] },
                                     "note": "the shape changed between steps: each part's .npy holds the steps of one shape"]
                }
            }
        }
        return try JSONSerialization.data(withJSONObject: ["order": names, "metrics": metrics], options: [.prettyPrinted, .sortedKeys])
    }

    /// `base.npy`, or `base-2.npy`, ... when an earlier series (or another name with the same
    /// file-safe spelling) has it.
    private func uniqueFileName(_ base: String) -> String {
        var name = base + ".npy", n = 2
        while usedFileNames.contains(name) { name = "\(base)-\(n).npy"; n += 1 }
        usedFileNames.insert(name)
        return name
    }

    static func number(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }

    /// JSON has no NaN or infinity: those are the strings "nan", "inf", "-inf" (as in metrics.json).
    static func jsonNumber(_ x: Double) -> String {
        x.isFinite ? number(x) : "\"" + number(x) + "\""
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static func fileSafe(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" })
    }
}
