import Autodiff
import Lab
import Tensors

/// The value of a `task NAME { }` or `model NAME { }` block: its bindings, `param`s and methods
/// are members (`bilinear.Theta`, `bilinear.forward(x)`, `recall.sample(8)`). The methods close
/// over the block's frame, so when the trainer replaces the params (e.g. with tape leaves) every
/// method sees the new values, and `Theta = ...` inside a method updates the member.
public final class BlockObject: HostObject, ParameterStore {
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
        // Every param is trained, so it must hold a tensor: anything else would be silently
        // left out of training (and of summary, save and the optimizer).
        for m in proto.members where m.kind == .param && m.slot < frame.slots.count {
            let v = frame.slots[m.slot]
            if case .tensor = v { continue }
            var hint = "a param is one tensor, e.g. param W = randn([d, d])"
            if case .list = v { hint = "declare one param per tensor (lists and records of params are not trained yet)" }
            if case .record = v { hint = "declare one param per tensor (lists and records of params are not trained yet)" }
            throw ScriptError(.type, "param `\(m.name)` must be a tensor, got \(v.typeName)", hint: hint,
                              span: proto.paramSpans[m.slot] ?? proto.span)
        }
    }

    // MARK: - Members

    public var memberNames: [String] { proto.members.map(\.name) }

    public func member(_ name: String, _ context: CallContext) throws -> Value? {
        guard let m = proto.members.first(where: { $0.name == name }), m.slot < frame.slots.count else { return nil }
        return frame.slots[m.slot]
    }

    public func setMember(_ name: String, _ value: Value, _ context: CallContext) throws -> Bool {
        guard let m = proto.members.first(where: { $0.name == name }), m.slot < frame.slots.count else { return false }
        if m.kind == .param, case .tensor = value {} else if m.kind == .param {
            throw ScriptError(.type, "param `\(name)` of \(proto.kind.rawValue) `\(proto.name)` must stay a tensor, got \(value.typeName)")
        }
        frame.slots[m.slot] = value
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

    /// Names of the `param`s in declaration order.
    public var parameterNames: [String] { proto.members.filter { $0.kind == .param }.map(\.name) }

    /// The params with their current values (tensors as variables; possibly tape leaves).
    public var parameters: [(name: String, value: Value)] {
        proto.members.filter { $0.kind == .param }.map { ($0.name, $0.slot < frame.slots.count ? frame.slots[$0.slot] : .none) }
    }

    /// Replaces one param's value (e.g. with a tape leaf before a training step).
    public func setParameter(_ name: String, _ value: Value) -> Bool {
        guard let m = proto.members.first(where: { $0.name == name && $0.kind == .param }), m.slot < frame.slots.count else { return false }
        frame.slots[m.slot] = value
        return true
    }

    /// Trainable params (not frozen) as variables, in declaration order.
    public func trainableVariables() throws -> [Variable] {
        try proto.members.filter { $0.kind == .param && !frozen.contains($0.name) }.map { m in
            let v = m.slot < frame.slots.count ? frame.slots[m.slot] : .none
            guard case .tensor(let t) = v else {
                throw ScriptError(.type, "param `\(m.name)` of \(proto.kind.rawValue) `\(proto.name)` must be a tensor, got \(v.typeName)", span: proto.span)
            }
            return t
        }
    }

    /// Sets the trainable params (in `trainableVariables` order).
    public func setTrainableVariables(_ values: [Variable]) throws {
        let ms = proto.members.filter { $0.kind == .param && !frozen.contains($0.name) }
        guard ms.count == values.count else {
            throw ScriptError(.runtime, "expected \(ms.count) parameter values, got \(values.count)", span: proto.span)
        }
        for (m, v) in zip(ms, values) where m.slot < frame.slots.count { frame.slots[m.slot] = .tensor(v) }
    }

    // ParameterStore (the Lab trainer's view). Every param holds a tensor (`initialize` checks
    // it and `setMember` keeps it so), so `trainableVariables` cannot throw here and the empty
    // fallback is never what training sees.
    public func trainableParameters() -> [Tensor] {
        (try? trainableVariables().map(\.value)) ?? []
    }

    public func setTrainableParameters(_ values: [Tensor]) throws {
        try setTrainableVariables(values.map { Variable($0) })
    }

    public var description: String {
        let ps = parameters.map { p -> String in
            if case .tensor(let t) = p.value { return "\(p.name) \(TensorError.show(t.shape))" }
            return p.name
        }
        let methods = proto.members.filter { $0.kind == .method }.map { $0.name + "()" }
        let parts = (ps.isEmpty ? [] : ["params: " + ps.joined(separator: ", ")]) + (methods.isEmpty ? [] : ["methods: " + methods.joined(separator: ", ")])
        return "<\(proto.kind.rawValue) \(proto.name)" + (parts.isEmpty ? "" : " " + parts.joined(separator: "; ")) + ">"
    }
}
