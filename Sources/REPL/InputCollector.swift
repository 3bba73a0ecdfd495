import Language

// MARK: - Multi-line input

/// Gathers the lines of one REPL input: a line that leaves a block, bracket or operator open
/// (the parser reports an unexpected end of input) asks for another line under the continuation
/// prompt; a line that completes the input, or a blank line (when `blankLineEnds`), ends it.
public struct InputCollector {
    /// What the REPL should do after a line.
    public enum Step: Equatable {
        /// The input is open: read another line under the continuation prompt.
        case needMore
        /// The input is finished (code or a `:command`).
        case complete(String)
        /// Nothing to run (a blank line at the main prompt).
        case empty
    }

    /// A blank line ends an open input (it then fails with the parser's unexpected-end error).
    /// On in a terminal, so a user is never stuck in continuation mode; off for piped input,
    /// so a script with blank lines inside its blocks runs as it would in a file.
    public var blankLineEnds: Bool
    /// The lines of the open input so far.
    public private(set) var lines: [String] = []

    public init(blankLineEnds: Bool = true) {
        self.blankLineEnds = blankLineEnds
    }

    /// True while an input is open (the continuation prompt is showing).
    public var isContinuing: Bool { !lines.isEmpty }

    /// The open input so far, joined by newlines.
    public var pendingText: String { lines.joined(separator: "\n") }

    /// Adds one line (without its newline).
    public mutating func add(_ line: String) -> Step {
        let blank = line.allSatisfy(\.isWhitespace)
        if lines.isEmpty {
            if blank { return .empty }
            // Meta-commands are one line; no exp statement starts with ':'.
            if line.drop(while: \.isWhitespace).hasPrefix(":") { return .complete(line) }
        } else if blank && blankLineEnds {
            return take()
        }
        lines.append(line)
        return Self.isIncomplete(pendingText) ? .needMore : take()
    }

    /// Ends the open input (end of the stream): returns it, or nil when none is open.
    public mutating func finish() -> String? {
        guard !lines.isEmpty else { return nil }
        if case .complete(let text) = take() { return text }
        return nil
    }

    /// Drops the open input (Ctrl-C at the continuation prompt).
    public mutating func reset() { lines = [] }

    /// Whether `text` stops in the middle of a construct and only that.
    public static func isIncomplete(_ text: String) -> Bool {
        Parser.parseREPLInput(SourceFile(name: "<repl>", text: text)).result.isIncomplete
    }

    private mutating func take() -> Step {
        let text = pendingText
        lines = []
        return .complete(text)
    }
}
