import Autodiff
import Tensors

/// The library a builtin belongs to; `:help` groups by it.
public enum BuiltinFamily: String, CaseIterable, Sendable {
    case core, math, tensor, shape, reduction, nn, random, linalg, autodiff, io, experiment
}

/// A function implemented in Swift, registered from a table entry: a name, a parameter list
/// with defaults (so keyword arguments and `:help` work), a one-line doc, and its body.
public final class Builtin: Callable, @unchecked Sendable {
    public let name: String
    public let parameters: [ParamSpec]
    public let doc: String
    public let family: BuiltinFamily
    /// Each parameter's default, parsed from the spec once; the body's accessors fall back to it.
    public let defaults: [SpecDefault]
    let body: (BoundArguments, CallContext) throws -> Value

    /// `spec` lists parameters as written in help: `"x"`, `"axis=none"`, `"*xs"`.
    public init(_ name: String, _ spec: [String], _ doc: String, _ family: BuiltinFamily,
                _ body: @escaping (BoundArguments, CallContext) throws -> Value) {
        self.name = name
        self.parameters = spec.map { p in
            if p.hasPrefix("*") { return ParamSpec(String(p.dropFirst()), .variadic) }
            if let eq = p.firstIndex(of: "=") {
                return ParamSpec(String(p[..<eq]), .optional, defaultText: String(p[p.index(after: eq)...]))
            }
            return ParamSpec(p)
        }
        self.defaults = parameters.map { p in p.defaultText.map(SpecDefault.init) ?? .none }
        self.doc = doc
        self.family = family
        self.body = body
    }

    public func call(_ args: Arguments, _ context: CallContext) throws -> Value {
        try body(try args.bind(to: parameters, function: name, defaults: defaults), context)
    }

    /// The signature as help shows it: `sum(x, axis: none, keepdims: false)`.
    public var signature: String {
        name + "(" + parameters.map { p in
            switch p.kind {
            case .required: return p.name
            case .optional: return "\(p.name): \(p.defaultText ?? "none")"
            case .variadic: return "\(p.name)..."
            }
        }.joined(separator: ", ") + ")"
    }
}

/// The builtins one interpreter knows, by name: the core tables plus what a layer above
/// registers (the experiments layer's optimizers, schedules, `evaluate`...). The resolver, `help`,
/// did-you-mean and the REPL's completion all read the interpreter's table.
public struct BuiltinTable: Sendable {
    /// All builtins in registration order; a later entry with a taken name is dropped.
    public let all: [Builtin]
    /// Builtins by name.
    public let byName: [String: Builtin]
    /// Names of all builtins, for did-you-mean and completion.
    public var names: [String] { all.map(\.name) }

    /// The core tables with `registered` placed after the io family and before the feature
    /// maps: the order `help` and did-you-mean have always listed them in.
    public init(registering registered: [Builtin] = []) {
        var seen = Set<String>()
        var out: [Builtin] = []
        for b in Builtins.coreHead + registered + FeatureBuiltins.table where seen.insert(b.name).inserted {
            out.append(b)
        }
        all = out
        var d: [String: Builtin] = [:]
        for b in out { d[b.name] = b }
        byName = d
    }
}

/// The core builtins, from the per-family tables.
public enum Builtins {
    /// The core families up to io, in `BuiltinFamily` order, and the model builtins.
    static let coreHead: [Builtin] = CoreBuiltins.table + MathBuiltins.table + TensorBuiltins.table + ShapeBuiltins.table
        + ReductionBuiltins.table + SortBuiltins.table + NNBuiltins.table + InitBuiltins.table
        + RandomBuiltins.table + SamplingBuiltins.table + LinalgBuiltins.table
        + AutodiffBuiltins.table + IOBuiltins.table + ModelBuiltins.table

    /// The core language's builtins alone (no layer registered).
    public static let core = BuiltinTable()
}

/// What a builtin (or host object) can reach while it runs: the interpreter, to call script
/// functions and write output.
public struct CallContext {
    public unowned let interpreter: Interpreter

    public init(_ interpreter: Interpreter) { self.interpreter = interpreter }

    /// Calls a script value with positional arguments.
    public func call(_ f: Callable, _ args: [Value], keywords: [(name: String, value: Value)] = []) throws -> Value {
        try interpreter.callFunction(f, Arguments(args, keywords: keywords))
    }

    /// Writes one line to the run's output.
    public func print(_ line: String) { interpreter.output(line) }
}
