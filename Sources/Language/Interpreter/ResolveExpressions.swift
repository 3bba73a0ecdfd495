import Tensors

extension Resolver {
    // MARK: - Expressions

    func resolve(_ e: Expr) -> Code {
        switch e.kind {
        case .integer(let n): return .constant(.int(n))
        case .float(let x): return .constant(.float(x))
        case .string(let s): return .constant(.string(s))
        case .bool(let b): return .constant(.bool(b))
        case .none: return .constant(.none)
        case .name(let n):
            switch lookup(n) {
            case .local(let ref)?:
                return .local(ref, name: n, span: e.span)
            case .global(let slot)?:
                return .global(slot, name: n, span: e.span)
            case .builtin(let b)?:
                return .constant(.function(b))
            case nil:
                unknownName(n, at: e.span)
                return .constant(.none)
            }
        case .unary(let op, let x, _):
            return .unary(op, resolve(x), span: e.span)
        case .binary(let op, let a, let b, let opSpan):
            let ca = resolve(a), cb = resolve(b)
            switch op {
            case .and: return .and(ca, cb, span: e.span)
            case .or: return .or(ca, cb, span: e.span)
            default: return .binary(op, ca, cb, opSpan: opSpan, span: e.span)
            }
        case .call(let callee, let args):
            let cargs = args.map { CodeArgument(label: $0.label?.name, value: resolve($0.value), span: $0.span) }
            if case .member(let base, let id) = callee.kind {
                return .methodCall(resolve(base), name: id.name, builtin: builtins.byName[id.name], cargs,
                                   nameSpan: id.span, span: e.span)
            }
            let c = resolve(callee)
            checkArguments(callee, c, args)
            return .call(c, cargs, span: e.span)
        case .index(let base, let items):
            return .index(resolve(base), items.map(resolveIndexItem), span: e.span)
        case .member(let base, let id):
            return .member(resolve(base), name: id.name, nameSpan: id.span, span: e.span)
        case .tuple(let items), .list(let items):
            return .list(items.map(resolve))
        case .comprehension(let element, let clauses):
            // Each clause sees the names of the clauses before it; the element sees them all.
            var lowered: [CodeClause] = []
            var blocks = 0
            for c in clauses {
                switch c {
                case .forIn(let pattern, let iterable):
                    let it = resolve(iterable)
                    pushBlock(); blocks += 1
                    lowered.append(.forIn(declarePattern(pattern), it, span: iterable.span))
                case .condition(let cond):
                    lowered.append(.condition(resolve(cond), span: cond.span))
                }
            }
            let el = resolve(element)
            for _ in 0..<blocks { popBlock() }
            return .comprehension(el, lowered)
        case .record(let fields):
            var seen = Set<String>()
            for f in fields where !seen.insert(f.name.name).inserted {
                error(.syntax, "field `\(f.name.name)` appears twice in the record", at: f.name.span)
            }
            return .record(fields.map { ($0.name.name, resolve($0.value)) })
        case .lambda(let decl):
            return .lambda(resolveFunction(decl, name: "fn"))
        case .ifElse(let chain):
            return .ifElse(chain.branches.map { (resolve($0.condition), resolveBlock($0.body)) },
                           chain.elseBody.map(resolveBlock))
        case .block(let b):
            return .block(resolveBlock(b))
        }
    }

    func resolveIndexItem(_ item: SubscriptItem) -> CodeIndex {
        switch item.kind {
        case .expression(let e): return .expression(resolve(e), span: item.span)
        case .slice(let a, let b, let c): return .slice(a.map(resolve), b.map(resolve), c.map(resolve), span: item.span)
        case .ellipsis: return .ellipsis
        case .newAxis: return .newAxis
        }
    }

    /// Argument checks for calls whose callee is statically known: a builtin, or a global
    /// `fn` (not re-assigned). Reported before running, with did-you-mean for keywords.
    func checkArguments(_ callee: Expr, _ code: Code, _ args: [CallArgument]) {
        let params: [ParamSpec], name: String
        switch code {
        case .constant(.function(let b as Builtin)):
            params = b.parameters; name = b.name
        case .global(let slot, _, _):
            guard let sig = signatures[slot] else { return }
            params = sig.params; name = sig.name
        default:
            return
        }
        let positional = args.filter { $0.label == nil }.count
        let hasVariadic = params.contains { $0.kind == .variadic }
        let fixed = params.firstIndex { $0.kind == .variadic } ?? params.count
        if !hasVariadic && positional > params.count {
            let extra = args.filter { $0.label == nil }[params.count]
            error(.argument, "\(name) takes at most \(params.count) argument\(params.count == 1 ? "" : "s"), got \(positional)",
                  at: extra.span, hint: params.isEmpty ? nil : "parameters: " + params.map(\.name).joined(separator: ", "))
            return
        }
        var given = Set<String>()
        for (i, p) in params.enumerated() where i < min(positional, fixed) { given.insert(p.name) }
        for a in args {
            guard let label = a.label else { continue }
            let names = params.filter { $0.kind != .variadic }.map(\.name)
            if !names.contains(label.name) {
                let hint = DidYouMean.hint(for: label.name, in: names)
                    ?? (names.isEmpty ? nil : "parameters: " + names.joined(separator: ", "))
                error(.argument, "\(name) has no parameter named `\(label.name)`", at: label.span, hint: hint)
                return
            }
            if !given.insert(label.name).inserted {
                error(.argument, "argument `\(label.name)` of \(name) is given twice", at: label.span)
                return
            }
        }
        for p in params where p.kind == .required && !given.contains(p.name) {
            error(.argument, "\(name) is missing argument `\(p.name)`", at: callee.span.to(args.last?.span ?? callee.span),
                  hint: "call it as \(name)(" + params.map { $0.kind == .variadic ? "\($0.name)..." : $0.name }.joined(separator: ", ") + ")")
            return
        }
    }
}
