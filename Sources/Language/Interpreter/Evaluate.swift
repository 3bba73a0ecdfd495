import Autodiff
import Tensors

extension Interpreter {
    // MARK: - Expressions

    /// Evaluates lowered code in `frame`.
    func evaluate(_ code: Code, _ frame: Frame) throws -> Value {
        switch code {
        case .constant(let v):
            return v
        case .local(let ref, _, _):
            return frame.ancestor(ref.depth).slots[ref.slot]
        case .global(let slot, _, _):
            return globals.slots[slot]
        case .unary(let op, let x, let span):
            let v = try evaluate(x, frame)
            return try located(span) { try Operators.unary(op, v) }
        case .binary(let op, let a, let b, let opSpan, _):
            let x = try evaluate(a, frame)
            let y = try evaluate(b, frame)
            return try located(opSpan) { try Operators.binary(op, x, y) }
        case .and(let a, let b, let span):
            let x = try evaluate(a, frame)
            if case .tensor(let t) = x, t.value.count != 1 {
                let y = try evaluate(b, frame)
                return try located(span) { .tensor(try Tensor.logical("and", t.value, try Convert.variable(y).value)) }
            }
            guard try located(span, { try Convert.isTruthy(x) }) else { return x }
            return try evaluate(b, frame)
        case .or(let a, let b, let span):
            let x = try evaluate(a, frame)
            if case .tensor(let t) = x, t.value.count != 1 {
                let y = try evaluate(b, frame)
                return try located(span) { .tensor(try Tensor.logical("or", t.value, try Convert.variable(y).value)) }
            }
            if try located(span, { try Convert.isTruthy(x) }) { return x }
            return try evaluate(b, frame)
        case .call(let callee, let args, let span):
            let f = try evaluate(callee, frame)
            let a = try evaluateArguments(args, frame)
            return try callValue(f, a, args, span: span)
        case .methodCall(let receiver, let name, let builtin, let args, let nameSpan, let span):
            let r = try evaluate(receiver, frame)
            var a = try evaluateArguments(args, frame)
            if let m = try memberIfPresent(r, name, span: nameSpan) {
                return try callValue(m, a, args, span: span)
            }
            guard let b = builtin else {
                throw noMember(r, name, span: nameSpan)
            }
            a.positional.insert(r, at: 0)
            return try callBuiltin(b, a, args, span: span, receiverShift: true)
        case .index(let base, let items, let span):
            let b = try evaluate(base, frame)
            let idx = try evaluateIndex(items, frame)
            return try located(span) { try Indexing.get(b, idx, self) }
        case .member(let base, let name, let nameSpan, _):
            let b = try evaluate(base, frame)
            if let m = try memberIfPresent(b, name, span: nameSpan) { return m }
            throw noMember(b, name, span: nameSpan)
        case .list(let items):
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for i in items { out.append(try evaluate(i, frame)) }
            return .list(out)
        case .comprehension(let element, let clauses):
            var out: [Value] = []
            try runComprehension(element, clauses[...], frame, into: &out)
            return .list(out)
        case .record(let fields):
            var r = Record()
            for (k, c) in fields { r[k] = try evaluate(c, frame) }
            return .record(r)
        case .lambda(let proto):
            return .function(Closure(proto, frame))
        case .ifElse(let branches, let elseBody):
            for (cond, body) in branches {
                let c = try evaluate(cond, frame)
                if try located(cond.span, { try Convert.isTruthy(c) }) { return try runBlock(body, frame) }
            }
            if let e = elseBody { return try runBlock(e, frame) }
            return .none
        case .block(let b):
            return try runBlock(b, frame)
        }
    }

    func evaluateArguments(_ args: [CodeArgument], _ frame: Frame) throws -> Arguments {
        var a = Arguments()
        a.positional.reserveCapacity(args.count)
        for arg in args {
            let v = try evaluate(arg.value, frame)
            if let label = arg.label { a.keywords.append((label, v)) } else { a.positional.append(v) }
        }
        return a
    }

    func evaluateIndex(_ items: [CodeIndex], _ frame: Frame) throws -> [IndexValue] {
        try items.map { item in
            switch item {
            case .expression(let c, _): return .value(try evaluate(c, frame))
            case .slice(let a, let b, let c, let span):
                func part(_ x: Code?) throws -> Int? {
                    guard let x else { return nil }
                    let v = try evaluate(x, frame)
                    if case .none = v { return nil }
                    guard let n = Convert.int(v) else {
                        throw ScriptError(.type, "slice bounds must be integers, got \(v.typeName)", span: x.span ?? span)
                    }
                    return n
                }
                return .slice(try part(a), try part(b), try part(c))
            case .ellipsis: return .ellipsis
            case .newAxis: return .newAxis
            }
        }
    }

    /// Runs `body`, attaching `span` to errors that have none and converting tensor errors.
    @inline(__always)
    func located<T>(_ span: SourceSpan?, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var e as ScriptError {
            if e.span == nil { e.span = span }
            throw e
        } catch let e as TensorError {
            throw ScriptError(e, span: span)
        }
    }

    // MARK: - Members

    /// `value.name` when it exists: tensor properties, record fields, host object members.
    func memberIfPresent(_ v: Value, _ name: String, span: SourceSpan) throws -> Value? {
        switch v {
        case .tensor(let t):
            switch name {
            case "T": return try located(span) { .tensor(try TensorOps.transpose(t)) }
            case "shape": return .list(t.shape.map { .int($0) })
            case "dtype": return .string(t.dtype.rawValue)
            case "ndim": return .int(t.rank)
            case "size": return .int(t.value.count)
            default: return nil
            }
        case .record(let r):
            return r[name]
        case .object(let o):
            return try located(span) { try o.member(name, CallContext(self)) }
        case .list(let xs):
            if name == "length" { return .int(xs.count) }
            return nil
        case .range(let r):
            switch name {
            case "start": return .int(r.start)
            case "end": return .int(r.end)
            case "step": return .int(r.step)
            default: return nil
            }
        default:
            return nil
        }
    }

    func noMember(_ v: Value, _ name: String, span: SourceSpan) -> ScriptError {
        var candidates: [String] = []
        switch v {
        case .tensor: candidates = ["T", "shape", "dtype", "ndim", "size"] + builtins.names
        case .record(let r): candidates = r.names
        case .object(let o): candidates = o.memberNames
        default: candidates = builtins.names
        }
        let hint = DidYouMean.hint(for: name, in: candidates)
        if case .record(let r) = v {
            return ScriptError(.name, "record has no field `\(name)`",
                               hint: hint ?? (r.names.isEmpty ? nil : "fields: " + r.names.joined(separator: ", ")), span: span)
        }
        return ScriptError(.name, "\(v.typeName) has no member `\(name)`", hint: hint, span: span)
    }

    // MARK: - Calls

    func callValue(_ f: Value, _ a: Arguments, _ args: [CodeArgument], span: SourceSpan) throws -> Value {
        switch f {
        case .function(let b as Builtin):
            return try callBuiltin(b, a, args, span: span, receiverShift: false)
        case .function(let c as Closure):
            return try located(span) { try callClosure(c, a, site: span) }
        case .function(let m as ModelConstructor):
            return try located(span) { try m.construct(a, site: span) }
        case .function(let c):
            return try located(span) { try callFunction(c, a) }
        case .object(let o):
            if let r = try located(span, { try o.call(a, CallContext(self)) }) { return r }
            throw ScriptError(.type, "a \(o.typeName) cannot be called", span: span)
        default:
            throw ScriptError(.type, "a \(f.typeName) cannot be called", hint: f.typeName == "tensor" ? "to index a tensor use x[i]" : nil, span: span)
        }
    }

    /// Runs the comprehension clauses from the first of `clauses`, appending an element for
    /// every combination that passes the conditions.
    func runComprehension(_ element: Code, _ clauses: ArraySlice<CodeClause>, _ frame: Frame, into out: inout [Value]) throws {
        guard let clause = clauses.first else {
            out.append(try evaluate(element, frame))
            return
        }
        let rest = clauses.dropFirst()
        switch clause {
        case .condition(let cond, let span):
            let c = try evaluate(cond, frame)
            if try located(span, { try Convert.isTruthy(c) }) { try runComprehension(element, rest, frame, into: &out) }
        case .forIn(let pattern, let iterable, let span):
            let xs = try evaluate(iterable, frame)
            try forEachElement(of: xs, span: span, what: "a comprehension") { v in
                try bind(pattern, v, frame, span: span)
                try tick(span)
                try runComprehension(element, rest, frame, into: &out)
                return true
            }
        }
    }

    /// Calls a builtin, pointing errors at the argument they blame (or the call).
    func callBuiltin(_ b: Builtin, _ a: Arguments, _ args: [CodeArgument], span: SourceSpan, receiverShift: Bool) throws -> Value {
        // Between tensor ops: a long chain of kernels stops at the next one on Ctrl-C.
        try checkInterrupt(span)
        do {
            return try b.call(a, CallContext(self))
        } catch var e as ScriptError {
            if e.span == nil {
                if let i = e.argument {
                    // Positionals come first, then keywords; map back to the written order.
                    let written = receiverShift ? i - 1 : i
                    let positional = args.filter { $0.label == nil }
                    let keywords = args.filter { $0.label != nil }
                    let np = receiverShift ? a.positional.count - 1 : a.positional.count
                    if written >= 0 && written < np, written < positional.count {
                        e.span = positional[written].span
                    } else if written >= np, written - np < keywords.count {
                        e.span = keywords[written - np].span
                    }
                }
                if e.span == nil { e.span = span }
            }
            throw e
        } catch let e as TensorError {
            throw ScriptError(e, span: span)
        }
    }

    /// Calls any callable with already evaluated arguments (builtins calling script functions).
    public func callFunction(_ f: Callable, _ a: Arguments) throws -> Value {
        if let c = f as? Closure { return try callClosure(c, a) }
        return try f.call(a, CallContext(self))
    }

    /// Calls a script function; an error from its body records `site` (where it was called) in
    /// its call chain.
    func callClosure(_ c: Closure, _ a: Arguments, site: SourceSpan? = nil) throws -> Value {
        let proto = c.proto
        let bound = try a.bind(to: proto.parameters, function: proto.name == "fn" ? "function" : proto.name)
        return try nested(proto.span) {
            let frame = Frame(size: proto.frameSize, parent: c.captured)
            for i in 0..<proto.parameters.count where i < frame.slots.count {
                if let v = bound.values[i] {
                    frame.slots[i] = v
                } else if let d = proto.defaults[i] {
                    frame.slots[i] = try evaluate(d, frame)
                }
            }
            do {
                return try runBlock(proto.body, frame)
            } catch ControlFlow.returnValue(let v) {
                return v
            } catch var e as ScriptError where site != nil && e.span != nil {
                e.callChain.append((c.name, site!))
                throw e
            }
        }
    }

    /// Runs one call level (a function body, a model constructor), bounding the depth.
    func nested<T>(_ span: SourceSpan, _ body: () throws -> T) throws -> T {
        guard callDepth < options.maxCallDepth, !stackGuard.isNearlyFull() else {
            let limit = callDepth >= options.maxCallDepth ? "more than \(options.maxCallDepth) nested calls" : "the stack is nearly full"
            throw ScriptError(.limit, "recursion too deep (\(limit))", hint: "check that the recursion has a base case")
        }
        try tick(span)
        callDepth += 1
        defer { callDepth -= 1 }
        return try body()
    }
}

/// A script function with the frame it closes over.
public final class Closure: Callable {
    let proto: FunctionProto
    let captured: Frame

    init(_ proto: FunctionProto, _ captured: Frame) {
        self.proto = proto
        self.captured = captured
    }

    public var name: String { proto.name }
    public var parameters: [ParamSpec] { proto.parameters }
    /// Where the function is written (its doc comment is the `#` lines above).
    public var declarationSpan: SourceSpan { proto.span }

    public func call(_ args: Arguments, _ context: CallContext) throws -> Value {
        try context.interpreter.callClosure(self, args)
    }
}
