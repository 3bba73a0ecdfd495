// MARK: - Experiment declarations
//
// task, model, optimizer, train (with settings, every, log), plot/heatmap/scatter, sweep,
// save, load. The parser only builds nodes; the experiments code gives them meaning.

extension Parser {
    mutating func parseExperimentStatement() throws -> Stmt {
        let t = advance()
        let start = t.span.start
        guard case .keyword(let k) = t.kind else { try fail("expected a statement", at: t) }
        switch k {
        case .task:
            let name = try expectIdentifier("a task name after 'task'")
            if match(.equal) != nil {
                skipNewlines()
                let value = try parseExpression()
                return Stmt(.taskValue(name: name, value: value), span: span(from: start))
            }
            guard check(.leftBrace) else {
                let n = peek()
                try fail("expected '=' or '{' after the task name, found \(n.displayName)", at: n,
                         hint: "write 'task t = reversal(pairs: 20)' or 'task t { sample(batch) { ... } }'")
            }
            let items = try parseDeclarationBlock()
            return Stmt(.taskBlock(name: name, items: items), span: span(from: start))
        case .model:
            let name = try expectIdentifier("a model name after 'model'")
            // `model Stack(L: 2) { }` declares a constructor: each call builds a fresh model.
            let parameters = check(.leftParen) ? try parseParameterList(after: "the model name") : nil
            let items = try parseDeclarationBlock(after: parameters == nil ? "the model name" : "the model's parameters")
            return Stmt(.model(name: name, parameters: parameters, items: items), span: span(from: start))
        case .optimizer:
            let name = try expectIdentifier("an optimizer name after 'optimizer'")
            try expect(.equal, "after the optimizer name", hint: "write 'optimizer opt = sgd(lr: 0.1)'")
            skipNewlines()
            let value = try parseExpression()
            return Stmt(.optimizer(name: name, value: value), span: span(from: start))
        case .train:
            return try parseTrain(start: start)
        case .plot, .heatmap, .scatter:
            let kind = PlotKind(rawValue: k.rawValue) ?? .plot  // the three keywords are PlotKind's cases
            var args: [CallArgument] = []
            repeat {
                skipNewlines()
                args.append(try parseArgument())
            } while match(.comma) != nil
            return Stmt(.plot(kind, args), span: span(from: start))
        case .sweep:
            var bindings: [SweepBinding] = []
            repeat {
                skipNewlines()
                // `seed` is a keyword but the most common thing to sweep over.
                let name: Identifier
                if let seedToken = match(.seed) {
                    name = Identifier(name: "seed", span: seedToken.span)
                } else {
                    name = try expectIdentifier("a name to sweep over")
                }
                try expect(.in, "after '\(name.name)' in the sweep", hint: "write 'sweep lr in [0.1, 0.01] { ... }'")
                let values = try parseExpression()
                bindings.append(SweepBinding(name: name, values: values))
            } while match(.comma) != nil
            let body = try parseBlock(after: "the swept values")
            return Stmt(.sweep(bindings, body), span: span(from: start))
        case .save:
            let value = try parseExpression()
            try expect(.to, "after the value to save", hint: "write 'save m to \"weights.safetensors\"'")
            let path = try parseExpression()
            return Stmt(.save(value: value, path: path), span: span(from: start))
        case .load:
            let target = try parseExpression()
            try expect(.from, "after the name to load into", hint: "write 'load m from \"weights.safetensors\"'")
            let path = try parseExpression()
            return Stmt(.load(target: target, path: path), span: span(from: start))
        default:
            try fail("expected a statement, found \(t.displayName)", at: t)
        }
    }

    // MARK: task / model bodies

    /// `{ items }` of a task or model: `param`, methods `name(params) = e` / `name(params) { }`,
    /// and ordinary statements.
    mutating func parseDeclarationBlock(after context: String = "") throws -> [DeclarationItem] {
        let open = peek()
        guard open.kind.isSymbol(.leftBrace) else {
            try fail("expected '{'\(context.isEmpty ? "" : " after \(context)"), found \(open.displayName)", at: open)
        }
        advance()
        try enterNesting(at: open)
        defer { leaveNesting() }
        pushNewlineMode(ignoring: false)
        blockDepth += 1
        var items: [DeclarationItem] = []
        while true {
            skipTerminators()
            let t = peek()
            if t.kind.isSymbol(.rightBrace) { break }
            if case .endOfInput = t.kind { try fail("expected '}' to close the '{' at \(open.span.start)", at: t) }
            if let item = parseRecovering({ try $0.parseDeclarationItem() }) { items.append(item) }
        }
        blockDepth -= 1
        popNewlineMode()
        advance()
        return items
    }

    mutating func parseDeclarationItem() throws -> DeclarationItem {
        let t = peek()
        if t.kind.isKeyword(.param) {
            advance()
            let name = try expectIdentifier("a parameter name after 'param'")
            try expect(.equal, "after the parameter name", hint: "write 'param W = zeros([d, d])'")
            skipNewlines()
            let value = try parseExpression()
            return .param(name: name, value: value, span: span(from: t.span.start))
        }
        if case .identifier(let n) = t.kind, isMethodDeclaration() {
            advance()
            let decl = try parseFunctionRest(name: Identifier(name: n, span: t.span), start: t.span.start)
            return .method(decl)
        }
        return .statement(try parseStatement())
    }

    /// `name(` ... `)` followed by `=` or `{` on the same line: a method, not a call.
    mutating func isMethodDeclaration() -> Bool {
        guard tokens[position + 1].kind.isSymbol(.leftParen) else { return false }
        var i = position + 1
        var open = 0
        while i < tokens.count {
            switch tokens[i].kind {
            case .symbol(.leftParen), .symbol(.leftBracket), .symbol(.leftBrace): open += 1
            case .symbol(.rightParen), .symbol(.rightBracket), .symbol(.rightBrace):
                open -= 1
                if open == 0 {
                    let next = tokens[min(i + 1, tokens.count - 1)].kind
                    return next.isSymbol(.equal) || next.isSymbol(.leftBrace)
                }
            case .endOfInput: return false
            default: break
            }
            i += 1
        }
        return false
    }

    /// Runs one item parser with statement-level recovery (used by model, task and train bodies).
    mutating func parseRecovering<T>(_ item: (inout Parser) throws -> T) -> T? {
        let startPosition = position
        let savedModes = newlineModes
        let savedDepth = depth
        let savedBlockDepth = blockDepth
        do {
            let value = try item(&self)
            try expectStatementEnd()
            return value
        } catch {
            newlineModes = savedModes
            depth = savedDepth
            blockDepth = savedBlockDepth
            synchronize(from: startPosition, errorPosition: position)
            let start = tokens[startPosition].span.start.offset
            let end = regionEnd(start: start, startPosition: startPosition)
            if let d = (error as? ParseAbort)?.diagnostic {
                record(d, region: start..<end)
            } else {
                failedRegions.append(start..<end)
            }
            return nil
        }
    }

    // MARK: train

    /// `train model on task [with optimizer] { items }`
    mutating func parseTrain(start: SourceLocation) throws -> Stmt {
        let model = try parseExpression()
        // `train m with opt { loss f(m) }` without `on TASK` minimises a population loss.
        var task: Expr? = nil
        if match(.on) != nil {
            task = try parseExpression()
        } else if !check(.with) {
            let t = peek()
            try fail("expected 'on' or 'with' after the model in 'train', found \(t.displayName)", at: t,
                     hint: "write 'train m on task with opt { ... }', or 'train m with opt { loss ... }' for a loss without data")
        }
        var optimizer: Expr? = nil
        if match(.with) != nil { optimizer = try parseExpression() }
        let items = try parseTrainBlock(after: "the train header")
        return Stmt(.train(model: model, task: task, optimizer: optimizer, items: items), span: span(from: start))
    }

    mutating func parseTrainBlock(after context: String) throws -> [TrainItem] {
        let open = peek()
        guard open.kind.isSymbol(.leftBrace) else {
            try fail("expected '{' after \(context), found \(open.displayName)", at: open)
        }
        advance()
        try enterNesting(at: open)
        defer { leaveNesting() }
        pushNewlineMode(ignoring: false)
        blockDepth += 1
        var items: [TrainItem] = []
        while true {
            skipTerminators()
            let t = peek()
            if t.kind.isSymbol(.rightBrace) { break }
            if case .endOfInput = t.kind { try fail("expected '}' to close the '{' at \(open.span.start)", at: t) }
            if let item = parseRecovering({ try $0.parseTrainItem() }) { items.append(item) }
        }
        blockDepth -= 1
        popNewlineMode()
        advance()
        return items
    }

    /// `every e { }`, `log NAME [= e]`, a setting `IDENT value`, or a statement.
    mutating func parseTrainItem() throws -> TrainItem {
        let t = peek()
        let start = t.span.start
        switch t.kind {
        case .keyword(.every):
            advance()
            let interval = try parseExpression()
            let items = try parseTrainBlock(after: "the interval of 'every'")
            return .every(interval: interval, items: items, span: span(from: start))
        case .keyword(.log) where isIdentifier(tokens[position + 1].kind):
            advance()
            let name = try expectIdentifier("a metric name after 'log'")
            var value: Expr? = nil
            if match(.equal) != nil {
                skipNewlines()
                value = try parseExpression()
            }
            return .log(name: name, value: value, span: span(from: start))
        case .identifier(let n) where startsSettingValue(tokens[position + 1].kind)
                                    || (Parser.trainSettingWords.contains(n) && [.symbol(.leftParen), .symbol(.leftBracket)].contains(tokens[position + 1].kind)):
            advance()
            let value = try parseExpression()
            return .setting(name: Identifier(name: n, span: t.span), value: value, span: span(from: start))
        default:
            return .statement(try parseStatement())
        }
    }

    /// The settings a train block knows (`TrainVocabulary`). One of these followed by `(` or `[`
    /// is still a setting (`loss (output - y) ** 2`), not a call.
    static let trainSettingWords: Set<String> = Set(TrainVocabulary.names)

    /// A setting is `IDENT value` on one line; the value must not begin with a token that could
    /// continue an expression (`(`, `[`, `.`, a binary operator other than unary minus), so
    /// `print(x)` and `x = 1` stay statements.
    func startsSettingValue(_ k: TokenKind) -> Bool {
        switch k {
        case .identifier, .integer, .float, .string, .symbol(.minus), .symbol(.leftBrace): return true
        case .keyword(let kw): return [.true, .false, .none, .not, .fn, .if].contains(kw)
        default: return false
        }
    }
}
