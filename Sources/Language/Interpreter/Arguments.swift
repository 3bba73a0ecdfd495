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
    public func bind(to parameters: [ParamSpec], function: String) throws -> BoundArguments {
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
                let most = parameters.count
                throw ScriptError(.argument, "\(function) takes at most \(most) argument\(most == 1 ? "" : "s"), got \(positional.count)",
                                  hint: parameters.isEmpty ? nil : "parameters: " + parameters.map(\.name).joined(separator: ", "),
                                  argument: i)
            }
        }
        for (k, kw) in keywords.enumerated() {
            let index = positional.count + k
            guard let p = parameters.firstIndex(where: { $0.name == kw.name && $0.kind != .variadic }) else {
                let names = parameters.filter { $0.kind != .variadic }.map(\.name)
                let hint = DidYouMean.hint(for: kw.name, in: names)
                    ?? (names.isEmpty ? "\(function) takes no keyword arguments" : "parameters: " + names.joined(separator: ", "))
                throw ScriptError(.argument, "\(function) has no parameter named `\(kw.name)`", hint: hint, argument: index)
            }
            if slots[p] != nil {
                throw ScriptError(.argument, "argument `\(kw.name)` of \(function) is given twice", argument: index)
            }
            slots[p] = kw.value; origin[p] = index
        }
        for (i, p) in parameters.enumerated() where p.kind == .required && slots[i] == nil {
            throw ScriptError(.argument, "\(function) is missing argument `\(p.name)`",
                              hint: "call it as \(function)(" + parameters.map { $0.kind == .variadic ? "\($0.name)..." : $0.name }.joined(separator: ", ") + ")")
        }
        return BoundArguments(function: function, parameters: parameters, values: slots, origin: origin, rest: rest, restStart: fixed)
    }
}

/// Arguments matched to parameters, with typed accessors whose errors name the parameter and
/// point at the argument that was passed for it.
public struct BoundArguments {
    public let function: String
    public let parameters: [ParamSpec]
    public let values: [Value?]
    /// For each parameter, the index of the argument that supplied it (nil: default).
    let origin: [Int?]
    /// Extra positionals collected by a variadic parameter.
    public let rest: [Value]
    let restStart: Int

    /// The value passed for parameter `i`, nil when it was omitted or `none`.
    public subscript(_ i: Int) -> Value? {
        guard i >= 0, i < values.count, let v = values[i] else { return nil }
        if case .none = v { return nil }
        return v
    }

    /// True when parameter `i` was given a value other than `none`.
    public func has(_ i: Int) -> Bool { self[i] != nil }

    /// A type error for parameter `i` naming what was expected.
    public func typeError(_ i: Int, expected: String, got: Value? = nil) -> ScriptError {
        let name = i < parameters.count ? parameters[i].name : "argument"
        let g: Value = got ?? (values[safe: i] ?? nil) ?? .none
        return ScriptError(.type, "\(function): `\(name)` must be \(expected), got \(g.typeName)",
                           argument: i < origin.count ? origin[i] : nil)
    }

    /// An error about the value of parameter `i`.
    public func valueError(_ i: Int, _ message: String, hint: String? = nil) -> ScriptError {
        ScriptError(.value, "\(function): \(message)", hint: hint, argument: i < origin.count ? origin[i] : nil)
    }

    private func required(_ i: Int) throws -> Value {
        guard i >= 0, i < values.count, let v = values[i] else {
            let name = i < parameters.count ? parameters[i].name : "argument"
            throw ScriptError(.argument, "\(function) is missing argument `\(name)`")
        }
        return v
    }

    public func value(_ i: Int) throws -> Value { try required(i) }

    public func int(_ i: Int) throws -> Int {
        let v = try required(i)
        if let n = Convert.int(v) { return n }
        throw typeError(i, expected: "an integer", got: v)
    }

    public func int(_ i: Int, default d: Int) throws -> Int { has(i) ? try int(i) : d }
    public func optionalInt(_ i: Int) throws -> Int? { has(i) ? try int(i) : nil }

    public func double(_ i: Int) throws -> Double {
        let v = try required(i)
        if let x = Convert.double(v) { return x }
        throw typeError(i, expected: "a number", got: v)
    }

    public func double(_ i: Int, default d: Double) throws -> Double { has(i) ? try double(i) : d }
    public func optionalDouble(_ i: Int) throws -> Double? { has(i) ? try double(i) : nil }

    public func bool(_ i: Int, default d: Bool) throws -> Bool {
        guard let v = self[i] else { return d }
        if case .bool(let b) = v { return b }
        // item() of a one-element tensor cannot fail; anything else is the type error below.
        if let t = v.asTensor, t.count == 1, let x = try? t.item() { return x != 0 }
        throw typeError(i, expected: "true or false", got: v)
    }

    public func string(_ i: Int) throws -> String {
        let v = try required(i)
        if case .string(let s) = v { return s }
        throw typeError(i, expected: "a string", got: v)
    }

    public func optionalString(_ i: Int) throws -> String? { has(i) ? try string(i) : nil }

    /// A tensor argument: tensors as they are, numbers and (nested) lists converted.
    public func variable(_ i: Int) throws -> Variable {
        let v = try required(i)
        do {
            return try Convert.variable(v)
        } catch let e as ScriptError {
            throw ScriptError(e.kind, "\(function): \(e.message)", hint: e.hint, argument: i < origin.count ? origin[i] : nil)
        }
    }

    public func tensor(_ i: Int) throws -> Tensor { try variable(i).value }
    public func optionalTensor(_ i: Int) throws -> Tensor? { has(i) ? try tensor(i) : nil }
    public func optionalVariable(_ i: Int) throws -> Variable? { has(i) ? try variable(i) : nil }

    /// A shape: an int or a list of ints (or a 1-D int tensor).
    public func shape(_ i: Int) throws -> [Int] {
        let v = try required(i)
        if let s = Convert.intList(v) { return s }
        throw typeError(i, expected: "a shape (an int or a list of ints)", got: v)
    }

    /// Axes: an int or a list of ints; nil when omitted.
    public func axes(_ i: Int) throws -> [Int]? {
        guard let v = self[i] else { return nil }
        if let s = Convert.intList(v) { return s }
        throw typeError(i, expected: "an axis (an int or a list of ints)", got: v)
    }

    public func callable(_ i: Int) throws -> Callable {
        let v = try required(i)
        if case .function(let f) = v { return f }
        throw typeError(i, expected: "a function", got: v)
    }

    public func list(_ i: Int) throws -> [Value] {
        let v = try required(i)
        if let l = Convert.list(v) { return l }
        throw typeError(i, expected: "a list", got: v)
    }

    /// A dtype name: `f32`, `float32`, `f64`, `float64`, `int`, `int64`, `bool`.
    public func dtype(_ i: Int) throws -> DType? {
        guard let v = self[i] else { return nil }
        if case .string(let s) = v, let d = Convert.dtype(named: s) { return d }
        throw typeError(i, expected: "a dtype name (\"f32\", \"f64\", \"int64\", \"bool\")", got: v)
    }
}

extension Array {
    /// The element at `i`, or nil when out of range.
    subscript(safe i: Int) -> Element? { i >= 0 && i < count ? self[i] : nil }
}
