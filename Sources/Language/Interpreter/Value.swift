import Autodiff
import Tensors

/// A value a script computes with.
///
/// Scalars are Swift values (ints and floats stay distinct, as in Python); tensors are
/// `Autodiff.Variable`s so that gradients flow through script code; lists have value semantics
/// (an indexed assignment rebinds the name to an updated copy, like tensors).
public enum Value {
    case int(Int)
    case float(Double)
    case bool(Bool)
    case string(String)
    case none
    /// Lists and tuples (a tuple is a list).
    case list([Value])
    case record(Record)
    case range(RangeValue)
    case tensor(Variable)
    case function(Callable)
    /// A domain object: task, model, optimizer, metric series...
    case object(HostObject)

    /// A constant tensor value.
    public static func tensor(_ t: Tensor) -> Value { .tensor(Variable(t)) }

    /// The name users see for this value's type (`type(x)`, error messages).
    public var typeName: String {
        switch self {
        case .int: return "int"
        case .float: return "float"
        case .bool: return "bool"
        case .string: return "string"
        case .none: return "none"
        case .list: return "list"
        case .record: return "record"
        case .range: return "range"
        case .tensor: return "tensor"
        case .function: return "function"
        case .object(let o): return o.typeName
        }
    }

    /// The tensor inside, when this is one.
    public var asTensor: Tensor? {
        if case .tensor(let v) = self { return v.value }
        return nil
    }
}

// MARK: - Records and ranges

/// A record: named fields in the order they were written.
public struct Record {
    public private(set) var names: [String]
    public private(set) var values: [Value]

    public init(_ fields: [(String, Value)] = []) {
        names = []; values = []
        for (k, v) in fields { self[k] = v }
    }

    public subscript(name: String) -> Value? {
        get {
            guard let i = names.firstIndex(of: name) else { return nil }
            return values[i]
        }
        set {
            if let i = names.firstIndex(of: name) {
                if let v = newValue { values[i] = v } else { names.remove(at: i); values.remove(at: i) }
            } else if let v = newValue {
                names.append(name); values.append(v)
            }
        }
    }

    public var fields: [(String, Value)] { Array(zip(names, values)) }
}

/// A half-open integer range `start..end` with a step (never zero).
public struct RangeValue: Equatable {
    public let start: Int
    public let end: Int
    public let step: Int

    public init(start: Int, end: Int, step: Int = 1) {
        self.start = start; self.end = end; self.step = step == 0 ? 1 : step
    }

    /// Number of elements (0 when empty). The span between the bounds always fits in a UInt
    /// (an Int difference can overflow), so large steps count exactly; only a count above
    /// Int.max (a step-1 range over nearly all of Int) saturates to Int.max.
    public var count: Int {
        guard step > 0 ? end > start : start > end else { return 0 }
        let span = step > 0 ? UInt(bitPattern: end &- start) : UInt(bitPattern: start &- end)
        let n = (span - 1) / step.magnitude + 1
        return n > UInt(Int.max) ? Int.max : Int(n)
    }

    /// The `i`-th element; the caller checks `0 <= i < count`.
    public func element(_ i: Int) -> Int { start &+ i &* step }
}

// MARK: - Callables

/// Anything a script can call: closures, builtins, bound methods, callable host objects.
public protocol Callable: AnyObject {
    /// The name shown in messages (`fn` for anonymous lambdas).
    var name: String { get }
    /// The parameter list for argument checking and `:help`, when known.
    var parameters: [ParamSpec] { get }
    /// Runs the function on bound arguments.
    func call(_ args: Arguments, _ context: CallContext) throws -> Value
}

/// A formal parameter: a name and, for keyword parameters, a default.
public struct ParamSpec: Sendable {
    public enum Kind: Sendable { case required, optional, variadic }
    public let name: String
    public let kind: Kind
    /// Text of the default shown in help (`axis: none`).
    public let defaultText: String?

    public init(_ name: String, _ kind: Kind = .required, defaultText: String? = nil) {
        self.name = name; self.kind = kind; self.defaultText = defaultText
    }
}

// MARK: - Host objects

/// A domain object from outside the core language (tasks, models, optimizers, metric series),
/// the extension point the experiments layer plugs into.
public protocol HostObject: AnyObject {
    /// The type name users see (`task`, `model`, `optimizer`, `series`).
    var typeName: String { get }
    /// A member (`obj.name`): a field, or a method as a `.function`. Nil when there is none.
    func member(_ name: String, _ context: CallContext) throws -> Value?
    /// Names of the members, for did-you-mean and completion.
    var memberNames: [String] { get }
    /// Assigns a member (`obj.name = v`); returns false when the object has no such settable member.
    func setMember(_ name: String, _ value: Value, _ context: CallContext) throws -> Bool
    /// Calls the object itself (`obj(args)`); nil when the object is not callable.
    func call(_ args: Arguments, _ context: CallContext) throws -> Value?
    /// Indexing (`obj[i]`); nil when the object cannot be indexed.
    func index(_ items: [Value], _ context: CallContext) throws -> Value?
    /// How `print` shows the object.
    var description: String { get }
}

extension HostObject {
    public var memberNames: [String] { [] }
    public func setMember(_ name: String, _ value: Value, _ context: CallContext) throws -> Bool { false }
    public func call(_ args: Arguments, _ context: CallContext) throws -> Value? { nil }
    public func index(_ items: [Value], _ context: CallContext) throws -> Value? { nil }
}
