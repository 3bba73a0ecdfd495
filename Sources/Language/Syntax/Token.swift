// MARK: - Tokens

/// The kinds of token the lexer produces.
public enum TokenKind: Sendable, Equatable {
    case integer(Int)
    case float(Double)
    /// A string literal with escapes decoded.
    case string(String)
    case identifier(String)
    case keyword(Keyword)
    case symbol(Symbol)
    /// A line break outside a comment (significant to the parser in some contexts).
    case newline
    /// A piece of input the lexer already reported as an error; the parser adds no second error.
    case error
    case endOfInput
}

/// Reserved words. `steps`, `batch`, `loss`, `f32`... are ordinary identifiers.
public enum Keyword: String, Sendable, CaseIterable {
    case `let`, fn, `return`, `if`, `else`, `for`, `in`, `while`, `break`, `continue`
    case and, or, not, `true`, `false`, none
    case seed, precision, expect, `import`, task, model, param, optimizer, train, on, with
    case every, log, plot, heatmap, scatter, sweep, save, load, to, from
}

/// Punctuation and operators.
public enum Symbol: String, Sendable, CaseIterable {
    case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
    case leftBrace = "{", rightBrace = "}"
    case comma = ",", colon = ":", semicolon = ";", dot = ".", dotDot = "..", ellipsis = "..."
    case plus = "+", minus = "-", star = "*", slash = "/", slashSlash = "//", percent = "%"
    case starStar = "**", at = "@"
    case equal = "=", plusEqual = "+=", minusEqual = "-=", starEqual = "*=", slashEqual = "/="
    case equalEqual = "==", bangEqual = "!=", less = "<", lessEqual = "<=", greater = ">"
    case greaterEqual = ">="
}

/// A token and where it is.
public struct Token: Sendable {
    public var kind: TokenKind
    public var span: SourceSpan

    public init(kind: TokenKind, span: SourceSpan) {
        self.kind = kind
        self.span = span
    }

    /// The token's source text.
    public var text: String { span.text }

    /// A short description for messages: `'foo'`, `end of input`, `newline`.
    public var displayName: String {
        switch kind {
        case .newline: return "newline"
        case .endOfInput: return "end of input"
        case .string: return "string \(text)"
        case .integer, .float: return "number '\(text)'"
        case .identifier(let n): return "'\(n)'"
        case .keyword(let k): return "'\(k.rawValue)'"
        case .symbol(let s): return "'\(s.rawValue)'"
        case .error: return "'\(text)'"
        }
    }
}

extension TokenKind {
    func isSymbol(_ s: Symbol) -> Bool {
        if case .symbol(let t) = self { return t == s }
        return false
    }
    func isKeyword(_ k: Keyword) -> Bool {
        if case .keyword(let t) = self { return t == k }
        return false
    }
}
