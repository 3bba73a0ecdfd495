// MARK: - Diagnostics

/// What kind of user error a diagnostic reports. The kind decides the exit code and lets the REPL
/// tell an incomplete input (`unexpectedEnd`) from a real syntax error.
public enum DiagnosticKind: String, Sendable, CaseIterable {
    /// Malformed source.
    case syntax
    /// The input ended in the middle of a construct (the REPL reads another line).
    case unexpectedEnd = "unexpected end"
    /// An unknown name.
    case name
    /// Unknown keyword argument, missing or too many arguments.
    case argument
    case type
    case shape
    case index
    /// Anything that goes wrong while running (NaN loss, recursion limit...).
    case runtime
    case io
    /// An `expect` check failed.
    case expect
    /// A limit of the implementation (nesting depth, tensor size).
    case limit
}

/// How serious a diagnostic is.
public enum Severity: String, Sendable {
    case error, warning, note
}

/// A secondary message attached to a diagnostic, optionally pointing elsewhere in the source.
public struct DiagnosticNote: Sendable {
    public var message: String
    public var span: SourceSpan?

    public init(_ message: String, span: SourceSpan? = nil) {
        self.message = message
        self.span = span
    }
}

/// A user-facing error (or warning) about the source: what, where, and how to fix it.
public struct Diagnostic: Error, Sendable, CustomStringConvertible {
    public var kind: DiagnosticKind
    public var severity: Severity
    public var message: String
    /// Where the problem is; `nil` for problems without a place (e.g. a missing file).
    public var span: SourceSpan?
    /// One line that helps fix it: "did you mean 'theta'?".
    public var hint: String?
    public var notes: [DiagnosticNote]

    public init(_ kind: DiagnosticKind, _ message: String, at span: SourceSpan?, hint: String? = nil,
                notes: [DiagnosticNote] = [], severity: Severity = .error) {
        self.kind = kind
        self.severity = severity
        self.message = message
        self.span = span
        self.hint = hint
        self.notes = notes
    }

    /// `file:line:col: error: message` (first line only, no source excerpt).
    public var description: String {
        if let span { return "\(span): \(severity.rawValue): \(message)" }
        return "\(severity.rawValue): \(message)"
    }

    /// The full rendering: header, source line, caret line, hint and notes.
    public func rendered(color: Bool = false) -> String {
        DiagnosticRenderer(color: color).render(self)
    }
}
