import Autodiff
import Tensors

extension Interpreter {
    // MARK: - Blocks and statements

    /// Runs a block's statements in `frame`; its value is the last expression statement's.
    func runBlock(_ block: CodeBlock, _ frame: Frame) throws -> Value {
        let n = block.statements.count
        if n == 0 { return .none }
        for i in 0..<(n - 1) { try executeInstruction(block.statements[i], frame) }
        let last = block.statements[n - 1]
        if block.yieldsValue, case .expression(let e) = last { return try evaluate(e, frame) }
        try executeInstruction(last, frame)
        return .none
    }

    func executeInstruction(_ instr: Instr, _ frame: Frame) throws {
        try checkInterrupt(nil)
        switch instr {
        case .expression(let e):
            _ = try evaluate(e, frame)
        case .bind(let pattern, let value, let span):
            let v = try evaluate(value, frame)
            try bind(pattern, v, frame, span: span)
        case .assign(let target, let op, let value, let opSpan):
            if op == nil, try appendInPlace(target, value, frame) { return }
            var v = try evaluate(value, frame)
            if op == .add, try extendInPlace(target, v, frame, span: opSpan) { return }
            if let op {
                let old = try read(target, frame)
                v = try located(opSpan) { try Operators.binary(op, old, v) }
            }
            try assign(target, v, frame, span: opSpan)
        case .function(let pattern, let proto):
            try bind(pattern, .function(Closure(proto, frame)), frame, span: proto.span)
        case .forLoop(let pattern, let iterable, let body, let span):
            try runFor(pattern, try evaluate(iterable, frame), body, frame, span: span)
        case .whileLoop(let cond, let body):
            while true {
                let c = try evaluate(cond, frame)
                guard try located(cond.span, { try Convert.isTruthy(c) }) else { break }
                try tick(cond.span)
                do {
                    _ = try runBlock(body, frame)
                } catch ControlFlow.breakLoop {
                    break
                } catch ControlFlow.continueLoop {
                    continue
                } catch let e as ScriptEnded where e.place == nil {
                    throw ScriptEnded(e.code, at: cond.span)
                }
            }
        case .breakLoop:
            throw ControlFlow.breakLoop
        case .continueLoop:
            throw ControlFlow.continueLoop
        case .returnValue(let e, _):
            throw ControlFlow.returnValue(try e.map { try evaluate($0, frame) } ?? .none)
        case .seed(let e, let span):
            let v = try evaluate(e, frame)
            guard let n = Convert.int(v), n >= 0 else {
                throw ScriptError(.type, "seed must be a non-negative integer, got \(Format.short(v))", span: span)
            }
            RandomGenerator.seed(UInt64(n))
        case .precision(let d):
            DefaultDType.float = d
        case .expect(let cond, let message, let span):
            try runExpect(cond, message, frame, span: span)
        case .importFile(let unit):
            guard !unit.hasRun else { return }
            unit.hasRun = true
            for i in unit.body { try executeInstruction(i, globals) }
        case .declaration(let proto) where proto.constructor != nil:
            try bind(proto.target, .function(ModelConstructor(proto: proto, interpreter: self, captured: frame)), frame, span: proto.span)
        case .declaration(let proto):
            let object = BlockObject(proto: proto, interpreter: self, parent: frame)
            try bind(proto.target, .object(object), frame, span: proto.span)
            try object.initialize()
        case .experiment(let proto):
            let context = ExperimentContext(interpreter: self, proto: proto, frame: frame)
            let s = proto.statement
            switch s.kind {
            case .train: try experiments.train(s, context)
            case .plot: try experiments.plot(s, context)
            case .sweep: try experiments.sweep(s, context)
            case .save: try experiments.save(s, context)
            case .load: try experiments.load(s, context)
            default: break
            }
        }
    }

    // MARK: - Binding and assignment

    func bind(_ pattern: CodePattern, _ v: Value, _ frame: Frame, span: SourceSpan) throws {
        switch pattern {
        case .slot(let ref, _):
            frame.ancestor(ref.depth).slots[ref.slot] = v
        case .global(let slot, _):
            if slot >= globals.slots.count { globals.ensure(slot + 1) }
            globals.slots[slot] = v
        case .tuple(let items, let pspan):
            guard let xs = Convert.list(v) else {
                throw ScriptError(.type, "cannot unpack a \(v.typeName) into \(items.count) names", span: pspan)
            }
            guard xs.count == items.count else {
                throw ScriptError(.value, "cannot unpack \(xs.count) value\(xs.count == 1 ? "" : "s") into \(items.count) names",
                                  hint: "the pattern must have exactly as many names as the value has elements", span: pspan)
            }
            for (p, x) in zip(items, xs) { try bind(p, x, frame, span: span) }
        }
    }

    func readPattern(_ p: CodePattern, _ frame: Frame) -> Value {
        switch p {
        case .slot(let ref, _): return frame.ancestor(ref.depth).slots[ref.slot]
        case .global(let slot, _): return slot < globals.slots.count ? globals.slots[slot] : .none
        case .tuple(let items, _): return .list(items.map { readPattern($0, frame) })
        }
    }

    func read(_ target: CodeTarget, _ frame: Frame) throws -> Value {
        switch target {
        case .variable(let p): return readPattern(p, frame)
        case .index(_, let baseCode, let items, let span):
            let b = try evaluate(baseCode, frame)
            let idx = try evaluateIndex(items, frame)
            return try located(span) { try Indexing.get(b, idx, self) }
        case .member(_, let baseCode, let name, let span):
            let b = try evaluate(baseCode, frame)
            if let m = try memberIfPresent(b, name, span: span) { return m }
            throw noMember(b, name, span: span)
        }
    }

    /// Assigns to a name, or functionally updates an indexed element / field and rebinds the base.
    func assign(_ target: CodeTarget, _ v: Value, _ frame: Frame, span: SourceSpan) throws {
        switch target {
        case .variable(let p):
            try bind(p, v, frame, span: span)
        case .index(let base, let baseCode, let items, let ispan):
            let b = try evaluate(baseCode, frame)
            let idx = try evaluateIndex(items, frame)
            if case .object(let o) = b {
                // Objects with indexed assignment are mutated in place.
                _ = o
                throw ScriptError(.type, "a \(b.typeName) does not support indexed assignment", span: ispan)
            }
            let updated = try located(ispan) { try Indexing.set(b, idx, v, self) }
            try assign(base, updated, frame, span: span)
        case .member(let base, let baseCode, let name, let mspan):
            let b = try evaluate(baseCode, frame)
            switch b {
            case .record(var r):
                guard r[name] != nil else { throw noMember(b, name, span: mspan) }
                r[name] = v
                try assign(base, .record(r), frame, span: span)
            case .object(let o):
                guard try located(mspan, { try o.setMember(name, v, CallContext(self)) }) else {
                    throw ScriptError(.name, "cannot assign to member `\(name)` of a \(o.typeName)",
                                      hint: DidYouMean.hint(for: name, in: o.memberNames), span: mspan)
                }
            default:
                throw ScriptError(.type, "cannot assign to a member of a \(b.typeName)", span: mspan)
            }
        }
    }

    // MARK: - Loops

    func runFor(_ pattern: CodePattern, _ iterable: Value, _ body: CodeBlock, _ frame: Frame, span: SourceSpan) throws {
        // Known while the loop runs, so a failed `expect` in its body can say which iteration.
        runningLoops.append((pattern, frame))
        defer { runningLoops.removeLast() }
        try forEachElement(of: iterable, span: span) { v in
            try bind(pattern, v, frame, span: span)
            try tick(span)
            do {
                _ = try runBlock(body, frame)
            } catch ControlFlow.breakLoop {
                return false
            } catch ControlFlow.continueLoop {
                return true
            } catch let e as ScriptEnded where e.place == nil {
                // Stopped between two statements of the body: report the loop's line.
                throw ScriptEnded(e.code, at: span)
            }
            return true
        }
    }

    /// Calls `iteration` with each element of a `for` loop's or comprehension's iterable, in
    /// order, until it returns false (a `break`).
    func forEachElement(of iterable: Value, span: SourceSpan, what: String = "a for loop", _ iteration: (Value) throws -> Bool) throws {
        switch iterable {
        case .range(let r):
            let n = r.count
            var i = 0
            while i < n {
                if !(try iteration(.int(r.element(i)))) { return }
                i += 1
            }
        case .list(let xs):
            for x in xs where !(try iteration(x)) { return }
        case .tensor(let t):
            guard t.rank >= 1 else {
                throw ScriptError(.type, "cannot iterate over a scalar tensor", hint: "iterate over range(n) or a list", span: span)
            }
            for i in 0..<t.shape[0] {
                let row = try located(span) { try TensorOps.select(t, i) }
                if !(try iteration(.tensor(row))) { return }
            }
        case .record(let r):
            for (k, v) in r.fields where !(try iteration(.list([.string(k), v]))) { return }
        case .string(let s):
            for c in s where !(try iteration(.string(String(c)))) { return }
        case .object(let o):
            guard let xs = try located(span, { try o.member("items", CallContext(self)) }), case .list(let items) = xs else {
                throw ScriptError(.type, "cannot iterate over a \(o.typeName)", span: span)
            }
            for x in items where !(try iteration(x)) { return }
        default:
            let type = iterable.typeName
            throw ScriptError(.type, "cannot iterate over \("aeiou".contains(type.first ?? "x") ? "an" : "a") \(type)",
                              hint: "\(what) goes over a range (0..n), a list, a record, a string or a tensor", span: span)
        }
    }

    // MARK: - expect

    /// Evaluates an `expect`; a failure is recorded (the run goes on) and printed with the
    /// expression's text and its operands' values.
    func runExpect(_ cond: Code, _ message: Code?, _ frame: Frame, span: SourceSpan) throws {
        var operands: [(String, Value)] = []
        let v = try evaluateNotingOperands(cond, frame, &operands)
        let ok: Bool
        if case .tensor(let t) = v, t.value.count != 1 {
            ok = t.value.toDoubles().allSatisfy { $0 != 0 }
        } else {
            ok = try located(span) { try Convert.isTruthy(v) }
        }
        var notes: [String] = []
        for (src, val) in operands where !isLiteral(src) { notes.append("\(src) = \(Format.operand(val))") }
        experiments.expectEvaluated(ExpectOutcome(text: span.text, passed: ok, details: notes.joined(separator: ", ")))
        if ok { return }
        var text = "expect failed: \(span.text)"
        if let m = message {
            let mv = try evaluate(m, frame)
            if case .string(let s) = mv { text += " (\(s))" } else { text += " (\(Format.short(mv)))" }
        }
        if operands.isEmpty, case .tensor = v { notes.append("value = \(Format.short(v))") }
        let iterations = runningLoops.map { loopVariables($0.pattern, $0.frame) }.filter { !$0.isEmpty }
        if !iterations.isEmpty { notes.append("in the iteration " + iterations.joined(separator: ", ")) }
        let d = Diagnostic(.expect, text, at: span, hint: notes.isEmpty ? nil : notes.joined(separator: ", "))
        recordExpectFailure(d)
        output("\(span.file.name):\(span.line):\(span.column): \(text)" + (notes.isEmpty ? "" : "\n  " + notes.joined(separator: "\n  ")))
    }

    /// `i = 2` (or `k = "a", v = 1`): a running loop's variables as they are now.
    private func loopVariables(_ pattern: CodePattern, _ frame: Frame) -> String {
        switch pattern {
        case .slot(let ref, let name): return "\(name) = \(Format.short(frame.ancestor(ref.depth).slots[ref.slot]))"
        case .global(let slot, let name): return slot < globals.slots.count ? "\(name) = \(Format.short(globals.slots[slot]))" : ""
        case .tuple(let items, _): return items.map { loopVariables($0, frame) }.filter { !$0.isEmpty }.joined(separator: ", ")
        }
    }

    /// Evaluates a condition as `evaluate` would (each part once, `and`/`or` short-circuiting),
    /// noting the operands of every comparison it reaches, so a failed `expect a < 1 and b > 2`
    /// shows `a` and `b`.
    private func evaluateNotingOperands(_ code: Code, _ frame: Frame, _ operands: inout [(String, Value)]) throws -> Value {
        switch code {
        case .binary(let op, let a, let b, let opSpan, _) where op.isComparison:
            let x = try evaluate(a, frame), y = try evaluate(b, frame)
            if let t = a.span?.text { operands.append((t, x)) }
            if let t = b.span?.text { operands.append((t, y)) }
            return try located(opSpan) { try Operators.binary(op, x, y) }
        case .and(let a, let b, let span), .or(let a, let b, let span):
            var isAnd = false
            if case .and = code { isAnd = true }
            let x = try evaluateNotingOperands(a, frame, &operands)
            if case .tensor(let t) = x, t.value.count != 1 {
                let y = try evaluateNotingOperands(b, frame, &operands)
                return try located(span) { .tensor(try Tensor.logical(isAnd ? "and" : "or", t.value, try Convert.variable(y).value)) }
            }
            let truthy = try located(span) { try Convert.isTruthy(x) }
            if truthy != isAnd { return x }
            return try evaluateNotingOperands(b, frame, &operands)
        default:
            return try evaluate(code, frame)
        }
    }

    private func isLiteral(_ s: String) -> Bool {
        Double(s.replacingOccurrences(of: "_", with: "")) != nil || s == "true" || s == "false" || s == "none"
    }
}
