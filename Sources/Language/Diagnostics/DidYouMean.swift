// MARK: - Did you mean

/// Spelling suggestions by edit distance, for unknown names, keyword arguments and settings.
public enum DidYouMean {
    /// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions) between two
    /// strings, counted in Unicode scalars. A difference only in letter case costs nothing extra
    /// beyond the changed letters.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous2 = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d = min(d, previous2[j - 2] + 1)
                }
                current[j] = d
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[y.count]
    }

    /// The largest distance still worth suggesting for a name of this length: 1 for short names,
    /// growing to a third of the length (so `x` never suggests `y`, but `lerning_rate` finds
    /// `learning_rate`).
    public static func maxDistance(forLength n: Int) -> Int {
        n <= 2 ? (n == 2 ? 1 : 0) : max(1, n / 3)
    }

    /// Candidates close to `name`, best first (then alphabetical), at most `limit`.
    /// An exact case-insensitive match always qualifies.
    public static func suggestions<S: Sequence>(for name: String, in candidates: S, limit: Int = 3) -> [String]
    where S.Element == String {
        let lower = name.lowercased()
        let limitDistance = maxDistance(forLength: name.unicodeScalars.count)
        var scored: [(Int, String)] = []
        var seen = Set<String>()
        for c in candidates where c != name && !seen.contains(c) {
            seen.insert(c)
            if c.lowercased() == lower {
                scored.append((0, c))
                continue
            }
            // Cheap length filter before the quadratic distance.
            if abs(c.unicodeScalars.count - name.unicodeScalars.count) > limitDistance { continue }
            let d = distance(name, c)
            if d <= limitDistance { scored.append((d, c)) }
        }
        scored.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return scored.prefix(max(0, limit)).map(\.1)
    }

    /// The single best suggestion, if any.
    public static func suggestion<S: Sequence>(for name: String, in candidates: S) -> String? where S.Element == String {
        suggestions(for: name, in: candidates, limit: 1).first
    }

    /// A hint line such as `did you mean 'theta'?` (or `did you mean 'a' or 'b'?`), or nil.
    public static func hint<S: Sequence>(for name: String, in candidates: S) -> String? where S.Element == String {
        let s = suggestions(for: name, in: candidates, limit: 2)
        switch s.count {
        case 0: return nil
        case 1: return "did you mean '\(s[0])'?"
        default: return "did you mean '\(s[0])' or '\(s[1])'?"
        }
    }
}
