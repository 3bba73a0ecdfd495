import Language
import Foundation
import Lab
import Plot

/// `report.html`: one self-contained page per run (inline SVG, inline CSS, no network) with
/// the outcome, each `expect` with the values it compared, every figure in a grid with its
/// title as caption, what the script printed, the final metrics, the settings as tables and
/// the script (syntax-highlighted by exp's own lexer).
struct ReportPage {
    let runtime: ExperimentRuntime
    let expects: [ExpectOutcome]
    let exitCode: Int32

    func write(to dir: RunDirectory) throws {
        try dir.write(html(dir), to: "report.html")
    }

    func html(_ dir: RunDirectory) -> String {
        let title = runtime.config.scriptPath.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "exp session"
        var body = "<h1>\(esc(title))</h1>\n"
        let status = exitCode == 0 ? "ok" : exitCode == 1 ? "an expect failed"
            : ExitCode.endedBySignal(exitCode) ? "interrupted (exit code \(exitCode)): the results stop where the run was stopped"
            : "stopped with an error (exit code \(exitCode))"
        body += "<p class=\"status \(exitCode == 0 ? "pass" : "fail")\">\(esc(status))</p>\n"
        if !expects.isEmpty {
            let passed = expects.filter(\.passed).count
            body += "<h2>Checks (\(passed)/\(expects.count) passed)</h2>\n<ul class=\"expects\">\n"
            for e in expects {
                body += "<li class=\"\(e.passed ? "pass" : "fail")\"><span class=\"mark\">\(e.passed ? "✔" : "✘")</span> <code>\(esc(e.text))</code>"
                    + (e.details.isEmpty ? "" : " <span class=\"details\">\(esc(e.details))</span>") + "</li>\n"
            }
            body += "</ul>\n"
        }
        if !runtime.figures.isEmpty {
            body += "<h2>Figures</h2>\n<div class=\"figures\">\n"
            for f in runtime.figures {
                // An untitled figure is captioned by its file name alone.
                let caption = runtime.figureTitles[f.name].map { "\(esc($0)) <span class=\"file\">\(esc(f.name))</span>" } ?? esc(f.name)
                body += "<figure\(Self.isWide(f.svg) ? " class=\"wide\"" : "")>\(Self.inlineSVG(f.svg))<figcaption>\(caption)</figcaption></figure>\n"
            }
            body += "</div>\n"
        }
        if !runtime.printedLines.isEmpty {
            body += "<h2>Output</h2>\n<pre class=\"output\">\(esc(runtime.printedLines.joined(separator: "\n")))</pre>\n"
            if runtime.printedDropped > 0 {
                body += "<p class=\"note\">… and \(runtime.printedDropped) more lines, not kept in this report.</p>\n"
            }
        }
        if let m = runtime.metrics, !m.names.isEmpty {
            body += "<h2>Metrics</h2>\n<table><tr><th>metric</th><th>points</th><th>first</th><th>last</th><th>min</th><th>max</th></tr>\n"
            for n in m.names {
                if let s = m.scalars[n] {
                    body += "<tr><td>\(esc(n))</td><td>\(s.count)</td>" + [s.first, s.last, s.min, s.max].map { "<td>\($0.map(num) ?? "")</td>" }.joined() + "</tr>\n"
                } else if let t = m.tensors[n] {
                    body += "<tr><td>\(esc(n))</td><td>\(t.values.count)</td><td colspan=\"4\">tensor \(t.values.last.map { "\($0.shape)" } ?? "")</td></tr>\n"
                }
            }
            body += "</table>\n"
        }
        for r in runtime.trainReports {
            body += "<p class=\"train\">trained \(r.stepsDone) steps" + (r.medianStepMs.map { String(format: ", %.3f ms/step (median)", $0) } ?? "")
                + (r.interrupted ? ", interrupted" : "") + "</p>\n"
        }
        body += settingsSection(dir)
        if let text = runtime.config.scriptText {
            body += "<h2>Script</h2>\n<pre class=\"script\">\(ScriptHighlighter.html(text))</pre>\n"
        }
        return Self.document(title: "\(title) — exp report", body: body)
    }

    /// settings.json as two tables: the script's lets, then the run's own entries.
    private func settingsSection(_ dir: RunDirectory) -> String {
        let url = dir.file("settings.json")
        // settings.json is written when the run directory is made; a report without it still
        // shows every result, so a failed read only leaves the section out.
        guard let data = try? FileIO.read(url),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return "" }
        var out = "<h2>Settings</h2>\n"
        if let lets = object["lets"] as? [String: Any], !lets.isEmpty {
            out += "<table class=\"settings\"><tr><th>let</th><th>value</th></tr>\n"
            for (k, v) in lets.sorted(by: { ($0.key.lowercased(), $0.key) < ($1.key.lowercased(), $1.key) }) { out += "<tr><td>\(esc(k))</td><td>\(esc(RunRecord.text(v)))</td></tr>\n" }
            out += "</table>\n"
        }
        out += "<table class=\"settings\"><tr><th>run</th><th>value</th></tr>\n"
        for (k, v) in object.sorted(by: { $0.key < $1.key }) where k != "lets" {
            if let nested = v as? [String: Any] {
                for (n, x) in nested.sorted(by: { $0.key < $1.key }) { out += "<tr><td>\(esc(k)).\(esc(n))</td><td>\(esc(RunRecord.text(x)))</td></tr>\n" }
            } else {
                out += "<tr><td>\(esc(k))</td><td>\(esc(RunRecord.text(v)))</td></tr>\n"
            }
        }
        return out + "</table>\n"
    }

    private func num(_ x: Double) -> String { Format.float(x) }

    /// True for a figure wider than two ordinary panels (a grid of heatmaps): it takes a whole
    /// row of the report's grid, so its panels are not shrunk to a quarter.
    static func isWide(_ svg: String) -> Bool {
        guard let r = svg.range(of: " width=\""), let end = svg[r.upperBound...].firstIndex(of: "\"") else { return false }
        return (Double(svg[r.upperBound..<end]) ?? 0) > 1000  // a width that is not a number: an ordinary cell
    }

    /// An SVG document as an element of the page (its XML declaration removed).
    static func inlineSVG(_ svg: String) -> String {
        guard svg.hasPrefix("<?xml"), let end = svg.range(of: "?>") else { return svg }
        return String(svg[end.upperBound...])
    }

    /// A whole page with the reports' shared style (a run's report, `exp compare`'s).
    /// Figures sit in a grid that fits as many per row as the window has room for; each SVG
    /// scales down to its cell.
    static func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(esc(title))</title>
        <style>
        body { font-family: system-ui, sans-serif; max-width: 1400px; margin: 2em auto; padding: 0 1em; color: #222; }
        h1 { font-size: 1.6em; } h2 { font-size: 1.2em; border-bottom: 1px solid #ddd; padding-bottom: .2em; margin-top: 1.6em; }
        .status.pass { color: #1a7f37; } .status.fail, li.fail { color: #b42318; } li.pass .mark { color: #1a7f37; }
        ul.expects { list-style: none; padding-left: 0; } ul.expects li { margin: .2em 0; } .details { color: #555; font-size: .9em; margin-left: .5em; }
        table { border-collapse: collapse; margin: .5em 0; } td, th { border: 1px solid #ddd; padding: .25em .6em; text-align: right; }
        td:first-child, th:first-child { text-align: left; } table.settings th { text-align: left; } table.settings td { text-align: left; font-family: ui-monospace, monospace; font-size: .9em; }
        pre { background: #f6f8fa; padding: .8em; overflow-x: auto; font-size: .85em; line-height: 1.4; }
        pre.output { max-height: 30em; overflow-y: auto; }
        .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 1em; align-items: start; }
        figure.wide { grid-column: 1 / -1; }
        figure { margin: 0; border: 1px solid #eee; padding: .4em; } figure svg { width: 100%; height: auto; }
        figcaption { text-align: center; color: #333; font-size: .95em; } figcaption .file { color: #888; font-size: .85em; margin-left: .4em; }
        .note { color: #666; font-size: .9em; }
        .kw { color: #8250df; font-weight: 600; } .num { color: #0550ae; } .str { color: #0a3069; } .com { color: #6e7781; font-style: italic; }
        </style></head><body>
        \(body)</body></html>

        """
    }
}

extension Figure {
    /// What a report captions this figure with: its title, or its panels' titles.
    var caption: String? {
        if let title, !title.isEmpty { return title }
        let titles: [String] = panels.compactMap {
            switch $0 {
            case .line(let c): return c.title
            case .scatter(let s): return s.title
            case .heatmap(let h): return h.title
            }
        }
        return titles.isEmpty ? nil : titles.joined(separator: ", ")
    }
}

func esc(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.count)
    for ch in s {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(ch)
        }
    }
    return out
}

/// Colours a script for HTML with exp's own lexer, so the report agrees with the language.
enum ScriptHighlighter {
    static func html(_ text: String) -> String {
        let file = SourceFile(name: "script.exp", text: text)
        let tokens = Lexer.tokenize(file).tokens
        let bytes = Array(text.utf8)
        var out = ""
        var at = 0
        // Text between tokens is spaces and comments; comments run from `#` to the line end.
        func gap(_ upTo: Int) {
            guard upTo > at else { return }
            let piece = String(decoding: bytes[at..<upTo], as: UTF8.self)
            var rest = Substring(piece)
            while let hash = rest.firstIndex(of: "#") {
                out += esc(String(rest[..<hash]))
                let end = rest[hash...].firstIndex(of: "\n") ?? rest.endIndex
                out += "<span class=\"com\">\(esc(String(rest[hash..<end])))</span>"
                rest = rest[end...]
            }
            out += esc(String(rest))
            at = upTo
        }
        for t in tokens {
            let lo = t.span.start.offset, hi = t.span.end.offset
            guard lo >= at, hi <= bytes.count, hi > lo else { continue }
            gap(lo)
            let piece = esc(String(decoding: bytes[lo..<hi], as: UTF8.self))
            switch t.kind {
            case .keyword: out += "<span class=\"kw\">\(piece)</span>"
            case .integer, .float: out += "<span class=\"num\">\(piece)</span>"
            case .string: out += "<span class=\"str\">\(piece)</span>"
            default: out += piece
            }
            at = hi
        }
        gap(bytes.count)
        return out
    }
}
