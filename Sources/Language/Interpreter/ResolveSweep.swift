extension Resolver {
    /// Reports an assignment in a sweep body to a name declared outside it. Each combination
    /// runs on its own, in this process or in another one, so such an assignment would give
    /// different results for different `--jobs`; the values to keep are logged instead.
    func checkSweepAssignment(_ target: Expr) {
        guard let sweep = sweepFrames.last else { return }
        for (name, span) in Self.assignedNames(target) where isDeclaredOutside(name, sweep) {
            error(.name, "a sweep body cannot assign `\(name)`, which is defined outside it", at: span,
                  hint: "each combination runs on its own (possibly in parallel): define `\(name)` inside the sweep, or log the value to collect it over runs")
        }
    }

    /// The names at the root of an assignment target (`x`, `x[i]`, `x.f`, `(a, b)`).
    static func assignedNames(_ e: Expr) -> [(String, SourceSpan)] {
        switch e.kind {
        case .name(let n): return [(n, e.span)]
        case .index(let base, _), .member(let base, _): return assignedNames(base)
        case .tuple(let items), .list(let items): return items.flatMap(assignedNames)
        default: return []
        }
    }

    /// True when `name` is found only in scopes enclosing `sweep`'s frame (or not at all).
    private func isDeclaredOutside(_ name: String, _ sweep: FrameScope) -> Bool {
        var frame: FrameScope? = current
        while let f = frame {
            if f.blocks.contains(where: { $0.names[name] != nil }) { return false }
            if f === sweep { return true }
            frame = f.parent
        }
        return true
    }
}
