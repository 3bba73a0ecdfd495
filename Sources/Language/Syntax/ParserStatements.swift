// MARK: - Statements

extension Parser {
    /// One statement (without its terminator).
    mutating func parseStatement() throws -> Stmt {
        let t = peek()
        let start = t.span.start
        switch t.kind {
        case .keyword(.let): return try parseLet()
        case .keyword(.fn):
            // `fn name(...)` declares; `fn(...)` is a lambda used as an expression statement.
            if case .identifier = lookahead(1, skippingNewlines: false).kind { return try parseFunctionDeclaration() }
            return try parseExpressionStatement()
        case .keyword(.if):
            let chain = try parseIfChain()
            let e = Expr(.ifElse(chain), span: span(from: start))
            return Stmt(.expression(e), span: e.span)
        case .keyword(.for): return try parseFor()
        case .keyword(.while):
            advance()
            let condition = try parseExpression()
            let body = try parseBlock(after: "the while condition")
            return Stmt(.whileLoop(condition, body), span: span(from: start))
        case .keyword(.break):
            advance()
            return Stmt(.breakLoop, span: t.span)
        case .keyword(.continue):
            advance()
            return Stmt(.continueLoop, span: t.span)
        case .keyword(.return):
            advance()
            let value = endsStatement(peek().kind) ? nil : try parseExpression()
            return Stmt(.returnValue(value), span: span(from: start))
        case .keyword(.seed):
            advance()
            let value = try parseExpression()
            return Stmt(.seed(value), span: span(from: start))
        case .keyword(.precision):
            advance()
            let name = try expectIdentifier("'f32' or 'f64' after 'precision'")
            return Stmt(.precision(name), span: span(from: start))
        case .keyword(.expect): return try parseExpect()
        case .keyword(.import):
            advance()
            let path = peek()
            guard case .string(let s) = path.kind else {
                try fail("expected a file name in quotes after 'import', found \(path.displayName)", at: path,
                         hint: "write import \"blocks.exp\"")
            }
            advance()
            return Stmt(.importFile(s, pathSpan: path.span), span: span(from: start))
        case .keyword(.task), .keyword(.model), .keyword(.optimizer), .keyword(.train), .keyword(.plot),
             .keyword(.heatmap), .keyword(.scatter), .keyword(.sweep), .keyword(.save), .keyword(.load):
            return try parseExperimentStatement()
        case .keyword(.param):
            try fail("'param' is only allowed inside a model block", at: t,
                     hint: "declare trained parameters in 'model name { param W = ... }'")
        case .keyword(.log) where !isIdentifier(tokens[position + 1].kind):
            return try parseExpressionStatement()  // log(x): the function
        case .keyword(.log), .keyword(.every):
            try fail("'\(t.text)' is only allowed inside a train block", at: t)
        case .keyword(.else):
            try fail("'else' without a matching 'if'", at: t)
        case .keyword(.in), .keyword(.on), .keyword(.with), .keyword(.to), .keyword(.from):
            try fail("expected a statement, found the keyword '\(t.text)'", at: t)
        default:
            return try parseExpressionStatement()
        }
    }

    func isIdentifier(_ k: TokenKind) -> Bool {
        if case .identifier = k { return true }
        return false
    }

    /// Whether a token ends a statement (so an optional value is absent).
    func endsStatement(_ k: TokenKind) -> Bool {
        switch k {
        case .newline, .endOfInput, .symbol(.semicolon), .symbol(.rightBrace): return true
        default: return false
        }
    }

    /// `let pattern = value`
    mutating func parseLet() throws -> Stmt {
        let start = advance().span.start
        let pattern = try parsePattern()
        try expect(.equal, "after the name in 'let'", hint: check(.colon) ? "let has no type annotations: let x = 1" : nil)
        skipNewlines()
        let value = try parseExpression()
        return Stmt(.letBinding(pattern, value), span: span(from: start))
    }

    /// `x`, `(a, b)`, `[a, (b, c)]`.
    mutating func parsePattern() throws -> Pattern {
        let t = peek()
        let close: Symbol
        switch t.kind {
        case .symbol(.leftParen): close = .rightParen
        case .symbol(.leftBracket): close = .rightBracket
        default: return .name(try expectIdentifier("a name"))
        }
        advance()
        try enterNesting(at: t)
        defer { leaveNesting() }
        pushNewlineMode(ignoring: true)
        var items: [Pattern] = []
        while !check(close) {
            items.append(try parsePattern())
            if match(.comma) == nil { break }
        }
        let end = peek()
        guard end.kind.isSymbol(close) else {
            try fail("expected ',' or '\(close.rawValue)' in the names, found \(end.displayName)", at: end)
        }
        popNewlineMode()
        advance()
        if items.isEmpty { try fail("expected at least one name to bind", at: span(from: t.span.start)) }
        return .tuple(items, span: span(from: t.span.start))
    }

    /// `fn name(params) = expr` / `fn name(params) { }`
    mutating func parseFunctionDeclaration() throws -> Stmt {
        let fnToken = advance()
        let name = try expectIdentifier("a function name after 'fn'")
        let decl = try parseFunctionRest(name: name, start: fnToken.span.start)
        return Stmt(.function(decl), span: decl.span)
    }

    /// `(params) = expr` or `(params) { block }` for functions, lambdas and methods.
    mutating func parseFunctionRest(name: Identifier?, start: SourceLocation) throws -> FunctionDecl {
        let parameters = try parseParameterList(after: name.map { "after the function name '\($0.name)'" } ?? "after 'fn'")
        let body: FunctionBody
        if match(.equal) != nil {
            skipNewlines()
            body = .expression(try parseExpression())
        } else if check(.leftBrace) {
            body = .block(try parseBlock())
        } else {
            let t = peek()
            try fail("expected '=' or '{' after the parameters, found \(t.displayName)", at: t,
                     hint: "write 'fn f(x) = x + 1' or 'fn f(x) { ... }'")
        }
        return FunctionDecl(name: name, parameters: parameters, body: body, span: span(from: start))
    }

    /// `for pattern in iterable { }`
    mutating func parseFor() throws -> Stmt {
        let start = advance().span.start
        let pattern = try parsePattern()
        try expect(.in, "after the loop variable", hint: "write 'for i in 0..10 { ... }'")
        let iterable = try parseExpression()
        let body = try parseBlock(after: "the for loop's range")
        return Stmt(.forLoop(pattern, iterable, body), span: span(from: start))
    }

    /// `(a, b: 2, ...)`: a function's, method's or model constructor's parameters.
    mutating func parseParameterList(after context: String) throws -> [Parameter] {
        let open = try expect(.leftParen, context)
        pushNewlineMode(ignoring: true)
        var parameters: [Parameter] = []
        while !check(.rightParen) {
            let pname = try expectIdentifier("a parameter name")
            var defaultValue: Expr? = nil
            if match(.colon) != nil {
                defaultValue = try parseExpression()
            } else if check(.equal) {
                try fail("a default value is written with ':'", at: peek(), hint: "write \(pname.name): value")
            }
            parameters.append(Parameter(name: pname, defaultValue: defaultValue, span: span(from: pname.span.start)))
            if match(.comma) == nil { break }
        }
        let close = peek()
        guard close.kind.isSymbol(.rightParen) else {
            try fail("expected ',' or ')' in the parameters, found \(close.displayName)", at: close,
                     hint: atEndOfInput(close) ? nil : "the '(' at \(open.span.start) is not closed")
        }
        popNewlineMode()
        advance()
        return parameters
    }

    /// `expect condition` or `expect condition, "message"`
    mutating func parseExpect() throws -> Stmt {
        let start = advance().span.start
        let condition = try parseExpression()
        var message: Expr? = nil
        if match(.comma) != nil {
            skipNewlines()
            message = try parseExpression()
        }
        return Stmt(.expect(condition, message: message), span: span(from: start))
    }

    /// An expression, optionally followed by `=` / `+=` ... (then it must be a name, index or member).
    mutating func parseExpressionStatement() throws -> Stmt {
        let target = try parseExpression()
        let t = peek()
        let op: AssignmentOperator
        switch t.kind {
        case .symbol(.equal): op = .assign
        case .symbol(.plusEqual): op = .add
        case .symbol(.minusEqual): op = .subtract
        case .symbol(.starEqual): op = .multiply
        case .symbol(.slashEqual): op = .divide
        default: return Stmt(.expression(target), span: target.span)
        }
        switch target.kind {
        case .name, .index, .member: break
        default:
            try fail("cannot assign to this expression", at: target.span,
                     hint: "only names, indexed names (x[i]) and members (m.W) can be assigned")
        }
        advance()
        skipNewlines()
        let value = try parseExpression()
        return Stmt(.assignment(target: target, op: op, value: value, operatorSpan: t.span),
                    span: target.span.to(value.span))
    }
}
