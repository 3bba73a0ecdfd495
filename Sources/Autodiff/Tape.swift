import Tensors

/// The record of differentiable operations since the last reset: a Wengert list in execution
/// order, so walking it backwards visits every node after all its consumers.
///
/// There is one active tape (`Tape.current`); the training loop resets it every step, so a
/// step's memory is released when the next begins.
public final class Tape {
    /// How a node sends its output gradient to its inputs.
    enum Pullback {
        case leaf
        case unary((Tensor) throws -> Tensor)
        case binary((Tensor) throws -> (Tensor?, Tensor?))
        case nary((Tensor) throws -> [Tensor?])
    }

    struct Node {
        var first: Int32
        var second: Int32
        var rest: [Int32]
        var pullback: Pullback
    }

    var nodes: [Node] = []
    /// Changes on every reset so variables from an earlier step read as constants.
    public private(set) var generation: UInt32 = 0
    /// False inside `noGrad`: operations compute values only.
    public var isRecording = true

    public init() { nodes.reserveCapacity(1024) }

    private static let perThread = ThreadLocal { Tape() }

    /// The tape operations record on (one per thread).
    public static var current: Tape {
        get { perThread.value }
        set { perThread.value = newValue }
    }

    /// Forgets every recorded node (keeps the allocated capacity).
    public func reset() {
        nodes.removeAll(keepingCapacity: true)
        generation &+= 1
    }

    /// Number of recorded nodes (leaves included).
    public var count: Int { nodes.count }

    /// Starts tracking `value` as a leaf whose gradient can be asked for.
    public func variable(_ value: Tensor) -> Variable {
        nodes.append(Node(first: -1, second: -1, rest: [], pullback: .leaf))
        return Variable(value: value, node: Int32(nodes.count - 1), generation: generation)
    }

    /// Node index of `v` on this tape, or -1 when it is not tracked here.
    @inline(__always)
    func index(_ v: Variable) -> Int32 { v.generation == generation ? v.node : -1 }

    /// True when an op on these inputs must be recorded.
    @inline(__always)
    public func tracks(_ a: Variable) -> Bool { isRecording && index(a) >= 0 }

    @inline(__always)
    public func tracks(_ a: Variable, _ b: Variable) -> Bool { isRecording && (index(a) >= 0 || index(b) >= 0) }

    public func tracks(_ inputs: [Variable]) -> Bool { isRecording && inputs.contains { index($0) >= 0 } }

    // MARK: - Recording (used by the gradient rules)

    public func record(_ value: Tensor, _ a: Variable, _ pullback: @escaping (Tensor) throws -> Tensor) -> Variable {
        nodes.append(Node(first: index(a), second: -1, rest: [], pullback: .unary(pullback)))
        return Variable(value: value, node: Int32(nodes.count - 1), generation: generation)
    }

    public func record(_ value: Tensor, _ a: Variable, _ b: Variable,
                       _ pullback: @escaping (Tensor) throws -> (Tensor?, Tensor?)) -> Variable {
        nodes.append(Node(first: index(a), second: index(b), rest: [], pullback: .binary(pullback)))
        return Variable(value: value, node: Int32(nodes.count - 1), generation: generation)
    }

    public func record(_ value: Tensor, _ inputs: [Variable], _ pullback: @escaping (Tensor) throws -> [Tensor?]) -> Variable {
        nodes.append(Node(first: -1, second: -1, rest: inputs.map(index), pullback: .nary(pullback)))
        return Variable(value: value, node: Int32(nodes.count - 1), generation: generation)
    }
}

/// Evaluates `body` without recording: values only, no gradients (the language's `no_grad`,
/// metric evaluation, optimizer updates).
public func noGrad<R>(_ body: () throws -> R) rethrows -> R {
    let tape = Tape.current
    let was = tape.isRecording
    tape.isRecording = false
    defer { tape.isRecording = was }
    return try body()
}
