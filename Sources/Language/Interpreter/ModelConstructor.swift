/// The value of `model Stack(L: 2, d: 8) { ... }`: each call `Stack(L: 3)` runs the block's
/// body in a fresh frame with the arguments bound, so every model it builds has its own params,
/// drawn from the run's generator at the call.
public final class ModelConstructor: Callable {
    let proto: DeclarationProto
    let captured: Frame
    unowned let interpreter: Interpreter

    init(proto: DeclarationProto, interpreter: Interpreter, captured: Frame) {
        self.proto = proto
        self.interpreter = interpreter
        self.captured = captured
    }

    public var name: String { proto.name }
    public var parameters: [ParamSpec] { proto.constructor?.parameters ?? [] }
    /// Where the model is declared (its doc comment is the `#` lines above).
    public var declarationSpan: SourceSpan { proto.span }

    public func call(_ args: Arguments, _ context: CallContext) throws -> Value {
        try construct(args, site: nil)
    }

    /// Builds one model; an error inside the body records `site` (the call) in its call chain.
    func construct(_ args: Arguments, site: SourceSpan?) throws -> Value {
        guard let constructor = proto.constructor else { return .none }
        let bound = try args.bind(to: constructor.parameters, function: "model \(proto.name)")
        return try interpreter.nested(proto.span) {
            let model = BlockObject(proto: proto, interpreter: interpreter, parent: captured)
            for i in 0..<constructor.parameters.count where i < model.frame.slots.count {
                if let v = bound.values[i] {
                    model.frame.slots[i] = v
                } else if let d = constructor.defaults[i] {
                    model.frame.slots[i] = try interpreter.evaluate(d, model.frame)
                }
            }
            do {
                try model.initialize()
            } catch var e as ScriptError where site != nil && e.span != nil {
                e.callChain.append((proto.name, site!))
                throw e
            }
            return .object(model)
        }
    }
}
