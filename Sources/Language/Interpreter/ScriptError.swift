import Tensors

/// An error a script causes while it is checked or run. The evaluator attaches the span of
/// the expression that raised it (the call, the operator, or one argument) before it is shown.
public struct ScriptError: Error, CustomStringConvertible {
    /// What kind of mistake it is (also the word after `error:` in some messages).
    public enum Kind: String, Sendable {
        case name, argument, type, shape, index, value, runtime, io, limit, syntax
    }

    public let kind: Kind
    public let message: String
    public let hint: String?
    /// Where in the script; nil until the evaluator fills it in.
    public var span: SourceSpan?
    /// Index of the call argument at fault (positionals first, then keywords), if one is.
    public var argument: Int?
    /// The script-function calls the error came out of, innermost first: which call passed the
    /// bad value, up to the script's top level.
    public var callChain: [(function: String, site: SourceSpan)] = []
    /// Said after the chain (the training step it happened in, say).
    public var context: String?

    public init(_ kind: Kind, _ message: String, hint: String? = nil, argument: Int? = nil, span: SourceSpan? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.argument = argument
        self.span = span
    }

    /// The script error for a tensor error: same message, the op named, the hint kept.
    public init(_ e: TensorError, span: SourceSpan? = nil) {
        let kind: Kind
        switch e.kind {
        case .shape: kind = .shape
        case .index: kind = .index
        case .dtype: kind = .type
        case .value, .linalg: kind = .value
        case .size: kind = .limit
        }
        self.init(kind, "\(e.op): \(e.message)", hint: e.hint, span: span)
    }

    public var description: String { message }
}

/// Non-local exits used by the evaluator (not user errors).
enum ControlFlow: Error {
    case breakLoop
    case continueLoop
    case returnValue(Value)
}

/// Ends the whole script early with an exit code, past every enclosing statement: a sweep's
/// child run, once its combination has run and its result is written, stops here.
public struct ScriptEnded: Error {
    public let code: ExitCode
    /// Where the script was when a signal ended it (nil when it ended by design).
    public let place: SourceSpan?
    public init(_ code: ExitCode, at place: SourceSpan? = nil) {
        self.code = code
        self.place = place
    }
}
