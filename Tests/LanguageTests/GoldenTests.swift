@testable import Experiments
import Foundation
import Language
import Testing

/// Golden scripts: each `.exp` under Golden/ states its expected output in comments —
/// `# expect: <line>` for each printed line in order, and optionally `# error: L:C: <text>`
/// for the diagnostic the run must end with (its line, column and a message substring), and
/// `# exit: N` for the exit code (default 0, or 65/70 with an error, 1 after a failed expect).
@Suite struct GoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var files: [String] {
        guard let e = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        return e.compactMap { $0 as? String }.filter { $0.hasSuffix(".exp") }.sorted()
    }

    struct Expectation {
        var lines: [String] = []
        var error: (line: Int, column: Int, text: String)?
        var exit: Int32?
    }

    static func expectation(_ text: String) -> Expectation {
        var e = Expectation()
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let hash = raw.range(of: "# ") else { continue }
            let comment = raw[hash.upperBound...]
            if comment.hasPrefix("expect: ") {
                e.lines.append(String(comment.dropFirst("expect: ".count)))
            } else if comment == "expect:" {
                e.lines.append("")
            } else if comment.hasPrefix("error: ") {
                let rest = comment.dropFirst("error: ".count)
                let parts = rest.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
                if parts.count == 3, let l = Int(parts[0]), let c = Int(parts[1]) {
                    e.error = (l, c, parts[2].trimmingCharacters(in: .whitespaces))
                }
            } else if comment.hasPrefix("exit: "), let n = Int32(comment.dropFirst("exit: ".count)) {
                e.exit = n
            }
        }
        return e
    }

    /// Runs one script in-process; returns printed lines, rendered diagnostics and the exit code.
    static func run(_ path: String) -> (lines: [String], errors: String, code: Int32) {
        final class Sink: @unchecked Sendable { var out: [String] = []; var err = "" }
        let sink = Sink()
        // Paths in printed lines (expect failures) are shown relative to the Golden folder.
        let prefix = directory.path + "/"
        var runner = ScriptRunner(output: { text in
                                      let lines = text.replacingOccurrences(of: prefix, with: "").split(separator: "\n", omittingEmptySubsequences: false)
                                      sink.out.append(contentsOf: lines.map(String.init)) },
                                  errorOutput: { sink.err += $0 })
        runner.options.stepLimit = 50_000_000
        // Experiment statements write into a fresh temporary run directory per script.
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("exp-golden-\(UUID().uuidString)").path
        var config = ExperimentRuntime.Config(scriptPath: path, scriptText: try? String(contentsOfFile: path, encoding: .utf8), outDirectory: out)
        config.quiet = true
        runner.makeExperiments = { ExperimentRuntime(config) }
        let code = runner.run(path: path)
        try? FileManager.default.removeItem(atPath: out)
        return (sink.out, sink.err, code.rawValue)
    }

    @Test func thereAreEnoughGoldenScripts() {
        #expect(Self.files.count >= 150)
    }

    @Test(arguments: files)
    func golden(_ name: String) throws {
        let path = Self.directory.appendingPathComponent(name).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let want = Self.expectation(text)
        let got = Self.run(path)
        #expect(got.lines == want.lines, "printed output of \(name); stderr: \(got.errors)")
        if let e = want.error {
            let place = "\(path):\(e.line):\(e.column): error: "
            #expect(got.errors.contains(place), "\(name): expected an error at \(e.line):\(e.column), got: \(got.errors)")
            #expect(got.errors.contains(e.text), "\(name): expected error text \"\(e.text)\", got: \(got.errors)")
            #expect(got.code == (want.exit ?? got.code) && got.code != 0, "\(name): exit code \(got.code)")
        } else {
            #expect(got.code == (want.exit ?? 0), "\(name): exit code \(got.code); stderr: \(got.errors)")
        }
    }
}
