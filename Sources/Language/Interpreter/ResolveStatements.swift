import Tensors

extension Resolver {
    // MARK: - Statements

    func resolveBlock(_ block: Block) -> CodeBlock {
        pushBlock()
        defer { popBlock() }
        return resolveStatements(block.statements)
    }

    /// Statements of a block already pushed by the caller.
    func resolveStatements(_ statements: [Stmt]) -> CodeBlock {
        var out: [Instr] = []
        for s in statements { if let i = resolveStatement(s) { out.append(i) } }
        var yields = false
        if let last = statements.last, case .expression = last.kind { yields = true }
        return CodeBlock(statements: out, yieldsValue: yields)
    }

    func resolveStatement(_ s: Stmt) -> Instr? {
        switch s.kind {
        case .letBinding(let pattern, let value):
            var code = resolve(value)
            if isTopLevel, case .name(let id) = pattern, let o = overrides[id.name] {
                code = .constant(o)
                usedOverrides.insert(id.name)
            }
            return .bind(declarePattern(pattern), code, span: s.span)

        case .assignment(let target, let op, let value, let opSpan):
            checkSweepAssignment(target)
            let v = resolve(value)
            guard let t = resolveTarget(target) else { return nil }
            return .assign(t, op.binaryOperator, v, opSpan: opSpan)

        case .function(let decl):
            guard let n = decl.name else { return nil }
            let target = declare(n.name)
            let proto = resolveFunction(decl, name: n.name)
            if case .global(let slot, _) = target { signatures[slot] = (n.name, proto.parameters) }
            return .function(target, proto)

        case .expression(let e):
            return .expression(resolve(e))

        case .forLoop(let pattern, let iterable, let body):
            let it = resolve(iterable)
            pushBlock()
            let p = declarePattern(pattern)
            current.loopDepth += 1
            let b = resolveStatements(body.statements)
            current.loopDepth -= 1
            popBlock()
            return .forLoop(p, it, b, span: iterable.span)

        case .whileLoop(let cond, let body):
            let c = resolve(cond)
            current.loopDepth += 1
            let b = resolveBlock(body)
            current.loopDepth -= 1
            return .whileLoop(c, b)

        case .breakLoop, .continueLoop:
            guard current.loopDepth > 0 else {
                let word = { if case .breakLoop = s.kind { return "break" }; return "continue" }()
                error(.syntax, "`\(word)` outside a loop", at: s.span)
                return nil
            }
            if case .breakLoop = s.kind { return .breakLoop }
            return .continueLoop

        case .returnValue(let e):
            guard current.isFunction else {
                error(.syntax, "`return` outside a function", at: s.span, hint: "at top level, the script simply ends")
                return nil
            }
            return .returnValue(e.map(resolve), span: s.span)

        case .seed(let e):
            if isTopLevel, let o = overrides["seed"] {
                usedOverrides.insert("seed")
                return .seed(.constant(o), span: s.span)
            }
            return .seed(resolve(e), span: s.span)

        case .precision(let id):
            switch id.name {
            case "f32", "float32": return .precision(.float32)
            case "f64", "float64": return .precision(.float64)
            default:
                error(.syntax, "unknown precision `\(id.name)`", at: id.span, hint: "use `precision f32` or `precision f64`")
                return nil
            }

        case .expect(let cond, let message):
            return .expect(resolve(cond), message: message.map(resolve), span: cond.span)

        case .importFile(let path, let pathSpan):
            guard let unit = resolveImport(path, from: s.span.file, span: pathSpan) else { return nil }
            return .importFile(unit)

        case .taskValue(let name, let value), .optimizer(let name, let value):
            let v = resolve(value)
            return .bind(declare(name.name), v, span: s.span)

        case .taskBlock(let name, let items):
            return resolveDeclaration(.task, name, items, span: s.span)

        case .model(let name, let parameters, let items):
            return resolveDeclaration(.model, name, items, parameters: parameters, span: s.span)

        case .train, .plot, .sweep, .save, .load:
            return resolveExperiment(s)
        }
    }

    /// Declares the names of a pattern (for `let` and `for`).
    func declarePattern(_ p: Pattern) -> CodePattern {
        switch p {
        case .name(let id): return declare(id.name)
        case .tuple(let items, let span): return .tuple(items.map(declarePattern), span: span)
        }
    }

    /// An assignment target: an existing name, or an index/member of one.
    func resolveTarget(_ e: Expr) -> CodeTarget? {
        switch e.kind {
        case .name(let n):
            switch lookup(n) {
            case .local(let ref)?: return .variable(.slot(ref, name: n))
            case .global(let slot)?:
                assignedGlobals.insert(slot)
                return .variable(.global(slot, name: n))
            case .builtin?:
                error(.name, "cannot assign to the builtin `\(n)`", at: e.span, hint: "use `let \(n) = ...` to define your own")
                return nil
            case nil:
                unknownName(n, at: e.span)
                return nil
            }
        case .index(let base, let items):
            guard let t = resolveTarget(base) else { return nil }
            return .index(base: t, baseCode: resolve(base), items.map(resolveIndexItem), span: e.span)
        case .member(let base, let id):
            guard let t = resolveTarget(base) else { return nil }
            return .member(base: t, baseCode: resolve(base), name: id.name, span: e.span)
        case .tuple(let items), .list(let items):
            var pats: [CodePattern] = []
            for i in items {
                guard case .variable(let p)? = resolveTarget(i) else {
                    error(.syntax, "only names can be assigned together in a tuple", at: i.span)
                    return nil
                }
                pats.append(p)
            }
            return .variable(.tuple(pats, span: e.span))
        default:
            error(.syntax, "cannot assign to this expression", at: e.span, hint: "assign to a name, `x[i]` or `x.field`")
            return nil
        }
    }

    /// A function body in its own frame: parameters take slots 0..<n.
    func resolveFunction(_ decl: FunctionDecl, name: String) -> FunctionProto {
        pushFrame(isFunction: true)
        var defaults: [Code?] = []
        var seen = Set<String>()
        for p in decl.parameters {
            if !seen.insert(p.name.name).inserted {
                error(.syntax, "parameter `\(p.name.name)` appears twice", at: p.name.span)
            }
            // A default may use earlier parameters; it is evaluated in the callee's frame.
            defaults.append(p.defaultValue.map(resolve))
            _ = declare(p.name.name)
        }
        let body: CodeBlock
        switch decl.body {
        case .expression(let e): body = CodeBlock(statements: [.expression(resolve(e))], yieldsValue: true)
        case .block(let b): body = resolveStatements(b.statements)
        }
        let size = popFrame()
        return FunctionProto(name: name, parameters: params(of: decl), defaults: defaults, body: body, frameSize: size, span: decl.span)
    }

    /// `task NAME { }` / `model NAME { }`: a frame whose bindings, params and methods are members.
    func resolveDeclaration(_ kind: DeclarationProto.Kind, _ name: Identifier, _ items: [DeclarationItem],
                            parameters: [Parameter]? = nil, span: SourceSpan) -> Instr {
        let target = declare(name.name)
        if let parameters, case .global(let slot, _) = target {
            // Calls of a constructor are checked like calls of a function.
            signatures[slot] = (name.name, params(parameters))
        }
        // A constructor's body is a function body (its own frame per call); a plain block's too.
        pushFrame(isFunction: parameters != nil)
        // Members are pre-declared so methods can use each other and every binding.
        var members: [(name: String, slot: Int, kind: DeclarationProto.MemberKind)] = []
        func member(_ id: Identifier, _ k: DeclarationProto.MemberKind) -> Int {
            if let existing = current.blocks[0].names[id.name] {
                error(.syntax, "`\(id.name)` is defined twice in \(kind.rawValue) `\(name.name)`", at: id.span)
                return existing
            }
            let slot = current.allocate()
            current.blocks[0].names[id.name] = slot
            members.append((id.name, slot, k))
            return slot
        }
        // Constructor parameters take the first slots and are readable members (`m.d`).
        var constructor: (parameters: [ParamSpec], defaults: [Code?])?
        if let parameters {
            var defaults: [Code?] = []
            for p in parameters {
                _ = member(p.name, .binding)
                defaults.append(p.defaultValue.map(resolve))
            }
            constructor = (params(parameters), defaults)
        }
        var body: [Instr] = []
        var slots: [Int] = []
        for item in items {
            switch item {
            case .param(let id, _, _): slots.append(member(id, .param))
            case .method(let d): if let n = d.name { slots.append(member(n, .method)) } else { slots.append(-1) }
            case .statement(let s):
                if case .letBinding(let p, _) = s.kind { for id in p.names { _ = member(id, .binding) } }
                else if case .function(let d) = s.kind, let n = d.name { _ = member(n, .method) }
                slots.append(-1)
            }
        }
        for (item, slot) in zip(items, slots) {
            switch item {
            case .param(_, let value, let span):
                body.append(.bind(.slot(SlotRef(depth: 0, slot: slot), name: ""), resolve(value), span: span))
            case .method(let d):
                guard let n = d.name else { continue }
                body.append(.function(.slot(SlotRef(depth: 0, slot: slot), name: n.name), resolveFunction(d, name: "\(name.name).\(n.name)")))
            case .statement(let s):
                switch s.kind {
                case .letBinding(let p, let value):
                    let v = resolve(value)
                    body.append(.bind(existingPattern(p), v, span: s.span))
                case .function(let d):
                    guard let n = d.name, let slot = current.blocks[0].names[n.name] else { continue }
                    body.append(.function(.slot(SlotRef(depth: 0, slot: slot), name: n.name), resolveFunction(d, name: "\(name.name).\(n.name)")))
                default:
                    if let i = resolveStatement(s) { body.append(i) }
                }
            }
        }
        let size = popFrame()
        let proto = DeclarationProto(kind: kind, name: name.name, target: target, body: body, frameSize: size,
                                     members: members, span: span)
        for (item, slot) in zip(items, slots) { if case .param(_, _, let s) = item { proto.paramSpans[slot] = s } }
        proto.constructor = constructor
        return .declaration(proto)
    }

    /// A pattern over names already declared in the current frame's first block.
    func existingPattern(_ p: Pattern) -> CodePattern {
        switch p {
        case .name(let id):
            let slot = current.blocks[0].names[id.name] ?? current.allocate()
            return .slot(SlotRef(depth: 0, slot: slot), name: id.name)
        case .tuple(let items, let span): return .tuple(items.map(existingPattern), span: span)
        }
    }
}
