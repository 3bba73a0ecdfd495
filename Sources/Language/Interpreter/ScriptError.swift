import Tensors

/// An error a script causes while it is checked or run. The evaluator attaches the span of
/// the expression that raised it (the call, the operator, or one argument) before it is shown.
public struct ScriptError: Error, CustomStringConvertible {
    /// What kind of mistake it is (also the word after `error:` in some messages).
    public enum Kind: String, Sendable {
        case name, argument, type, shape, index, value, runtime, io, limit, syntax
    }

    public let kind: Kind
    public let message: String
    public let hint: String?
    /// Where in the script; nil until the evaluator fills it in.
    public var span: SourceSpan?
    /// Index of the call argument at fault (positionals first, then keywords), if one is.
    public var argument: Int?

    public init(_ kind: Kind, _ message: String, hint: String? = nil, argument: Int? = nil, span: SourceSpan? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.argument = argument
        self.span = span
    }

    /// The script error for a tensor error: same message, the op named, the hint kept.
    public init(_ e: TensorError, span: SourceSpan? = nil) {
        let kind: Kind
        switch e.kind {
        case .shape: kind = .shape
        case .index: kind = .index
        case .dtype: kind = .type
        case .value, .linalg: kind = .value
        case .size: kind = .limit
        }
        self.init(kind, "\(e.op): \(e.message)", hint: e.hint, span: span)
    }

    public var description: String { message }
}

/// Non-local exits used by the evaluator (not user errors).
enum ControlFlow: Error {
    case breakLoop
    case continueLoop
    case returnValue(Value)
}

// MARK: - Did-you-mean

/// Suggestions by edit distance, for unknown names, keywords and members.
public enum Suggest {
    /// The candidate closest to `name` if it is close enough to be a plausible typo.
    public static func closest(_ name: String, in candidates: [String]) -> String? {
        let a = Array(name.lowercased().unicodeScalars)
        guard !a.isEmpty else { return nil }
        var best: (String, Int)?
        for c in candidates where c != name {
            let b = Array(c.lowercased().unicodeScalars)
            if abs(a.count - b.count) > 3 { continue }
            let d = distance(a, b)
            let limit = max(1, min(3, max(a.count, b.count) / 3))
            if d <= limit, best == nil || d < best!.1 || (d == best!.1 && c < best!.0) { best = (c, d) }
        }
        return best?.0
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev2 = [Int](repeating: 0, count: b.count + 1)
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { v = min(v, prev2[j - 2] + 1) }
                cur[j] = v
            }
            prev2 = prev; prev = cur
        }
        return prev[b.count]
    }
}
