/// Spelling suggestions by edit distance, for unknown names, keywords, arguments, settings,
/// options and `--set` names: the one implementation every hint uses.
public enum DidYouMean {
    /// The candidate closest to `name` (case ignored) if it is close enough to be a plausible
    /// typo: at most a third of the longer word's letters changed, between 1 and 3. Ties go to
    /// the candidate closer in exact spelling, then to the alphabetically first, so hints never
    /// depend on table order.
    public static func closest<S: Sequence>(_ name: String, in candidates: S) -> String? where S.Element == String {
        let a = Array(name.lowercased().unicodeScalars)
        guard !a.isEmpty else { return nil }
        var best: (name: String, distance: Int, exact: Int)?
        for c in candidates where c != name {
            let b = Array(c.lowercased().unicodeScalars)
            if abs(a.count - b.count) > 3 { continue }
            let d = distance(a, b)
            let limit = max(1, min(3, max(a.count, b.count) / 3))
            guard d <= limit else { continue }
            let exact = distance(name, c)
            if let bst = best, (d, exact, c) >= (bst.distance, bst.exact, bst.name) { continue }
            best = (c, d, exact)
        }
        return best?.name
    }

    /// The hint line for an unknown `name`: "did you mean `x`?", or nil when nothing is close.
    public static func hint<S: Sequence>(for name: String, in candidates: S) -> String? where S.Element == String {
        closest(name, in: candidates).map { "did you mean `\($0)`?" }
    }

    /// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), counted in
    /// Unicode scalars.
    public static func distance(_ a: String, _ b: String) -> Int {
        distance(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }

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
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[b.count]
    }
}
