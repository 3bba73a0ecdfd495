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

    /// Parses a source that must be exactly one expression (e.g. the value of `--set lr=0.1`).
    /// Returns nil and diagnostics when it is not.
    public static func parseExpression(_ file: SourceFile) -> (expression: Expr?, diagnostics: [Diagnostic]) {
        var p = Parser(file: file)
        do {
            p.skipTerminators()
            let e = try p.parseExpression()
            p.skipTerminators()
            let t = p.peek()
            guard case .endOfInput = t.kind else {
                try p.fail("expected a single expression, found \(t.displayName)", at: t)
            }
            return p.lexerDiagnostics.isEmpty ? (e, []) : (nil, p.lexerDiagnostics)
        } catch {
            let d = (error as? ParseAbort)?.diagnostic
            return (nil, p.lexerDiagnostics.isEmpty ? (d.map { [$0] } ?? []) : [p.lexerDiagnostics[0]])
        }
    }

    // MARK: State

    let file: SourceFile
    let tokens: [Token]
    var position = 0
    /// Parser diagnostics (lexer ones are kept apart so cascades can be pruned at the end).
    var diagnostics: [Diagnostic] = []
    let lexerDiagnostics: [Diagnostic]
    /// Byte ranges of statements that failed to parse, after recovery: only the first
    /// diagnostic inside each is reported.
    var failedRegions: [Range<Int>] = []
    var lastStatementEndedWithSemicolon = false
    /// One entry per open bracket or block: `true` where newlines are insignificant
    /// (inside `( )`, `[ ]` and record literals), `false` inside blocks.
    var newlineModes: [Bool] = []
    /// Current nesting depth (brackets, blocks, unary and operator chains).
    var depth = 0
    /// End of the last consumed token (for node spans).
    var lastEnd: SourceLocation
    /// How many `{ }` blocks enclose the current position (a stray `}` at depth 0 is skipped).
    var blockDepth = 0

    init(file: SourceFile) {
        self.file = file
        let lexed = Lexer.tokenize(file)
        self.tokens = lexed.tokens
        self.lexerDiagnostics = lexed.diagnostics
        self.lastEnd = SourceLocation(offset: 0, line: 1, column: 1)
    }

    // MARK: Program

    mutating func parseProgram() -> ParseResult {
        var statements: [Stmt] = []
        while true {
            skipTerminators()
            if case .endOfInput = peek().kind { break }
            if peek().kind.isSymbol(.rightBrace) {
                // A stray `}` at top level: report it and move on.
                let t = advance()
                record(Diagnostic(.syntax, "unexpected '}' with no open block", at: t.span),
                       region: t.span.start.offset..<t.span.end.offset)
                continue
            }
            if let s = parseStatementRecovering() {
                statements.append(s)
            }
            if diagnostics.count >= Self.errorLimit {
                // Nobody reads the 101st error, and a file of garbage must still be checked in moments.
                diagnostics.append(Diagnostic(.syntax, "stopped after \(Self.errorLimit) syntax errors", at: nil,
                                              hint: "fix these first (is this an exp script?)"))
                break
            }
            // Only a `;` directly after the last top-level statement hides the REPL's auto-print.
            lastStatementEndedWithSemicolon = false
        }
        return ParseResult(program: Program(file: file, statements: statements), diagnostics: finalDiagnostics())
    }

    /// Skips blank lines and `;` between statements, remembering whether a `;` was seen.
    mutating func skipTerminators() {
        while true {
            let k = tokens[position].kind
            if case .newline = k {
                position += 1
            } else if k.isSymbol(.semicolon) {
                lastStatementEndedWithSemicolon = true
                lastEnd = tokens[position].span.end
                position += 1
            } else {
                return
            }
        }
    }

    /// Parses one statement; on error records the diagnostic, skips to the next statement
    /// boundary and returns nil.
    mutating func parseStatementRecovering() -> Stmt? {
        parseRecovering { try $0.parseStatement() }
    }

    /// End offset of a failed statement's region after synchronizing: past the end of the file
    /// when recovery ran to the end (so an unexpected-end error there belongs to the region).
    func regionEnd(start: Int, startPosition: Int) -> Int {
        if case .endOfInput = tokens[position].kind { return file.bytes.count + 1 }
        return max(start + 1, tokens[max(startPosition, position - 1)].span.end.offset)
    }

    mutating func record(_ d: Diagnostic, region: Range<Int>) {
        diagnostics.append(d)
        failedRegions.append(region)
    }

    /// After a statement: a newline, `;`, `}` (end of the enclosing block) or the end of input.
    mutating func expectStatementEnd() throws {
        let t = tokens[position]
        switch t.kind {
        case .newline, .endOfInput:
            return
        case .symbol(.semicolon):
            return  // consumed by skipTerminators so the REPL sees it
        case .symbol(.rightBrace) where blockDepth > 0:
            return
        default:
            var hint: String? = nil
            if case .symbol(.equal) = t.kind { hint = "only names, indexed names (x[i]) and members (m.W) can be assigned" }
            if case .symbol(.leftBrace) = t.kind { hint = "a block must follow a keyword such as 'if', 'for' or 'fn'" }
            try fail("expected a newline or ';' after the statement, found \(t.displayName)", at: t, hint: hint)
        }
    }

    /// Skips tokens after an error to the next statement boundary: a newline or `;` outside the
    /// statement's brackets, the `}` closing the enclosing block, the start of a line that begins
    /// with a statement keyword, or the end of input.
    mutating func synchronize(from start: Int, errorPosition: Int) {
        // An error at a line that starts a new statement (`let a = f(1,` then `let b = 2`):
        // the broken statement ends before that line.
        if errorPosition > start, errorPosition < tokens.count, case .newline = tokens[errorPosition - 1].kind,
           startsStatementLine(after: errorPosition - 1) {
            position = errorPosition
            return
        }
        var open = 0
        var i = start
        while i < tokens.count {
            let k = tokens[i].kind
            if case .endOfInput = k { break }
            let pastError = i >= errorPosition
            switch k {
            case .symbol(.leftParen), .symbol(.leftBracket), .symbol(.leftBrace):
                open += 1
            case .symbol(.rightParen), .symbol(.rightBracket):
                open = max(0, open - 1)
            case .symbol(.rightBrace):
                if open == 0 {
                    if pastError && blockDepth > 0 {
                        position = i
                        return
                    }
                } else {
                    open -= 1
                }
            case .newline, .symbol(.semicolon):
                if pastError && (open == 0 || startsStatementLine(after: i)) {
                    position = i + 1
                    lastEnd = tokens[i].span.end
                    return
                }
            default:
                break
            }
            i += 1
        }
        position = min(i, tokens.count - 1)
    }

    /// Whether the token after index `i` is a keyword that only starts statements.
    func startsStatementLine(after i: Int) -> Bool {
        guard i + 1 < tokens.count, case .keyword(let k) = tokens[i + 1].kind else { return false }
        switch k {
        case .let, .fn, .for, .while, .return, .seed, .precision, .expect, .import, .task, .model,
             .optimizer, .train, .plot, .heatmap, .scatter, .sweep, .save, .load:
            return true
        default:
            return false
        }
    }

    /// Lexer and parser diagnostics in source order, keeping only the first one inside each
    /// failed statement.
    /// Statements that may fail before parsing stops.
    static let errorLimit = 100

    func finalDiagnostics() -> [Diagnostic] {
        var all = Array(lexerDiagnostics.prefix(Self.errorLimit)) + diagnostics
        all.sort { ($0.span?.start.offset ?? Int.max) < ($1.span?.start.offset ?? Int.max) }
        guard !failedRegions.isEmpty else { return all }
        var keep = [Bool](repeating: true, count: all.count)
        for region in failedRegions {
            var seen = false
            for (i, d) in all.enumerated() {
                // A diagnostic about the whole file (no span) belongs to no region.
                guard let off = d.span?.start.offset else { continue }
                // Unexpected-end errors sit at the end of the input, just past the region.
                guard region.contains(off) else { continue }
                if seen { keep[i] = false } else { seen = true }
            }
        }
        return zip(all, keep).filter { $0.1 }.map { $0.0 }
    }
}

// MARK: - Errors

/// Unwinds the parser to the statement loop after an error.
struct ParseAbort: Error {
    /// nil when the error was already reported (by the lexer, on an `.error` token).
    var diagnostic: Diagnostic?
}

// MARK: - Token access

extension Parser {
    var ignoringNewlines: Bool { newlineModes.last ?? false }

    /// The current token; newlines are skipped where they are insignificant.
    mutating func peek() -> Token {
        if ignoringNewlines {
            while case .newline = tokens[position].kind { position += 1 }
        }
        return tokens[position]
    }

    /// The token `n` places after the current one, skipping newlines when `skippingNewlines`.
    mutating func lookahead(_ n: Int, skippingNewlines: Bool) -> Token {
        var i = position
        var left = n
        while true {
            if skippingNewlines || ignoringNewlines {
                while case .newline = tokens[i].kind { i += 1 }
            }
            if left == 0 || i >= tokens.count - 1 { return tokens[min(i, tokens.count - 1)] }
            i += 1
            left -= 1
        }
    }

    @discardableResult
    mutating func advance() -> Token {
        let t = peek()
        if position < tokens.count - 1 { position += 1 }
        lastEnd = t.span.end
        return t
    }

    mutating func check(_ s: Symbol) -> Bool { peek().kind.isSymbol(s) }
    mutating func check(_ k: Keyword) -> Bool { peek().kind.isKeyword(k) }

    mutating func match(_ s: Symbol) -> Token? {
        check(s) ? advance() : nil
    }

    mutating func match(_ k: Keyword) -> Token? {
        check(k) ? advance() : nil
    }

    /// Consumes newline tokens (after a binary operator, `,`, `=` and the like).
    mutating func skipNewlines() {
        while case .newline = tokens[position].kind { position += 1 }
    }

    @discardableResult
    mutating func expect(_ s: Symbol, _ context: String, hint: String? = nil) throws -> Token {
        if let t = match(s) { return t }
        let t = peek()
        try fail("expected '\(s.rawValue)' \(context), found \(t.displayName)", at: t, hint: hint)
    }

    @discardableResult
    mutating func expect(_ k: Keyword, _ context: String, hint: String? = nil) throws -> Token {
        if let t = match(k) { return t }
        let t = peek()
        try fail("expected '\(k.rawValue)' \(context), found \(t.displayName)", at: t, hint: hint)
    }

    /// An identifier (not a keyword).
    mutating func expectIdentifier(_ context: String) throws -> Identifier {
        let t = peek()
        if case .identifier(let name) = t.kind {
            advance()
            return Identifier(name: name, span: t.span)
        }
        if case .keyword(let k) = t.kind {
            try fail("expected \(context), found the keyword '\(k.rawValue)'", at: t,
                     hint: "'\(k.rawValue)' is reserved; choose another name")
        }
        try fail("expected \(context), found \(t.displayName)", at: t)
    }

    /// An identifier or keyword used as a label (`to:`), member (`data.train`) or record field.
    mutating func expectLabel(_ context: String) throws -> Identifier {
        let t = peek()
        switch t.kind {
        case .identifier(let name):
            advance()
            return Identifier(name: name, span: t.span)
        case .keyword(let k):
            advance()
            return Identifier(name: k.rawValue, span: t.span)
        default:
            try fail("expected \(context), found \(t.displayName)", at: t)
        }
    }

    /// A span from `start` to the end of the last consumed token.
    func span(from start: SourceLocation) -> SourceSpan {
        SourceSpan(file: file, start: start, end: max(start, lastEnd))
    }

    /// Reports an error at a token and unwinds. At the end of input (or before only newlines
    /// up to the end) the error is `unexpectedEnd`, so the REPL can ask for another line.
    func fail(_ message: String, at t: Token, hint: String? = nil) throws -> Never {
        if case .error = t.kind { throw ParseAbort(diagnostic: nil) }
        if atEndOfInput(t) {
            // Point just after the last real token: "let x = (1 +" gets its caret after the '+'.
            var end = tokens[tokens.count - 1].span
            if let last = tokens.last(where: { if case .newline = $0.kind { return false }; if case .endOfInput = $0.kind { return false }; return true }) {
                end = last.span.endPoint
            }
            let what = message.hasPrefix("expected ") ? message.split(separator: ",").first.map(String.init) ?? message : message
            throw ParseAbort(diagnostic: Diagnostic(.unexpectedEnd, "unexpected end of input: \(what)", at: end, hint: hint))
        }
        throw ParseAbort(diagnostic: Diagnostic(.syntax, message, at: t.span, hint: hint))
    }

    /// Reports an error at a span and unwinds.
    func fail(_ message: String, at span: SourceSpan, hint: String? = nil) throws -> Never {
        throw ParseAbort(diagnostic: Diagnostic(.syntax, message, at: span, hint: hint))
    }

    /// The token is the end of input, or a newline followed only by newlines up to the end.
    func atEndOfInput(_ t: Token) -> Bool {
        switch t.kind {
        case .endOfInput:
            return true
        case .newline:
            var i = position
            while i < tokens.count {
                switch tokens[i].kind {
                case .newline: i += 1
                case .endOfInput: return true
                default: return false
                }
            }
            return true
        default:
            return false
        }
    }

    // MARK: Nesting

    /// Enters one level of nesting; reports "nested too deeply" past the limit.
    mutating func enterNesting(at t: Token) throws {
        depth += 1
        if depth > Parser.maxNestingDepth {
            throw ParseAbort(diagnostic: Diagnostic(
                .syntax, "expression nested too deeply (more than \(Parser.maxNestingDepth) levels)", at: t.span,
                hint: "split it into several statements with 'let'"))
        }
    }

    mutating func leaveNesting() { depth -= 1 }

    mutating func pushNewlineMode(ignoring: Bool) { newlineModes.append(ignoring) }
    mutating func popNewlineMode() { _ = newlineModes.popLast() }
}
