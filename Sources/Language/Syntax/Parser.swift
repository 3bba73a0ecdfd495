// MARK: - Parser entry points

/// The result of parsing one source file or REPL input.
public struct ParseResult: Sendable {
    /// The statements that parsed; statements with errors are left out.
    public var program: Program
    /// Lexer and parser diagnostics in source order: at most one per broken statement
    /// (the first error of a cascade).
    public var diagnostics: [Diagnostic]

    public init(program: Program, diagnostics: [Diagnostic]) {
        self.program = program
        self.diagnostics = diagnostics
    }

    /// True when there is at least one error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// True when the only problem is that the input stopped in the middle of a construct
    /// (an open block, bracket, or a dangling operator): the REPL should read another line.
    public var isIncomplete: Bool {
        guard let first = diagnostics.first(where: { $0.severity == .error }) else { return false }
        return first.kind == .unexpectedEnd
            && diagnostics.allSatisfy { $0.severity != .error || $0.kind == .unexpectedEnd }
    }
}

/// The result of parsing one REPL input.
public struct REPLParseResult: Sendable {
    public var result: ParseResult
    /// The input's last statement was followed by `;` (hide the auto-print).
    public var endsWithSemicolon: Bool
    /// The input's last statement is a bare expression (`Stmt.Kind.expression`): print its value.
    public var lastIsExpression: Bool

    /// The REPL should show the value of the last statement.
    public var shouldPrintValue: Bool { lastIsExpression && !endsWithSemicolon && !result.hasErrors }
}

/// The exp parser: recursive descent over the lexer's tokens, with statement-level recovery.
public struct Parser {
    /// Nesting deeper than this (parentheses, blocks, operator chains) is reported as
    /// "expression nested too deeply" instead of risking the stack.
    public static let maxNestingDepth = 256

    /// Parses a whole file.
    public static func parse(_ file: SourceFile) -> ParseResult {
        var p = Parser(file: file)
        return p.parseProgram()
    }

    /// Parses one REPL input and says how it ended.
    public static func parseREPLInput(_ file: SourceFile) -> REPLParseResult {
        var p = Parser(file: file)
        let result = p.parseProgram()
        let lastIsExpression: Bool
        if let last = result.program.statements.last, case .expression = last.kind {
            lastIsExpression = true
        } else {
            lastIsExpression = false
        }
        return REPLParseResult(result: result, endsWithSemicolon: p.lastStatementEndedWithSemicolon,
                               lastIsExpression: lastIsExpression)
    }

    // MARK: State

    let file: SourceFile
    var tokens: [Token]
    var position = 0
    var diagnostics: [Diagnostic] = []
    var lexerDiagnostics: [Diagnostic]
    var lastStatementEndedWithSemicolon = false

    init(file: SourceFile) {
        self.file = file
        let lexed = Lexer.tokenize(file)
        self.tokens = lexed.tokens
        self.lexerDiagnostics = lexed.diagnostics
    }

    mutating func parseProgram() -> ParseResult {
        // Filled in by the statement parser.
        ParseResult(program: Program(file: file, statements: []), diagnostics: lexerDiagnostics)
    }
}
