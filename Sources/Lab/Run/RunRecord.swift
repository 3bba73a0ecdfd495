import Foundation

/// A run read back from its directory, for `exp compare`: its scalar metrics (metrics.csv)
/// and its settings (settings.json), flattened to `name -> text`.
///
/// A directory is a run when it holds metrics.csv or settings.json; a sweep combination's
/// directory (`<run>/sweep-<line>/<k>_<label>/`) is one too: its settings are the sweep's run's
/// settings.json with the combination's values (from its directory name) over them.
/// metrics.csv is read rather than metrics.json because a killed run has only the former.
public struct RunRecord: Sendable {
    public let directory: URL
    /// Scalar series in first-logged order.
    public let metrics: [MetricSeries]
    /// Flattened settings: a top-level let by its name, `seed`, `precision`, `git.commit`...
    public let settings: [String: String]
    /// Settings this run was told (`--set` names, a sweep combination's values): the knobs
    /// that label its curves, where lets computed from them (a final accuracy) only differ.
    public let chosen: Set<String>

    /// Settings that say nothing about how a run differs (its start time, the path it ran
    /// from, the `--set` texts, which its lets already show).
    static let incidental: Set<String> = ["started", "overrides", "script"]

    /// Reads the run in `directory`; the error says in plain words why it is not one.
    public static func read(_ directory: URL) throws -> RunRecord {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isDir) else {
            throw RunError.io("\(directory.path): no such directory")
        }
        guard isDir.boolValue else { throw RunError.io("\(directory.path) is a file, not a run directory") }
        let csv = directory.appendingPathComponent("metrics.csv")
        let settingsURL = directory.appendingPathComponent("settings.json")
        let combination = combinationValues(directory)
        let parentSettings = directory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("settings.json")
        let hasCSV = fm.fileExists(atPath: csv.path), hasSettings = fm.fileExists(atPath: settingsURL.path)
        guard hasCSV || hasSettings || (combination != nil && fm.fileExists(atPath: parentSettings.path)) else {
            // A folder of runs (`runs/<script>/`) is the likely mistake: name the runs inside.
            // An unreadable folder lists nothing, and the error stays the plain one.
            let inside = ((try? fm.contentsOfDirectory(atPath: directory.path)) ?? []).sorted().filter {
                fm.fileExists(atPath: directory.appendingPathComponent($0).appendingPathComponent("metrics.csv").path)
            }
            let hint = inside.isEmpty ? "" : "; it holds runs (\(inside.prefix(3).joined(separator: ", "))\(inside.count > 3 ? ", ..." : "")): pass those"
            throw RunError.format("\(directory.path) is not a run directory: it has no metrics.csv or settings.json" + hint)
        }
        guard hasCSV else {
            throw RunError.format("\(directory.path) logged no metrics (no metrics.csv): a run without a train or log has nothing to compare")
        }
        let metrics = try readCSV(csv)
        var settings: [String: String] = [:]
        if combination != nil, fm.fileExists(atPath: parentSettings.path) {
            settings = try flatten(parentSettings)
        }
        // Not a sweep combination: no values from the directory name.
        var chosen = Set((combination ?? []).map(\.0))
        for (k, v) in combination ?? [] { settings[k] = v }
        if hasSettings {
            for (k, v) in try flatten(settingsURL) { settings[k] = v }
            chosen.formUnion(try overrideNames(settingsURL))
        }
        if combination != nil, fm.fileExists(atPath: parentSettings.path) { chosen.formUnion(try overrideNames(parentSettings)) }
        return RunRecord(directory: directory, metrics: metrics, settings: settings, chosen: chosen)
    }

    /// The name a figure's legend uses when settings do not tell runs apart: the directory,
    /// with its parent for a sweep combination or a timestamped run (`sweep-4/0_lr=0.1`,
    /// `demo/20261201-120000`).
    public var shortName: String {
        let last = directory.standardizedFileURL.lastPathComponent
        let parent = directory.standardizedFileURL.deletingLastPathComponent().lastPathComponent
        return parent.isEmpty || parent == "/" || parent == "." ? last : parent + "/" + last
    }

    // MARK: - metrics.csv

    /// `step,name,value` rows. A series whose step goes back (a second train block logging
    /// the same name) starts again, as metrics.json keeps only the last block's.
    static func readCSV(_ url: URL) throws -> [MetricSeries] {
        let text = String(decoding: try FileIO.read(url), as: UTF8.self)
        var order: [String] = []
        var series: [String: MetricSeries] = [:]
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            lineNumber += 1
            if lineNumber == 1, line == "step,name,value" { continue }
            let fields = csvFields(Substring(line))
            guard fields.count == 3, let step = number(fields[0]), let value = number(fields[2]) else {
                throw RunError.format("\(url.path):\(lineNumber): not a step,name,value row: \(line.prefix(80))")
            }
            let name = fields[1]
            if series[name] == nil { order.append(name); series[name] = MetricSeries(name: name) }
            if let last = series[name]!.steps.last, step <= last { series[name] = MetricSeries(name: name) }
            series[name]!.append(step: step, value: value)
        }
        return order.compactMap { series[$0] }
    }

    static func number(_ s: String) -> Double? {
        switch s {
        case "nan": return .nan
        case "inf": return .infinity
        case "-inf": return -.infinity
        default: return Double(s)
        }
    }

    /// The fields of one CSV row (RFC 4180 quoting, as `MetricLog.csvField` writes it).
    static func csvFields(_ line: Substring) -> [String] {
        var fields: [String] = [], current = "", quoted = false, chars = Array(line), i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { current.append("\""); i += 1 } else { quoted = false }
                } else { current.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { fields.append(current); current = "" } else { current.append(c) }
            i += 1
        }
        fields.append(current)
        return fields
    }

    // MARK: - Settings

    /// settings.json as `name -> text`: each let under its own name, other entries by their
    /// key (`git.commit` for nested ones); incidental entries left out.
    public static func flatten(_ url: URL) throws -> [String: String] {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: try FileIO.read(url)) } catch let e as RunError { throw e } catch {
            throw RunError.format("\(url.path) is not valid JSON; was it written by exp?")
        }
        guard let top = object as? [String: Any] else { throw RunError.format("\(url.path) is not a settings object") }
        var out: [String: String] = [:]
        for (key, value) in top where !incidental.contains(key) {
            if key == "lets", let lets = value as? [String: Any] {
                for (n, v) in lets { out[n] = text(v) }
            } else if let nested = value as? [String: Any] {
                for (n, v) in nested { out[key + "." + n] = text(v) }
            } else {
                out[key] = text(value)
            }
        }
        return out
    }

    /// The `--set` names in settings.json (`seed` included when it was set).
    static func overrideNames(_ url: URL) throws -> [String] {
        let object = try JSONSerialization.jsonObject(with: try FileIO.read(url)) as? [String: Any]
        // A run without --set has no "overrides" entry.
        return ((object?["overrides"] as? [String: Any]) ?? [:]).keys.map { $0 }
    }

    /// A JSON value in one line: numbers and strings bare, anything else as compact JSON.
    public static func text(_ v: Any) -> String {
        if let s = v as? String { return s }
        if let n = v as? NSNumber {
            // JSONSerialization gives booleans as NSNumbers of type "c", whole numbers as
            // integer types and the rest as doubles.
            switch String(cString: n.objCType) {
            case "c": return n.boolValue ? "true" : "false"
            case "d", "f": return "\(n.doubleValue)"
            default: return "\(n.int64Value)"
            }
        }
        if v is NSNull { return "none" }
        // A tensor's summary (`RunSettings`) reads as `tensor [4, 3] float32`.
        if let o = v as? [String: Any], o.count == 1, let t = o["tensor"] as? [String: Any],
           let shape = t["shape"] as? [Any], let dtype = t["dtype"] as? String {
            return "tensor [\(shape.map(text).joined(separator: ", "))] \(dtype)"
        }
        // A list or object of JSON values is always valid JSON again.
        if let data = try? JSONSerialization.data(withJSONObject: v, options: [.sortedKeys]) { return String(decoding: data, as: UTF8.self) }
        return "\(v)"
    }

    /// `<k>_name=value_name=value` of a sweep combination's directory (inside `sweep-<line>`),
    /// as pairs; nil for any other directory.
    static func combinationValues(_ directory: URL) -> [(String, String)]? {
        let url = directory.standardizedFileURL
        guard url.deletingLastPathComponent().lastPathComponent.hasPrefix("sweep-") else { return nil }
        let name = url.lastPathComponent
        guard let underscore = name.firstIndex(of: "_"), name[..<underscore].allSatisfy(\.isNumber) else { return nil }
        let rest = String(name[name.index(after: underscore)...])
        // The label joins `name=value` with `_`, and names may hold `_` too: a piece without
        // `=` is taken as the start of the next name (sweep values are numbers and words,
        // names are identifiers, which is where underscores are common).
        var pairs: [(String, String)] = []
        var namePrefix: [String] = []
        for part in rest.split(separator: "_", omittingEmptySubsequences: false).map(String.init) {
            guard let eq = part.firstIndex(of: "=") else { namePrefix.append(part); continue }
            let name = (namePrefix + [String(part[..<eq])]).joined(separator: "_")
            pairs.append((name, String(part[part.index(after: eq)...])))
            namePrefix = []
        }
        return pairs
    }
}
