// MARK: - Expressions
//
// Precedence, low to high: or, and, not, comparisons (non-associative), `..` (non-associative),
// `+ -`, `* / // % @`, unary `- +`, `**` (right-associative; its right operand may carry a unary
// minus), postfix call / index / member.

extension Parser {
    mutating func parseExpression() throws -> Expr {
        try enterNesting(at: peek())
        defer { leaveNesting() }
        return try parseOr()
    }

    /// Left-associative chains of one operator level.
    mutating func parseLeftAssociative(
        _ operand: (inout Parser) throws -> Expr, _ op: (TokenKind) -> BinaryOperator?
    ) throws -> Expr {
        var lhs = try operand(&self)
        var chain = 0
        defer { depth -= chain }
        while let o = op(peek().kind) {
            let opToken = advance()
            skipNewlines()  // a line ending in a binary operator continues
            chain += 1
            try enterNestingChain(at: opToken)
            let rhs = try operand(&self)
            lhs = Expr(.binary(o, lhs, rhs, operatorSpan: opToken.span), span: lhs.span.to(rhs.span))
        }
        return lhs
    }

    /// Counts one more link of an operator or postfix chain against the nesting limit
    /// (long chains build deep trees that the interpreter walks recursively).
    mutating func enterNestingChain(at t: Token) throws {
        depth += 1
        if depth > Parser.maxNestingDepth {
            try fail("expression nested too deeply (more than \(Parser.maxNestingDepth) levels)", at: t.span,
                     hint: "split it into several statements with 'let'")
        }
    }

    mutating func parseOr() throws -> Expr {
        try parseLeftAssociative({ try $0.parseAnd() }) { $0.isKeyword(.or) ? .or : nil }
    }

    mutating func parseAnd() throws -> Expr {
        try parseLeftAssociative({ try $0.parseNot() }) { $0.isKeyword(.and) ? .and : nil }
    }

    mutating func parseNot() throws -> Expr {
        if let t = match(.not) {
            try enterNesting(at: t)
            defer { leaveNesting() }
            skipNewlines()
            let operand = try parseNot()
            return Expr(.unary(.not, operand, operatorSpan: t.span), span: t.span.to(operand.span))
        }
        return try parseComparison()
    }

    mutating func parseComparison() throws -> Expr {
        let lhs = try parseRange()
        guard let o = comparisonOperator(peek().kind) else { return lhs }
        let opToken = advance()
        skipNewlines()
        let rhs = try parseRange()
        if comparisonOperator(peek().kind) != nil {
            let t = peek()
            try fail("comparisons cannot be chained", at: t,
                     hint: "write 'a < b and b < c', or add parentheses")
        }
        return Expr(.binary(o, lhs, rhs, operatorSpan: opToken.span), span: lhs.span.to(rhs.span))
    }

    func comparisonOperator(_ k: TokenKind) -> BinaryOperator? {
        guard case .symbol(let s) = k else { return nil }
        switch s {
        case .equalEqual: return .equal
        case .bangEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        default: return nil
        }
    }

    mutating func parseRange() throws -> Expr {
        let lhs = try parseAdditive()
        guard let opToken = match(.dotDot) else { return lhs }
        skipNewlines()
        let rhs = try parseAdditive()
        if check(.dotDot) {
            try fail("ranges cannot be chained", at: peek(), hint: "a range is 'start..stop'")
        }
        return Expr(.binary(.range, lhs, rhs, operatorSpan: opToken.span), span: lhs.span.to(rhs.span))
    }

    mutating func parseAdditive() throws -> Expr {
        try parseLeftAssociative({ try $0.parseMultiplicative() }) { k in
            if k.isSymbol(.plus) { return .add }
            if k.isSymbol(.minus) { return .subtract }
            return nil
        }
    }

    mutating func parseMultiplicative() throws -> Expr {
        try parseLeftAssociative({ try $0.parseUnary() }) { k in
            guard case .symbol(let s) = k else { return nil }
            switch s {
            case .star: return .multiply
            case .slash: return .divide
            case .slashSlash: return .floorDivide
            case .percent: return .remainder
            case .at: return .matmul
            default: return nil
            }
        }
    }

    mutating func parseUnary() throws -> Expr {
        let t = peek()
        let op: UnaryOperator
        switch t.kind {
        case .symbol(.minus): op = .negate
        case .symbol(.plus): op = .plus
        case .keyword(.not):
            try fail("'not' needs parentheses here", at: t, hint: "write '-(not x)' or put 'not' first: 'not (a + b)'")
        default: return try parsePower()
        }
        advance()
        try enterNesting(at: t)
        defer { leaveNesting() }
        let operand = try parseUnary()
        return Expr(.unary(op, operand, operatorSpan: t.span), span: t.span.to(operand.span))
    }

    /// `base ** exponent`: right-associative, and the exponent may be negated (`2 ** -1`).
    mutating func parsePower() throws -> Expr {
        let base = try parsePostfix()
        guard let opToken = match(.starStar) else { return base }
        skipNewlines()
        try enterNesting(at: opToken)
        defer { leaveNesting() }
        let exponent = try parseUnary()
        return Expr(.binary(.power, base, exponent, operatorSpan: opToken.span), span: base.span.to(exponent.span))
    }

    // MARK: Postfix

    mutating func parsePostfix() throws -> Expr {
        var e = try parsePrimary()
        var chain = 0
        defer { depth -= chain }
        while true {
            let t = peek()
            switch t.kind {
            case .symbol(.leftParen):
                chain += 1
                try enterNestingChain(at: t)
                let args = try parseCallArguments()
                e = Expr(.call(e, args), span: span(from: e.span.start))
            case .symbol(.leftBracket):
                chain += 1
                try enterNestingChain(at: t)
                let items = try parseSubscript()
                e = Expr(.index(e, items), span: span(from: e.span.start))
            case .symbol(.dot):
                chain += 1
                try enterNestingChain(at: t)
                advance()
                let name = try expectLabel("a member name after '.'")
                e = Expr(.member(e, name), span: span(from: e.span.start))
            default:
                return e
            }
        }
    }

    /// `( args )` after a callee.
    mutating func parseCallArguments() throws -> [CallArgument] {
        let open = try expect(.leftParen, "to start the arguments")
        pushNewlineMode(ignoring: true)
        var args: [CallArgument] = []
        while !check(.rightParen) {
            args.append(try parseArgument())
            if match(.comma) == nil { break }
        }
        if !check(.rightParen) {
            let t = peek()
            try fail("expected ',' or ')' in the arguments, found \(t.displayName)", at: t,
                     hint: atEndOfInput(t) ? nil : "the '(' at \(open.span.start) is not closed")
        }
        popNewlineMode()
        advance()
        return args
    }

    /// `value` or `label: value` (labels may be keywords, as in `to: "file.svg"`).
    mutating func parseArgument() throws -> CallArgument {
        let t = peek()
        var label: Identifier? = nil
        switch t.kind {
        case .identifier, .keyword:
            if lookahead(1, skippingNewlines: false).kind.isSymbol(.colon) {
                label = try expectLabel("an argument label")
                advance()  // ':'
                skipNewlines()
            }
        default:
            break
        }
        let value = try parseExpression()
        return CallArgument(label: label, value: value, span: (label?.span ?? value.span).to(value.span))
    }

    /// `[ items ]` after an indexed expression.
    mutating func parseSubscript() throws -> [SubscriptItem] {
        let open = try expect(.leftBracket, "to start the index")
        pushNewlineMode(ignoring: true)
        var items: [SubscriptItem] = []
        while !check(.rightBracket) {
            items.append(try parseSubscriptItem())
            if match(.comma) == nil { break }
        }
        if !check(.rightBracket) {
            let t = peek()
            try fail("expected ',' or ']' in the index, found \(t.displayName)", at: t,
                     hint: atEndOfInput(t) ? nil : "the '[' at \(open.span.start) is not closed")
        }
        if items.isEmpty {
            try fail("expected an index between '[' and ']'", at: peek(), hint: "write x[0], x[:, 1] or x[...]")
        }
        popNewlineMode()
        advance()
        return items
    }

    func endsSubscriptItem(_ k: TokenKind) -> Bool {
        k.isSymbol(.comma) || k.isSymbol(.rightBracket)
    }

    mutating func parseSubscriptItem() throws -> SubscriptItem {
        let t = peek()
        if let e = match(.ellipsis) {
            return SubscriptItem(kind: .ellipsis, span: e.span)
        }
        if t.kind.isKeyword(.none), endsSubscriptItem(lookahead(1, skippingNewlines: true).kind) {
            advance()
            return SubscriptItem(kind: .newAxis, span: t.span)
        }
        let start = t.span.start
        var first: Expr? = nil
        if !check(.colon) { first = try parseExpression() }
        guard match(.colon) != nil else {
            // `first` is non-nil here: without a ':' an expression was parsed.
            guard let e = first else { try fail("expected an index", at: peek()) }
            return SubscriptItem(kind: .expression(e), span: e.span)
        }
        var stop: Expr? = nil
        var step: Expr? = nil
        if !check(.colon), !endsSubscriptItem(peek().kind) { stop = try parseExpression() }
        if match(.colon) != nil, !endsSubscriptItem(peek().kind) { step = try parseExpression() }
        return SubscriptItem(kind: .slice(start: first, stop: stop, step: step), span: span(from: start))
    }

    // MARK: Primary

    mutating func parsePrimary() throws -> Expr {
        let t = peek()
        switch t.kind {
        case .integer(let v): advance(); return Expr(.integer(v), span: t.span)
        case .float(let v): advance(); return Expr(.float(v), span: t.span)
        case .string(let v): advance(); return Expr(.string(v), span: t.span)
        case .identifier(let n): advance(); return Expr(.name(n), span: t.span)
        case .keyword(.true): advance(); return Expr(.bool(true), span: t.span)
        case .keyword(.false): advance(); return Expr(.bool(false), span: t.span)
        case .keyword(.none): advance(); return Expr(.none, span: t.span)
        // `log` is a keyword only at the start of a train item; elsewhere it names the function.
        case .keyword(.log): advance(); return Expr(.name("log"), span: t.span)
        // `seed` starts the seed statement; in an expression it is the name a sweep binds.
        case .keyword(.seed): advance(); return Expr(.name("seed"), span: t.span)
        case .keyword(.fn): return try parseLambda()
        case .keyword(.if): return Expr(.ifElse(try parseIfChain()), span: span(from: t.span.start))
        case .symbol(.leftParen): return try parseParenthesized()
        case .symbol(.leftBracket): return try parseList()
        case .symbol(.leftBrace): return try parseBraceExpression()
        case .keyword(let k):
            try fail("expected an expression, found the keyword '\(k.rawValue)'", at: t,
                     hint: "'\(k.rawValue)' is reserved and cannot be used as a name")
        case .symbol(.equal):
            try fail("expected an expression, found '='", at: t, hint: "use '==' to compare")
        default:
            try fail("expected an expression, found \(t.displayName)", at: t)
        }
    }

    /// `(e)`, `()`, `(a,)`, `(a, b)`.
    mutating func parseParenthesized() throws -> Expr {
        let open = advance()
        try enterNesting(at: open)
        defer { leaveNesting() }
        pushNewlineMode(ignoring: true)
        if match(.rightParen) != nil {
            popNewlineMode()
            return Expr(.tuple([]), span: span(from: open.span.start))
        }
        let first = try parseExpression()
        if match(.rightParen) != nil {
            popNewlineMode()
            return Expr(first.kind, span: span(from: open.span.start))
        }
        guard match(.comma) != nil else {
            let t = peek()
            try fail("expected ')' to close the '(' at \(open.span.start), found \(t.displayName)", at: t)
        }
        var items = [first]
        while !check(.rightParen) {
            items.append(try parseExpression())
            if match(.comma) == nil { break }
        }
        let close = peek()
        guard close.kind.isSymbol(.rightParen) else {
            try fail("expected ',' or ')' in the tuple, found \(close.displayName)", at: close)
        }
        popNewlineMode()
        advance()
        return Expr(.tuple(items), span: span(from: open.span.start))
    }

    /// `[a, b, c]`
    mutating func parseList() throws -> Expr {
        let open = advance()
        try enterNesting(at: open)
        defer { leaveNesting() }
        pushNewlineMode(ignoring: true)
        var items: [Expr] = []
        while !check(.rightBracket) {
            items.append(try parseExpression())
            if items.count == 1, check(.for) {
                let clauses = try parseComprehensionClauses()
                let close = peek()
                guard close.kind.isSymbol(.rightBracket) else {
                    try fail("expected 'for', 'if' or ']' in the comprehension, found \(close.displayName)", at: close,
                             hint: "write [f(x) for x in xs if x > 0]")
                }
                popNewlineMode()
                advance()
                return Expr(.comprehension(items[0], clauses), span: span(from: open.span.start))
            }
            if match(.comma) == nil { break }
        }
        let close = peek()
        guard close.kind.isSymbol(.rightBracket) else {
            try fail("expected ',' or ']' in the list, found \(close.displayName)", at: close)
        }
        popNewlineMode()
        advance()
        return Expr(.list(items), span: span(from: open.span.start))
    }

    /// `for p in xs`, then any mix of further `for` and `if` clauses (the first is a `for`).
    mutating func parseComprehensionClauses() throws -> [ComprehensionClause] {
        var clauses: [ComprehensionClause] = []
        while true {
            if match(.for) != nil {
                let pattern = try parsePattern()
                try expect(.in, "after the comprehension's variable", hint: "write [x * 2 for x in xs]")
                clauses.append(.forIn(pattern, try parseExpression()))
            } else if match(.if) != nil {
                clauses.append(.condition(try parseExpression()))
            } else {
                return clauses
            }
        }
    }

    /// `{}` and `{name: value, ...}` are records; any other `{ ... }` is a block expression.
    mutating func parseBraceExpression() throws -> Expr {
        let first = lookahead(1, skippingNewlines: true)
        let second = lookahead(2, skippingNewlines: true)
        var isRecord = first.kind.isSymbol(.rightBrace)
        switch first.kind {
        case .identifier, .keyword: if second.kind.isSymbol(.colon) { isRecord = true }
        default: break
        }
        if !isRecord {
            let block = try parseBlock()
            return Expr(.block(block), span: block.span)
        }
        let open = advance()
        try enterNesting(at: open)
        defer { leaveNesting() }
        pushNewlineMode(ignoring: true)
        var fields: [RecordField] = []
        while !check(.rightBrace) {
            let name = try expectLabel("a field name in the record")
            try expect(.colon, "after the field name '\(name.name)'")
            let value = try parseExpression()
            fields.append(RecordField(name: name, value: value))
            if match(.comma) == nil { break }
        }
        let close = peek()
        guard close.kind.isSymbol(.rightBrace) else {
            try fail("expected ',' or '}' in the record, found \(close.displayName)", at: close)
        }
        popNewlineMode()
        advance()
        return Expr(.record(fields), span: span(from: open.span.start))
    }

    /// `fn(params) = expr` or `fn(params) { block }`.
    mutating func parseLambda() throws -> Expr {
        let fnToken = advance()
        let decl = try parseFunctionRest(name: nil, start: fnToken.span.start)
        return Expr(.lambda(decl), span: decl.span)
    }

    /// `if cond { } else if cond { } else { }`; `else` may start the next line.
    mutating func parseIfChain() throws -> IfChain {
        var branches: [(condition: Expr, body: Block)] = []
        var elseBody: Block? = nil
        var ifToken = try expect(.if, "")
        var levels = 0
        defer { depth -= levels }
        while true {
            levels += 1
            try enterNestingChain(at: ifToken)
            let condition = try parseExpression()
            let body = try parseBlock(after: "the if condition")
            branches.append((condition, body))
            guard lookahead(0, skippingNewlines: true).kind.isKeyword(.else) else { break }
            skipNewlines()
            advance()  // else
            if let t = match(.if) {
                ifToken = t
                continue
            }
            elseBody = try parseBlock(after: "'else'")
            break
        }
        return IfChain(branches: branches, elseBody: elseBody)
    }

    // MARK: Blocks

    /// `{ statements }` with newlines significant inside.
    mutating func parseBlock(after context: String = "") throws -> Block {
        let open = peek()
        guard open.kind.isSymbol(.leftBrace) else {
            var hint: String? = nil
            if case .symbol(.equal) = open.kind { hint = "use '==' to compare" }
            let where_ = context.isEmpty ? "" : " after \(context)"
            try fail("expected '{'\(where_), found \(open.displayName)", at: open, hint: hint)
        }
        advance()
        try enterNesting(at: open)
        defer { leaveNesting() }
        pushNewlineMode(ignoring: false)
        blockDepth += 1
        let statements = try parseStatementsUntilBrace(open: open)
        blockDepth -= 1
        popNewlineMode()
        advance()  // '}'
        return Block(statements: statements, span: span(from: open.span.start))
    }

    /// Statements up to (not including) the `}` that closes `open`, with recovery per statement.
    mutating func parseStatementsUntilBrace(open: Token) throws -> [Stmt] {
        var statements: [Stmt] = []
        while true {
            skipTerminators()
            let t = peek()
            if t.kind.isSymbol(.rightBrace) { return statements }
            if case .endOfInput = t.kind {
                try fail("expected '}' to close the '{' at \(open.span.start)", at: t)
            }
            if let s = parseStatementRecovering() { statements.append(s) }
        }
    }
}
