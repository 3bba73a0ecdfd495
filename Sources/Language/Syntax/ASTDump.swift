// MARK: - S-expression dump
//
// A compact, unambiguous text form of the tree: `(+ 1 (* 2 3))`. Used by the parser tests to
// check precedence and by anyone debugging the front end (`exp check --ast` could print it).

extension Expr {
    /// The expression as an s-expression, e.g. `(neg (** x 2))` for `-x**2`.
    public var sexpr: String {
        switch kind {
        case .integer(let v): return String(v)
        case .float(let v): return String(v)
        case .string(let s): return "\"" + s.replacingAll("\"", with: "\\\"") + "\""
        case .bool(let b): return b ? "true" : "false"
        case .none: return "none"
        case .name(let n): return n
        case .unary(let op, let e, _):
            return "(\(op == .negate ? "neg" : op == .plus ? "pos" : "not") \(e.sexpr))"
        case .binary(let op, let a, let b, _): return "(\(op.rawValue) \(a.sexpr) \(b.sexpr))"
        case .call(let f, let args): return "(call \(f.sexpr)\(args.map { " " + $0.sexpr }.joined()))"
        case .index(let e, let items): return "(index \(e.sexpr)\(items.map { " " + $0.sexpr }.joined()))"
        case .member(let e, let name): return "(. \(e.sexpr) \(name.name))"
        case .tuple(let items): return "(tuple\(items.map { " " + $0.sexpr }.joined()))"
        case .list(let items): return "(list\(items.map { " " + $0.sexpr }.joined()))"
        case .comprehension(let element, let clauses):
            let cs = clauses.map { c -> String in
                switch c {
                case .forIn(let p, let e): return " (for \(p.sexpr) \(e.sexpr))"
                case .condition(let e): return " (if \(e.sexpr))"
                }
            }
            return "(comprehension \(element.sexpr)\(cs.joined()))"
        case .record(let fields): return "(record\(fields.map { " \($0.name.name): \($0.value.sexpr)" }.joined()))"
        case .lambda(let f): return f.sexpr
        case .ifElse(let chain): return chain.sexpr
        case .block(let b): return b.sexpr
        }
    }
}

extension CallArgument {
    public var sexpr: String { (label.map { $0.name + ": " } ?? "") + value.sexpr }
}

extension SubscriptItem {
    public var sexpr: String {
        switch kind {
        case .expression(let e): return e.sexpr
        case .ellipsis: return "..."
        case .newAxis: return "newaxis"
        case .slice(let a, let b, let c):
            return "(slice \(a?.sexpr ?? "_") \(b?.sexpr ?? "_") \(c?.sexpr ?? "_"))"
        }
    }
}

extension FunctionDecl {
    public var sexpr: String {
        let params = parameters.map { p in p.name.name + (p.defaultValue.map { ": " + $0.sexpr } ?? "") }
        let body: String
        switch self.body {
        case .expression(let e): body = e.sexpr
        case .block(let b): body = b.sexpr
        }
        return "(fn\(name.map { " " + $0.name } ?? "") (\(params.joined(separator: " "))) \(body))"
    }
}

extension IfChain {
    public var sexpr: String {
        var s = "(if"
        for (c, b) in branches { s += " \(c.sexpr) \(b.sexpr)" }
        if let e = elseBody { s += " else \(e.sexpr)" }
        return s + ")"
    }
}

extension Block {
    public var sexpr: String { "{" + statements.map(\.sexpr).joined(separator: "; ") + "}" }
}

extension Pattern {
    public var sexpr: String {
        switch self {
        case .name(let id): return id.name
        case .tuple(let items, _): return "(" + items.map(\.sexpr).joined(separator: " ") + ")"
        }
    }
}

extension Stmt {
    /// The statement as an s-expression, e.g. `(let x (+ 1 2))`.
    public var sexpr: String {
        switch kind {
        case .letBinding(let p, let e): return "(let \(p.sexpr) \(e.sexpr))"
        case .assignment(let t, let op, let v, _): return "(\(op.rawValue) \(t.sexpr) \(v.sexpr))"
        case .function(let f): return f.sexpr
        case .expression(let e): return e.sexpr
        case .forLoop(let p, let e, let b): return "(for \(p.sexpr) \(e.sexpr) \(b.sexpr))"
        case .whileLoop(let c, let b): return "(while \(c.sexpr) \(b.sexpr))"
        case .breakLoop: return "(break)"
        case .continueLoop: return "(continue)"
        case .returnValue(let e): return "(return\(e.map { " " + $0.sexpr } ?? ""))"
        case .seed(let e): return "(seed \(e.sexpr))"
        case .precision(let id): return "(precision \(id.name))"
        case .expect(let e, let m): return "(expect \(e.sexpr)\(m.map { " " + $0.sexpr } ?? ""))"
        case .importFile(let p, _): return "(import \"\(p)\")"
        case .taskValue(let n, let v): return "(task \(n.name) \(v.sexpr))"
        case .taskBlock(let n, let items): return "(task \(n.name) {\(items.map(\.sexpr).joined(separator: "; "))})"
        case .model(let n, let ps, let items): return "(model \(n.name)\(ps.map { p in " (" + p.map { $0.name.name + ($0.defaultValue.map { ": " + $0.sexpr } ?? "") }.joined(separator: " ") + ")" } ?? "") {\(items.map(\.sexpr).joined(separator: "; "))})"
        case .optimizer(let n, let v): return "(optimizer \(n.name) \(v.sexpr))"
        case .train(let m, let t, let o, let items):
            return "(train \(m.sexpr) \(t?.sexpr ?? "_") \(o?.sexpr ?? "_") {\(items.map(\.sexpr).joined(separator: "; "))})"
        case .plot(let k, let args): return "(\(k.rawValue)\(args.map { " " + $0.sexpr }.joined()))"
        case .sweep(let bs, let b):
            return "(sweep\(bs.map { " \($0.name.name) \($0.values.sexpr)" }.joined()) \(b.sexpr))"
        case .save(let v, let p): return "(save \(v.sexpr) \(p.sexpr))"
        case .load(let t, let p): return "(load \(t.sexpr) \(p.sexpr))"
        }
    }
}

extension DeclarationItem {
    public var sexpr: String {
        switch self {
        case .param(let n, let v, _): return "(param \(n.name) \(v.sexpr))"
        case .method(let f): return f.sexpr
        case .statement(let s): return s.sexpr
        }
    }
}

extension TrainItem {
    public var sexpr: String {
        switch self {
        case .setting(let n, let v, _): return "(setting \(n.name) \(v.sexpr))"
        case .every(let e, let items, _): return "(every \(e.sexpr) {\(items.map(\.sexpr).joined(separator: "; "))})"
        case .log(let n, let v, _): return "(log \(n.name)\(v.map { " " + $0.sexpr } ?? ""))"
        case .statement(let s): return s.sexpr
        }
    }
}

extension Program {
    /// All statements, one s-expression per line.
    public var sexpr: String { statements.map(\.sexpr).joined(separator: "\n") }
}

extension String {
    fileprivate func replacingAll(_ a: Character, with b: String) -> String {
        var out = ""
        for c in self { if c == a { out += b } else { out.append(c) } }
        return out
    }
}
