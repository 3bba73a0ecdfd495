/// `xs = append(xs, x)` and `xs += [x]` in amortized O(1).
///
/// Lists are Swift arrays, copy-on-write. Evaluated the ordinary way, the old list is still
/// held by the variable's slot (and by the argument values) while `append` grows its own
/// copy, so every append copies the whole list and a loop of n appends takes O(n²) time
/// (100,000 appends took 32 s). When the statement rebinds the very variable it appends to,
/// the list is moved out of the slot first, so the array is uniquely referenced and grows in
/// place. Nothing else can observe the difference: the slot is refilled before anything else
/// runs, and a list value other names share is still copied (copy-on-write) on append.
extension Interpreter {
    /// Runs `target = value` in place when it is `name = append(name, x)` with the builtin
    /// `append` and `name` holding a list; false when the statement has another form (the
    /// caller then runs it normally; nothing has been evaluated yet).
    func appendInPlace(_ target: CodeTarget, _ value: Code, _ frame: Frame) throws -> Bool {
        guard case .variable(let pattern) = target,
              case .call(.constant(.function(let f)), let args, let span) = value,
              let b = f as? Builtin, b === Self.appendBuiltin,
              args.count == 2, args[0].label == nil, args[1].label == nil,
              refersTo(args[0].value, pattern), case .list = readPattern(pattern, frame) else { return false }
        // The element first: reading `name` has no side effects, so the order is unobservable.
        let x = try evaluate(args[1].value, frame)
        guard var xs = takeList(pattern, frame) else {
            // Evaluating x rebound the name to a non-list: the ordinary call reports it.
            let result = try callBuiltin(b, Arguments([readPattern(pattern, frame), x]), args, span: span, receiverShift: false)
            try bind(pattern, result, frame, span: span)
            return true
        }
        xs.append(x)
        try bind(pattern, .list(xs), frame, span: span)
        return true
    }

    /// Runs `name += value` in place when both sides are lists; false otherwise (the caller
    /// then computes `old + value` as usual with the value it already evaluated).
    func extendInPlace(_ target: CodeTarget, _ v: Value, _ frame: Frame, span: SourceSpan) throws -> Bool {
        guard case .variable(let pattern) = target, case .list(let tail) = v,
              var xs = takeList(pattern, frame) else { return false }
        xs.append(contentsOf: tail)
        try bind(pattern, .list(xs), frame, span: span)
        return true
    }

    static let appendBuiltin: Builtin? = Builtins.core.byName["append"]

    /// True when `code` reads exactly the variable `pattern` binds.
    private func refersTo(_ code: Code, _ pattern: CodePattern) -> Bool {
        switch (code, pattern) {
        case (.local(let r, _, _), .slot(let s, _)): return r.depth == s.depth && r.slot == s.slot
        case (.global(let g, _, _), .global(let s, _)): return g == s
        default: return false
        }
    }

    /// The list in the variable, moved out (the slot holds `none` until the caller rebinds
    /// it), so the caller owns the only reference; nil, with the slot untouched, when the
    /// variable does not hold a list.
    private func takeList(_ pattern: CodePattern, _ frame: Frame) -> [Value]? {
        switch pattern {
        case .slot(let ref, _):
            let f = frame.ancestor(ref.depth)
            guard case .list(let xs) = f.slots[ref.slot] else { return nil }
            f.slots[ref.slot] = .none
            return xs
        case .global(let slot, _):
            guard slot < globals.slots.count, case .list(let xs) = globals.slots[slot] else { return nil }
            globals.slots[slot] = .none
            return xs
        case .tuple:
            return nil
        }
    }
}
