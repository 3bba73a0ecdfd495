import Foundation

/// The folder a run leaves behind: the script as run, the resolved settings, metrics, plots
/// and the report. Default location `runs/<script>/<yyyyMMdd-HHmmss>/` (a suffix `-2`, `-3`...
/// when that exists already).
public struct RunDirectory: Sendable {
    public let url: URL

    /// Creates the directory. `out` overrides the location (created if missing; reused if it
    /// exists, so `--out` can be pointed at a fixed folder).
    public static func create(scriptName: String, out: String?, root: String = "runs", now: Date = Date()) throws -> RunDirectory {
        let fm = FileManager.default
        var url: URL
        if let out {
            url = URL(fileURLWithPath: out)
        } else {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.dateFormat = "yyyyMMdd-HHmmss"
            let stem = (scriptName as NSString).deletingPathExtension
            let base = URL(fileURLWithPath: root).appendingPathComponent(stem.isEmpty ? "script" : stem)
            url = base.appendingPathComponent(f.string(from: now))
            var n = 2
            while fm.fileExists(atPath: url.path) {
                url = base.appendingPathComponent("\(f.string(from: now))-\(n)")
                n += 1
            }
        }
        try FileIO.createDirectories(url, what: "the run directory")
        return RunDirectory(url: url)
    }

    public init(url: URL) { self.url = url }

    /// The URL of a file inside the run directory (a relative `name` may contain folders).
    public func file(_ name: String) -> URL {
        name.hasPrefix("/") ? URL(fileURLWithPath: name) : url.appendingPathComponent(name)
    }

    /// Writes a file atomically.
    public func write(_ text: String, to name: String) throws {
        let target = file(name)
        try FileIO.createParent(of: target)
        try AtomicFile.write(text, to: target)
    }

    /// Writes `settings.json`: seed, overrides, version, precision, thread count, date.
    public func writeSettings(_ settings: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: settings, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(data, to: file("settings.json"))
    }
}
