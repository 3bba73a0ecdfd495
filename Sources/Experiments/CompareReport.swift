import Language
import Foundation
import Lab
import Plot

/// `exp compare RUNDIR...`: one report overlaying the same metric across runs (the W&B habit,
/// locally). Each metric every run logged gets a figure with one curve per run; a table lists
/// the settings that differ between the runs, and those settings label the curves.
///
/// A run is any directory `exp run` made, or a sweep combination's directory inside one.
/// The report goes to `--out DIR` or `runs/compare/<time>/`: `report.html` (self-contained)
/// and one SVG per metric.
public struct CompareReport {
    public let runs: [RunRecord]
    /// Metrics logged by every run, in the first run's order.
    public let shared: [String]
    /// Metrics some runs logged and others did not (named in the report, not drawn).
    public let unshared: [String]
    /// Settings whose values are not the same in every run (absent counts as a value): the
    /// ones a run was told (`--set`, sweep values) first, then lets, then the run's own entries.
    public let differing: [String]
    /// Each run's curve label.
    public let labels: [String]

    /// Reads the runs; the error names the first directory that is not a usable run, or says
    /// why the runs cannot be compared (fewer than two, the same one twice, no metric shared).
    public init(directories: [String]) throws {
        guard directories.count >= 2 else {
            throw RunError.format("exp compare needs at least two run directories, got \(directories.count)")
        }
        var seen: [String: String] = [:]
        for d in directories {
            let key = URL(fileURLWithPath: d).standardizedFileURL.resolvingSymlinksInPath().path
            if let first = seen[key] { throw RunError.format("\(d) is given twice (as \(first) too); compare different runs") }
            seen[key] = d
        }
        let runs = try directories.map { try RunRecord.read(URL(fileURLWithPath: $0)) }
        self.runs = runs
        let names = runs.map { Set($0.metrics.map(\.name)) }
        let everyone = names.dropFirst().reduce(names[0]) { $0.intersection($1) }
        shared = runs[0].metrics.map(\.name).filter { everyone.contains($0) }
        var order: [String] = []
        for r in runs { for m in r.metrics where !everyone.contains(m.name) && !order.contains(m.name) { order.append(m.name) } }
        unshared = order
        guard !shared.isEmpty else {
            let listing = runs.map { "\($0.shortName): \($0.metrics.map(\.name).joined(separator: ", "))" }.joined(separator: "; ")
            throw RunError.format("no metric is logged by every run (\(listing)); compare runs that log the same names")
        }
        let keys = Set(runs.flatMap { $0.settings.keys })
        // A setting one run lacks (an older exp, a let only one script has) shows as "—".
        let sorted = keys.filter { k in Set(runs.map { $0.settings[k] ?? "—" }).count > 1 }.sorted(by: CompareReport.settingOrder)
        // The settings the runs were told first (they explain the rest).
        let chosen = Set(runs.flatMap(\.chosen))
        differing = sorted.filter { chosen.contains($0) } + sorted.filter { !chosen.contains($0) }
        labels = CompareReport.labels(runs, differing)
    }

    /// Lets first (what a researcher changes), then the run's own entries (seed, git...).
    static func settingOrder(_ a: String, _ b: String) -> Bool {
        let ra = a.contains(".") || ["exp_version", "precision", "threads"].contains(a)
        let rb = b.contains(".") || ["exp_version", "precision", "threads"].contains(b)
        return ra == rb ? a < b : !ra
    }

    /// `lr=0.1, seed=2` from the differing settings (at most four; a commit is shortened), or
    /// the directory name when those do not tell the runs apart. Settings a run was told
    /// (`--set`, a sweep's values) are preferred: a let computed from them (a final loss)
    /// differs too, but names a result, not the run.
    static func labels(_ runs: [RunRecord], _ differing: [String]) -> [String] {
        let chosen = Set(runs.flatMap(\.chosen))
        let knobs = differing.filter { chosen.contains($0) }
        let shown = (knobs.isEmpty ? differing : knobs).filter { $0 != "git.dirty" }.prefix(4)
        let fromSettings = runs.map { r in
            shown.map { k in "\(k)=\(value(r.settings[k] ?? "—", key: k))" }.joined(separator: ", ")
        }
        if !shown.isEmpty, Set(fromSettings).count == runs.count { return fromSettings }
        let short = runs.map(\.shortName)
        if Set(short).count == runs.count { return short }
        return runs.map(\.directory.path)
    }

    static func value(_ v: String, key: String) -> String {
        key == "git.commit" ? String(v.prefix(8)) : (v.count > 40 ? String(v.prefix(40)) + "…" : v)
    }

    // MARK: - Figures

    /// The figure of one shared metric: a curve per run. The y axis is logarithmic when every
    /// value is positive and they span more than two decades (a loss falling to 1e-4 would
    /// otherwise be a flat line along the axis).
    public func figure(_ metric: String) -> Figure {
        let series = zip(runs, labels).compactMap { run, label -> Series? in
            guard let s = run.metrics.first(where: { $0.name == metric }) else { return nil }
            return Series(label, xs: s.steps, ys: s.values)
        }
        let finite = series.flatMap(\.ys).filter(\.isFinite)
        let logY = !finite.isEmpty && finite.allSatisfy { $0 > 0 } && (finite.max()! / finite.min()!) > 100
        return Figure(LineChart(title: metric, series: series, x: Axis(label: "step"),
                                y: Axis(label: metric, scale: logY ? .log : .linear)))
    }

    /// The SVG file name of a metric's figure.
    static func fileName(_ metric: String, index: Int) -> String {
        let safe = String(metric.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" }.prefix(80))
        return String(format: "%02d_", index + 1) + (safe.isEmpty ? "metric" : safe) + ".svg"
    }

    // MARK: - Writing

    /// Writes report.html and the figures into `out` (or `runs/compare/<time>/`); returns the
    /// report's URL.
    @discardableResult
    public func write(out: String?, root: String = "runs") throws -> URL {
        if let out {
            // The report's report.html must not replace a run's own.
            if FileManager.default.fileExists(atPath: URL(fileURLWithPath: out).appendingPathComponent("settings.json").path) {
                throw RunError.format("--out \(out) holds a run (its settings.json); choose another directory for the comparison")
            }
            try FileIO.createDirectories(URL(fileURLWithPath: out), what: "the report directory")
        }
        let dir = try RunDirectory.create(scriptName: "compare", out: out, root: root)
        var figures: [(file: String, caption: String, svg: String)] = []
        for (i, m) in shared.enumerated() {
            let svg = figure(m).svg()
            let file = Self.fileName(m, index: i)
            try dir.write(svg, to: file)
            figures.append((file, m, svg))
        }
        try dir.write(html(figures), to: "report.html")
        return dir.file("report.html")
    }

    func html(_ figures: [(file: String, caption: String, svg: String)]) -> String {
        var body = "<h1>Comparing \(runs.count) runs</h1>\n"
        body += "<h2>Runs</h2>\n<table class=\"settings\"><tr><th>curve</th><th>directory</th></tr>\n"
        for (r, l) in zip(runs, labels) { body += "<tr><td>\(esc(l))</td><td><code>\(esc(r.directory.path))</code></td></tr>\n" }
        body += "</table>\n"
        body += "<h2>Settings that differ</h2>\n"
        if differing.isEmpty {
            body += "<p>The runs have the same settings.</p>\n"
        } else {
            body += "<table class=\"settings differ\"><tr><th>setting</th>" + labels.map { "<th>\(esc($0))</th>" }.joined() + "</tr>\n"
            for k in differing {
                body += "<tr><td>\(esc(k))</td>" + runs.map { "<td>\(esc($0.settings[k] ?? "—"))</td>" }.joined() + "</tr>\n"
            }
            body += "</table>\n"
        }
        let same = Set(runs.flatMap { $0.settings.keys }).subtracting(differing).sorted(by: Self.settingOrder)
        if !same.isEmpty {
            body += "<details><summary>Settings all runs share (\(same.count))</summary>\n<table class=\"settings\">\n"
            // A shared setting has the same value in every run, so the first run's stands for all.
            for k in same { body += "<tr><td>\(esc(k))</td><td>\(esc(runs[0].settings[k] ?? ""))</td></tr>\n" }
            body += "</table></details>\n"
        }
        body += "<h2>Final values</h2>\n<table><tr><th>metric</th>" + labels.map { "<th>\(esc($0))</th>" }.joined() + "</tr>\n"
        for m in shared {
            // Every run logged a shared metric; an empty cell is only a series with no point.
            body += "<tr><td>\(esc(m))</td>" + runs.map { r in
                "<td>" + (r.metrics.first { $0.name == m }?.last.map(Format.float) ?? "") + "</td>"
            }.joined() + "</tr>\n"
        }
        body += "</table>\n"
        if !unshared.isEmpty {
            body += "<p class=\"note\">Not drawn, as only some runs logged them: \(unshared.map { "<code>\(esc($0))</code>" }.joined(separator: ", ")).</p>\n"
        }
        body += "<h2>Figures</h2>\n<div class=\"figures\">\n"
        for f in figures {
            body += "<figure>\(ReportPage.inlineSVG(f.svg))<figcaption>\(esc(f.caption))</figcaption></figure>\n"
        }
        body += "</div>\n"
        return ReportPage.document(title: "exp compare", body: body)
    }
}
