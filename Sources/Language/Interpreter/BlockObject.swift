import Autodiff
import Tensors

/// The value of a `task NAME { }` or `model NAME { }` block: its bindings, `param`s and methods
/// are members (`bilinear.Theta`, `bilinear.forward(x)`, `recall.sample(8)`). The methods close
/// over the block's frame, so when the trainer replaces the params (e.g. with tape leaves) every
/// method sees the new values, and `Theta = ...` inside a method updates the member.
public final class BlockObject: HostObject {
    /// `task` or `model`.
    public var typeName: String { proto.kind.rawValue }
    /// The block's name as declared.
    public var name: String { proto.name }
    let proto: DeclarationProto
    unowned let interpreter: Interpreter
    let frame: Frame
    /// Names of params kept fixed by the trainer (`freeze`).
    public var frozen: Set<String> = []

    init(proto: DeclarationProto, interpreter: Interpreter, parent: Frame) {
        self.proto = proto
        self.interpreter = interpreter
        self.frame = Frame(size: proto.frameSize, parent: parent)
    }

    /// Runs the block's body once (bindings, params, method closures).
    func initialize() throws {
        for i in proto.body { try interpreter.executeInstruction(i, frame) }
        // Every param leaf is trained, so each must be a tensor: anything else would be
        // silently left out of training (and of summary, save and the optimizer).
        _ = try parameterLeaves()
    }

    // MARK: - Members

    public var memberNames: [String] { proto.members.map(\.name) }

    public func member(_ name: String, _ context: CallContext) throws -> Value? {
        guard let m = proto.members.first(where: { $0.name == name }), m.slot < frame.slots.count else { return nil }
        return frame.slots[m.slot]
    }

    public func setMember(_ name: String, _ value: Value, _ context: CallContext) throws -> Bool {
        guard let m = proto.members.first(where: { $0.name == name }), m.slot < frame.slots.count else { return false }
        let old = frame.slots[m.slot]
        frame.slots[m.slot] = value
        if m.kind == .param {
            // A param must keep holding only tensors; a bad value is refused, the old one kept.
            do { _ = try parameterLeaves() } catch {
                frame.slots[m.slot] = old
                throw ScriptError(.type, "param `\(name)` of \(proto.kind.rawValue) `\(proto.name)` must hold only tensors, got \(value.typeName)")
            }
        }
        return true
    }

    /// Calls a method by name (`forward`, `sample`, `after_step`); nil when there is none.
    public func callMethod(_ name: String, _ args: [Value], keywords: [(name: String, value: Value)] = []) throws -> Value? {
        guard let m = proto.members.first(where: { $0.name == name && $0.kind == .method }),
              m.slot < frame.slots.count, case .function(let f) = frame.slots[m.slot] else { return nil }
        return try interpreter.callFunction(f, Arguments(args, keywords: keywords))
    }

    /// True when the block defines a method `name`.
    public func hasMethod(_ name: String) -> Bool {
        proto.members.contains { $0.name == name && $0.kind == .method }
    }

    // MARK: - Parameters

    /// Trainable leaves (not frozen) as variables, in path order.
    public func trainableVariables() throws -> [Variable] {
        try parameterLeaves().filter { !isFrozen($0.path) }.map(\.value)
    }

    /// Sets the trainable leaves (in `trainableVariables` order).
    public func setTrainableVariables(_ values: [Variable]) throws {
        var next = values.makeIterator()
        var count = 0
        try mapParameterLeaves { path, _ in
            guard !isFrozen(path) else { return nil }
            count += 1
            return next.next()
        }
        guard count == values.count else {
            throw ScriptError(.runtime, "expected \(count) parameter values, got \(values.count)", span: proto.span)
        }
    }

    // The trainer's view (Lab's `ParameterStore`; the experiments layer declares the
    // conformance). `initialize` and `setMember` keep every param leaf a tensor, so the walk
    // cannot fail here and the empty fallback is never what training sees; `TrainRun` reads `trainableVariables()` (which throws) before the trainer starts.
    public func trainableParameters() -> [Tensor] {
        (try? trainableVariables().map(\.value)) ?? []
    }

    public func setTrainableParameters(_ values: [Tensor]) throws {
        try setTrainableVariables(values.map { Variable($0) })
    }

    public var description: String {
        // A description is for display: a model whose params are broken shows none.
        let leaves = (try? parameterLeaves()) ?? []
        let ps = leaves.prefix(12).map { "\($0.path) \(TensorError.show($0.value.shape))" } + (leaves.count > 12 ? ["… \(leaves.count - 12) more"] : [])
        let methods = proto.members.filter { $0.kind == .method }.map { $0.name + "()" }
        let parts = (ps.isEmpty ? [] : ["params: " + ps.joined(separator: ", ")]) + (methods.isEmpty ? [] : ["methods: " + methods.joined(separator: ", ")])
        return "<\(proto.kind.rawValue) \(proto.name)" + (parts.isEmpty ? "" : " " + parts.joined(separator: "; ")) + ">"
    }
}
