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
            checkArguments(c, args, call: e.span)
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

    /// Argument checks for calls whose callee is statically known: a builtin (a name no
    /// script binding shadows), or a global `fn` or model (bound once, never re-assigned).
    /// They match the call's shape as `Arguments.bind` will when it runs and report its error,
    /// in the same words, at the argument it blames; other callees are checked when called.
    func checkArguments(_ code: Code, _ args: [CallArgument], call span: SourceSpan) {
        switch code {
        case .constant(.function(let b as Builtin)):
            reportMismatch(b.name, b.parameters, args, call: span)
        case .global(let slot, _, _):
            guard let sig = signatures[slot] else { return }
            // Whether the slot keeps this function is known once the whole file is resolved
            // (a later `f = ...` would make the check wrong): the check waits until then.
            pendingCallChecks.append(PendingCallCheck(slot: slot, name: sig.name, params: sig.params, args: args, span: span,
                                                      position: diagnostics.count))
        default:
            return
        }
    }

    /// Reports the error `Arguments.bind` would raise for this call, if any.
    func reportMismatch(_ name: String, _ params: [ParamSpec], _ args: [CallArgument], call span: SourceSpan) {
        let positional = args.filter { $0.label == nil }
        let keywords = args.compactMap(\.label)
        guard let e = Arguments.mismatch(positional: positional.count, keywords: keywords.map(\.name),
                                         parameters: params, function: name) else { return }
        var at = span
        if let i = e.argument {
            at = i < positional.count ? positional[i].span : keywords[i - positional.count].span
        }
        error(.argument, e.message, at: at, hint: e.hint)
    }

    /// Runs the deferred checks of calls to global functions whose slot was never assigned,
    /// putting each error where it would have stood in source order.
    func runPendingCallChecks(from first: Int) {
        let checks = pendingCallChecks[first...]
        pendingCallChecks.removeSubrange(first...)
        for check in checks.reversed() where !assignedGlobals.contains(check.slot) {
            let before = diagnostics
            diagnostics = Array(before[..<check.position])
            reportMismatch(check.name, check.params, check.args, call: check.span)
            diagnostics += before[check.position...]
        }
        if diagnostics.count > Self.errorLimit {
            droppedErrors += diagnostics.count - Self.errorLimit
            diagnostics.removeSubrange(Self.errorLimit...)
        }
    }
}

/// A call to a global function, checked once the file shows the function is never re-assigned.
struct PendingCallCheck {
    let slot: Int
    let name: String
    let params: [ParamSpec]
    let args: [CallArgument]
    let span: SourceSpan
    /// How many diagnostics came before the call, so its error keeps its place in the list.
    let position: Int
}
