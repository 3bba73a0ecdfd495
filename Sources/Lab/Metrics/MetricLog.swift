import Foundation
import Tensors

/// Everything a run logs, in first-logged order, mirrored to disk as it grows.
///
/// Writes are throttled (at most about twice a second, plus every `flush()`), and each write
/// replaces the files atomically, so an interrupted or crashed run keeps what it had.
public final class MetricLog {
    public private(set) var names: [String] = []
    public private(set) var scalars: [String: MetricSeries] = [:]
    public private(set) var tensors: [String: TensorSeries] = [:]
    /// Where the metrics files go; nil keeps everything in memory.
    public let directory: URL?
    private var lastWrite = Date.distantPast
    private var dirty = false

    public init(directory: URL? = nil) { self.directory = directory }

    /// Starts `name` afresh (a second train block logging the same name replaces the first's).
    public func reset(_ name: String) {
        if scalars[name] != nil { scalars[name] = MetricSeries(name: name) }
        if tensors[name] != nil { tensors[name] = TensorSeries(name: name) }
        dirty = true
    }

    /// Records a scalar. A name first logged as a tensor cannot become a scalar series.
    public func record(_ name: String, step: Double, value: Double) throws {
        if tensors[name] != nil { throw OptimizerError("metric \(name) was logged as a tensor before") }
        if scalars[name] == nil { names.append(name); scalars[name] = MetricSeries(name: name) }
        scalars[name]!.append(step: step, value: value)
        try changed()
    }

    /// Records a tensor (copied, so later in-place changes cannot alter history).
    public func record(_ name: String, step: Double, tensor: Tensor) throws {
        if scalars[name] != nil { throw OptimizerError("metric \(name) was logged as a scalar before") }
        if tensors[name] == nil { names.append(name); tensors[name] = TensorSeries(name: name) }
        tensors[name]!.steps.append(step)
        tensors[name]!.values.append(tensor.copied())
        try changed()
    }

    private func changed() throws {
        dirty = true
        if Date().timeIntervalSince(lastWrite) > 0.5 { try flush() }
    }

    /// Writes metrics.csv and metrics.json (and tensors/*.npy) now, if anything changed.
    public func flush() throws {
        guard dirty, let directory else { return }
        dirty = false
        lastWrite = Date()
        try AtomicFile.write(Data(csv().utf8), to: directory.appendingPathComponent("metrics.csv"))
        try AtomicFile.write(try json(), to: directory.appendingPathComponent("metrics.json"))
        for (name, series) in tensors where !series.values.isEmpty {
            // A series whose shape changes has no single array: metrics.json says so (`file`
            // null, every step's shape) instead of naming a file that is not there.
            if let stacked = try? stack(series.values) {
                let dir = directory.appendingPathComponent("tensors")
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                try AtomicFile.write(NPY.encode(stacked), to: dir.appendingPathComponent("\(MetricLog.fileSafe(name)).npy"))
            }
        }
    }

    /// Scalar metrics as a wide CSV: one row per step, one column per metric, empty where a
    /// metric was not logged at that step.
    public func csv() -> String {
        let scalarNames = names.filter { scalars[$0] != nil }
        var rows: [Double: [String: Double]] = [:]
        for name in scalarNames {
            for (s, v) in zip(scalars[name]!.steps, scalars[name]!.values) { rows[s, default: [:]][name] = v }
        }
        var out = (["step"] + scalarNames.map(MetricLog.csvField)).joined(separator: ",") + "\n"
        for step in rows.keys.sorted() {
            let cells = scalarNames.map { rows[step]![$0].map(MetricLog.number) ?? "" }
            out += ([MetricLog.number(step)] + cells).joined(separator: ",") + "\n"
        }
        return out
    }

    /// All series as JSON: scalars with steps and values; tensors with steps, shape and file.
    public func json() throws -> Data {
        var metrics: [String: Any] = [:]
        for name in names {
            if let s = scalars[name] {
                metrics[name] = ["steps": s.steps, "values": s.values.map { $0.isFinite ? $0 as Any : String($0) }]
            } else if let t = tensors[name] {
                let shapes = t.values.map(\.shape)
                if shapes.allSatisfy({ $0 == shapes.first }) {
                    metrics[name] = ["steps": t.steps, "shape": t.values.last?.shape ?? [], "file": "tensors/\(MetricLog.fileSafe(name)).npy"]
                } else {
                    metrics[name] = ["steps": t.steps, "shapes": shapes, "file": NSNull(),
                                     "note": "the shape changed between steps, so no single .npy holds this series"]
                }
            }
        }
        return try JSONSerialization.data(withJSONObject: ["order": names, "metrics": metrics], options: [.prettyPrinted, .sortedKeys])
    }

    private func stack(_ values: [Tensor]) throws -> Tensor {
        guard let shape = values.first?.shape, values.allSatisfy({ $0.shape == shape }) else {
            throw OptimizerError("shapes differ")
        }
        let flat = values.flatMap { $0.toDoubles() }
        return try Tensor(flat, shape: [values.count] + shape, dtype: values[0].dtype.isFloating ? values[0].dtype : .float64)
    }

    static func number(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static func fileSafe(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" })
    }
}
