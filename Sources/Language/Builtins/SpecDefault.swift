/// The default a builtin's spec declares for one parameter (`"momentum=0"`), read once when the
/// builtin is registered so the body never writes the default a second time.
public enum SpecDefault {
    /// No default, or `none`.
    case none
    case value(Value)
    /// Text that is not a literal: a bug in the spec, which `BuiltinSpecTests` reports and an
    /// accessor reading the parameter stops on.
    case unparsed(String)

    /// Reads `text` as exp reads a literal: numbers (with a sign), `true`/`false`, `none`,
    /// strings, and lists of these.
    public init(_ text: String) {
        let (expr, diagnostics) = Parser.parseExpression(SourceFile(name: "<default>", text: text))
        guard diagnostics.isEmpty, let expr, let v = Self.literal(expr) else {
            self = .unparsed(text)
            return
        }
        if case .none = v { self = .none } else { self = .value(v) }
    }

    private static func literal(_ e: Expr) -> Value? {
        switch e.kind {
        case .integer(let n): return .int(n)
        case .float(let x): return .float(x)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .none: return Value.none
        case .unary(.negate, let x, _):
            switch x.kind {
            case .integer(let n): return .int(-n)
            case .float(let d): return .float(-d)
            default: return nil
            }
        case .list(let items):
            var out: [Value] = []
            for item in items {
                guard let v = literal(item) else { return nil }
                out.append(v)
            }
            return .list(out)
        default:
            return nil
        }
    }
}
