import Language
import Foundation
import Lab

/// `exp run FILE --transcript`: `transcript.md` in the run directory, the script read as a
/// notebook. Its statements in order (with the comments and blank lines between them), each
/// followed by what it printed, the checks it made with their values, what a training did, and
/// the figures it drew as images beside the file, so GitHub shows the whole run as is.
///
/// Statements that produce nothing share the code block of the next one that does, so a run of
/// definitions reads as one block. An error or interrupt is shown after the statement it
/// stopped, and the statements after it are not listed (they did not run).
final class RunTranscript {
    private struct Chunk {
        var code: String
        var printed = ""
        var expects: [ExpectOutcome] = []
        var trainings: [TrainReport] = []
        var figures: [String] = []
        var failure = ""
        var isEmpty: Bool { printed.isEmpty && expects.isEmpty && trainings.isEmpty && figures.isEmpty && failure.isEmpty }
    }

    private let source: SourceFile
    private let runtime: ExperimentRuntime
    private var chunks: [Chunk] = []
    /// Byte offset in the source where the next statement's text starts (after the last one's).
    private var cursor = 0
    /// What the runtime held when the current statement started.
    private var expectsBefore = 0
    private var trainingsBefore = 0
    private var figuresBefore: [String: String] = [:]

    init(source: SourceFile, runtime: ExperimentRuntime) {
        self.source = source
        self.runtime = runtime
    }

    /// A top-level statement is about to run.
    func begin(_ span: SourceSpan) {
        close()
        let bytes = source.bytes
        let start = min(max(cursor, 0), bytes.count)
        let end = min(max(span.end.offset, start), bytes.count)
        chunks.append(Chunk(code: String(decoding: bytes[start..<end], as: UTF8.self)))
        cursor = end
        expectsBefore = runtime.expects.count
        trainingsBefore = runtime.trainReports.count
        figuresBefore = Dictionary(runtime.figures.map { ($0.name, $0.svg) }, uniquingKeysWith: { _, b in b })
    }

    /// `print` output of the current statement.
    func printed(_ text: String) {
        if chunks.isEmpty { chunks.append(Chunk(code: "")) }
        chunks[chunks.count - 1].printed += text
    }

    /// A diagnostic the run reported (its error, or where a signal stopped it).
    func failed(_ text: String) {
        if chunks.isEmpty { chunks.append(Chunk(code: "")) }
        chunks[chunks.count - 1].failure += Self.withoutEscapes(text)
    }

    /// Files what the current statement left in the runtime: its expects, trainings, figures.
    private func close() {
        guard !chunks.isEmpty else { return }
        var c = chunks[chunks.count - 1]
        c.expects += runtime.expects.dropFirst(expectsBefore)
        c.trainings += runtime.trainReports.dropFirst(trainingsBefore)
        for f in runtime.figures where figuresBefore[f.name] != f.svg && !c.figures.contains(f.name) { c.figures.append(f.name) }
        chunks[chunks.count - 1] = c
        expectsBefore = runtime.expects.count
        trainingsBefore = runtime.trainReports.count
        figuresBefore = Dictionary(runtime.figures.map { ($0.name, $0.svg) }, uniquingKeysWith: { _, b in b })
    }

    /// The Markdown text.
    func markdown(exitCode: ExitCode) -> String {
        close()
        let name = URL(fileURLWithPath: source.name).lastPathComponent
        var out = "# \(name)\n\n"
        var status = "exit code \(exitCode.rawValue)"
        if let signal = exitCode.signalName { status += " (stopped by \(signal))" }
        out += "Transcript of `exp run \(source.name)`, \(ISO8601DateFormatter().string(from: Date())): \(status).\n"
        var pending = ""
        for (k, c) in chunks.enumerated() {
            pending += c.code
            // The last statement also takes the text after it (closing comments).
            if k == chunks.count - 1, exitCode == .ok || exitCode == .expectFailed, cursor < source.bytes.count {
                pending += String(decoding: source.bytes[cursor...], as: UTF8.self)
            }
            guard !c.isEmpty || k == chunks.count - 1 else { continue }
            let code = Self.trimmedLines(pending)
            pending = ""
            if !code.isEmpty { out += "\n```\n\(code)\n```\n" }
            out += Self.render(c)
        }
        return out
    }

    /// Writes `transcript.md` (creating the run directory if the script made none).
    func write(exitCode: ExitCode) throws {
        let text = markdown(exitCode: exitCode)
        let dir = try runtime.directory()
        try dir.write(text, to: "transcript.md")
    }

    private static func render(_ c: Chunk) -> String {
        var out = ""
        if !c.printed.isEmpty { out += "\n```text\n" + trimmedLines(c.printed) + "\n```\n" }
        for r in c.trainings {
            var line = "\n*trained \(r.stepsDone) step\(r.stepsDone == 1 ? "" : "s")"
            if let loss = r.finalLoss { line += ", final loss \(Format.float(loss))" }
            if r.interrupted { line += " (interrupted)" }
            out += line + "*\n"
        }
        if !c.expects.isEmpty {
            out += "\n"
            for e in c.expects {
                out += "- \(e.passed ? "✅ passed" : "❌ failed"): `\(e.text)`" + (e.details.isEmpty ? "" : " (\(e.details))") + "\n"
            }
        }
        for f in c.figures { out += "\n![\(f)](\(f))\n" }
        if !c.failure.isEmpty { out += "\n```text\n" + trimmedLines(c.failure) + "\n```\n" }
        return out
    }

    /// `text` without leading and trailing blank lines.
    private static func trimmedLines(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let first = lines.first, first.allSatisfy(\.isWhitespace) { lines.removeFirst() }
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    /// Diagnostics rendered for a colour terminal, as plain text.
    static func withoutEscapes(_ text: String) -> String {
        var out = ""
        var inEscape = false
        var sawBracket = false
        for ch in text {
            if inEscape {
                if !sawBracket { sawBracket = ch == "["; if !sawBracket { inEscape = false }; continue }
                if let a = ch.asciiValue, (0x40...0x7e).contains(a) { inEscape = false }
                continue
            }
            if ch == "\u{1b}" { inEscape = true; sawBracket = false; continue }
            out.append(ch)
        }
        return out
    }
}
