/// `--set name=value` against the script: the value must be of the kind the script's literal
/// `let name = ...` is (a number for a number, text for text, a list for a list), so a typo such
/// as `--set steps=abc` is a usage error instead of a string that runs.
package enum OverrideCheck {
    /// The kind of value a literal is, or nil when the expression is computed (anything goes).
    enum LiteralKind: String {
        case number, text = "string", bool, list, none
    }

    static func kind(of e: Expr) -> LiteralKind? {
        switch e.kind {
        case .integer, .float: return .number
        case .unary(.negate, let inner, _), .unary(.plus, let inner, _): return kind(of: inner) == .number ? .number : nil
        case .string: return .text
        case .bool: return .bool
        case .list: return .list
        case .none: return nil  // `let x = none` is a placeholder for any value
        default: return nil
        }
    }

    static func kind(of v: Value) -> LiteralKind {
        switch v {
        case .int, .float: return .number
        case .string: return .text
        case .bool: return .bool
        case .list: return .list
        default: return .none
        }
    }

    /// The first override whose value cannot stand for the script's literal, as a message.
    package static func mismatch(_ overrides: [String: Value], in statements: [Stmt]) -> String? {
        for s in statements {
            guard case .letBinding(.name(let id), let value) = s.kind, let given = overrides[id.name],
                  let want = kind(of: value) else { continue }
            let got = kind(of: given)
            if got == want { continue }
            let shown: String
            if case .string(let text) = given { shown = "\"\(text)\"" } else { shown = Format.short(given) }
            return "--set \(id.name)=\(shown): the script's `\(id.name)` is a \(want.rawValue) (`\(value.sourceText)`), not a \(got.rawValue)"
        }
        return nil
    }
}
