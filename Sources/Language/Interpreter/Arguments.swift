import Autodiff
import Tensors

/// The arguments of one call as written: positional values, then `name: value` pairs.
public struct Arguments {
    public var positional: [Value]
    public var keywords: [(name: String, value: Value)]

    public init(_ positional: [Value] = [], keywords: [(name: String, value: Value)] = []) {
        self.positional = positional
        self.keywords = keywords
    }

    /// Total number of arguments written.
    public var count: Int { positional.count + keywords.count }

    /// Matches the arguments to `parameters`: positionals fill parameters in order (a variadic
    /// parameter takes the rest), keywords by name. Errors carry the index of the offending
    /// argument (positionals first, then keywords) so the caller can point at it.
    /// `defaults` are a builtin's parsed spec defaults, which the accessors fall back to.
    public func bind(to parameters: [ParamSpec], function: String, defaults: [SpecDefault] = []) throws -> BoundArguments {
        var slots = [Value?](repeating: nil, count: parameters.count)
        var origin = [Int?](repeating: nil, count: parameters.count)
        var rest: [Value] = []
        let variadic = parameters.firstIndex { $0.kind == .variadic }
        let fixed = variadic ?? parameters.count
        for (i, v) in positional.enumerated() {
            if i < fixed {
                slots[i] = v; origin[i] = i
            } else if variadic != nil {
                rest.append(v)
            } else {
                throw Self.tooMany(function, parameters, got: positional.count, argument: i)
            }
        }
        for (k, kw) in keywords.enumerated() {
            let index = positional.count + k
            guard let p = parameters.firstIndex(where: { $0.name == kw.name && $0.kind != .variadic }) else {
                throw Self.unknownKeyword(kw.name, function, parameters, argument: index)
            }
            if slots[p] != nil { throw Self.givenTwice(kw.name, function, argument: index) }
            slots[p] = kw.value; origin[p] = index
        }
        for (i, p) in parameters.enumerated() where p.kind == .required && slots[i] == nil {
            throw Self.missing(p.name, function, parameters)
        }
        return BoundArguments(function: function, parameters: parameters, values: slots, origin: origin, rest: rest, restStart: fixed,
                              defaults: defaults)
    }

    /// The error `bind(to:function:)` raises for a call with `positional` positional arguments
    /// and these keyword names, found from the call's shape alone: `exp check` reports it
    /// before anything runs, in the same words, pointing at the same argument.
    static func mismatch(positional: Int, keywords: [String], parameters: [ParamSpec], function: String) -> ScriptError? {
        let fixed = parameters.firstIndex { $0.kind == .variadic } ?? parameters.count
        if fixed == parameters.count && positional > parameters.count {
            return tooMany(function, parameters, got: positional, argument: parameters.count)
        }
        var filled = Set(parameters.prefix(min(positional, fixed)).map(\.name))
        for (k, name) in keywords.enumerated() {
            guard parameters.contains(where: { $0.name == name && $0.kind != .variadic }) else {
                return unknownKeyword(name, function, parameters, argument: positional + k)
            }
            if !filled.insert(name).inserted { return givenTwice(name, function, argument: positional + k) }
        }
        if let p = parameters.first(where: { $0.kind == .required && !filled.contains($0.name) }) {
            return missing(p.name, function, parameters)
        }
        return nil
    }

    // The four ways a call's arguments fail to match, each said once for both callers.

    static func tooMany(_ function: String, _ parameters: [ParamSpec], got: Int, argument: Int) -> ScriptError {
        let most = parameters.count
        return ScriptError(.argument, "\(function) takes at most \(most) argument\(most == 1 ? "" : "s"), got \(got)",
                           hint: parameters.isEmpty ? nil : "parameters: " + parameters.map(\.name).joined(separator: ", "),
                           argument: argument)
    }

    static func unknownKeyword(_ name: String, _ function: String, _ parameters: [ParamSpec], argument: Int) -> ScriptError {
        let names = parameters.filter { $0.kind != .variadic }.map(\.name)
        let hint = DidYouMean.hint(for: name, in: names)
            ?? (names.isEmpty ? "\(function) takes no keyword arguments" : "parameters: " + names.joined(separator: ", "))
        return ScriptError(.argument, "\(function) has no parameter named `\(name)`", hint: hint, argument: argument)
    }

    static func givenTwice(_ name: String, _ function: String, argument: Int) -> ScriptError {
        ScriptError(.argument, "argument `\(name)` of \(function) is given twice", argument: argument)
    }

    static func missing(_ name: String, _ function: String, _ parameters: [ParamSpec]) -> ScriptError {
        ScriptError(.argument, "\(function) is missing argument `\(name)`",
                    hint: "call it as \(function)(" + parameters.map { $0.kind == .variadic ? "\($0.name)..." : $0.name }.joined(separator: ", ") + ")")
    }
}

/// Arguments matched to parameters, read by parameter name. A builtin's accessors fall back
/// to the default its spec declares (`"momentum=0"`), so the default is written once; errors
/// name the parameter and point at the argument that was passed for it.
public struct BoundArguments {
    public let function: String
    public let parameters: [ParamSpec]
    public let values: [Value?]
    /// For each parameter, the index of the argument that supplied it (nil: default).
    let origin: [Int?]
    /// Extra positionals collected by a variadic parameter.
    public let rest: [Value]
    let restStart: Int
    /// For each parameter, the default its spec declares, parsed once when the builtin was
    /// registered (empty for script functions, whose defaults the caller evaluates).
    var defaults: [SpecDefault] = []

    /// The position of parameter `name`. A builtin reading a name its spec does not declare is
    /// a bug in the builtin, not in the script: it stops here (and `BuiltinSpecTests` finds the
    /// name in the source without having to reach it).
    func index(_ name: String) -> Int {
        guard let i = parameters.firstIndex(where: { $0.name == name }) else {
            preconditionFailure("\(function) reads argument `\(name)`, which its parameters (\(parameters.map(\.name).joined(separator: ", "))) do not declare")
        }
        return i
    }

    /// The spec's default for parameter `i`, nil when it has none (or it is `none`).
    private func specDefault(_ i: Int) -> Value? {
        guard i < defaults.count else { return nil }
        switch defaults[i] {
        case .none: return nil
        case .value(let v): return v
        case .unparsed(let text):
            preconditionFailure("\(function): the default `\(text)` of `\(parameters[i].name)` is not a literal exp can read")
        }
    }

    /// True when the call passed parameter `name` a value other than `none` (a default does not count).
    public func given(_ name: String) -> Bool {
        let i = index(name)
        guard let v = values[i] else { return false }
        if case .none = v { return false }
        return true
    }

    /// The value of parameter `name`: the one passed (other than `none`), else the spec's
    /// default; nil when neither is there.
    public subscript(_ name: String) -> Value? { resolved(index(name)) }

    private func resolved(_ i: Int) -> Value? {
        if let v = values[i] {
            if case .none = v {} else { return v }
        }
        return specDefault(i)
    }

    /// A type error for parameter `name` naming what was expected.
    public func typeError(_ name: String, expected: String, got: Value? = nil) -> ScriptError {
        let i = index(name)
        let g: Value = got ?? values[i] ?? .none
        return ScriptError(.type, "\(function): `\(name)` must be \(expected), got \(g.typeName)", argument: origin[i])
    }

    /// An error about the value of parameter `name`.
    public func valueError(_ name: String, _ message: String, hint: String? = nil) -> ScriptError {
        ScriptError(.value, "\(function): \(message)", hint: hint, argument: origin[index(name)])
    }

    /// Index of the argument that supplied parameter `name` (for errors that point at it).
    public func argumentIndex(_ name: String) -> Int? { origin[index(name)] }

    /// The value of `name` as passed (even `none`), else the spec's default; missing is an error.
    private func required(_ name: String) throws -> Value {
        let i = index(name)
        if let v = resolved(i) ?? values[i] { return v }
        throw ScriptError(.argument, "\(function) is missing argument `\(name)`")
    }

    public func value(_ name: String) throws -> Value { try required(name) }

    public func int(_ name: String) throws -> Int {
        let v = try required(name)
        if let n = Convert.int(v) { return n }
        throw typeError(name, expected: "an integer", got: v)
    }

    public func optionalInt(_ name: String) throws -> Int? { self[name] != nil ? try int(name) : nil }

    public func double(_ name: String) throws -> Double {
        let v = try required(name)
        if let x = Convert.double(v) { return x }
        throw typeError(name, expected: "a number", got: v)
    }

    public func optionalDouble(_ name: String) throws -> Double? { self[name] != nil ? try double(name) : nil }

    public func bool(_ name: String) throws -> Bool {
        let v = try required(name)
        if case .bool(let b) = v { return b }
        // item() of a one-element tensor cannot fail; anything else is the type error below.
        if let t = v.asTensor, t.count == 1, let x = try? t.item() { return x != 0 }
        throw typeError(name, expected: "true or false", got: v)
    }

    public func string(_ name: String) throws -> String {
        let v = try required(name)
        if case .string(let s) = v { return s }
        throw typeError(name, expected: "a string", got: v)
    }

    public func optionalString(_ name: String) throws -> String? { self[name] != nil ? try string(name) : nil }

    /// A tensor argument: tensors as they are, numbers and (nested) lists converted.
    public func variable(_ name: String) throws -> Variable {
        let v = try required(name)
        do {
            return try Convert.variable(v)
        } catch let e as ScriptError {
            throw ScriptError(e.kind, "\(function): \(e.message)", hint: e.hint, argument: argumentIndex(name))
        }
    }

    public func tensor(_ name: String) throws -> Tensor { try variable(name).value }
    public func optionalTensor(_ name: String) throws -> Tensor? { self[name] != nil ? try tensor(name) : nil }
    public func optionalVariable(_ name: String) throws -> Variable? { self[name] != nil ? try variable(name) : nil }

    /// A shape: an int or a list of ints (or a 1-D int tensor).
    public func shape(_ name: String) throws -> [Int] {
        let v = try required(name)
        if let s = Convert.intList(v) { return s }
        throw typeError(name, expected: "a shape (an int or a list of ints)", got: v)
    }

    /// Axes: an int or a list of ints; nil when omitted.
    public func axes(_ name: String) throws -> [Int]? {
        guard let v = self[name] else { return nil }
        if let s = Convert.intList(v) { return s }
        throw typeError(name, expected: "an axis (an int or a list of ints)", got: v)
    }

    public func callable(_ name: String) throws -> Callable {
        let v = try required(name)
        if case .function(let f) = v { return f }
        throw typeError(name, expected: "a function", got: v)
    }

    public func list(_ name: String) throws -> [Value] {
        let v = try required(name)
        if let l = Convert.list(v) { return l }
        throw typeError(name, expected: "a list", got: v)
    }

    /// A dtype name: `f32`, `float32`, `f64`, `float64`, `int`, `int64`, `bool`.
    public func dtype(_ name: String) throws -> DType? {
        guard let v = self[name] else { return nil }
        if case .string(let s) = v, let d = Convert.dtype(named: s) { return d }
        throw typeError(name, expected: "a dtype name (\"f32\", \"f64\", \"int64\", \"bool\")", got: v)
    }
}
