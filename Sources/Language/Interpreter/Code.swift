import Tensors

// The resolved program the evaluator runs. The resolver lowers the AST into these nodes once:
// every name becomes a frame slot (or a builtin), so running never looks a name up by string.

/// Where a variable lives: `depth` frames up from the current one, at `slot`.
struct SlotRef {
    var depth: Int
    var slot: Int
}

/// A frame of variables: one per function call, task/model block, and the global scope.
final class Frame {
    var slots: [Value]
    let parent: Frame?

    init(size: Int, parent: Frame?) {
        slots = [Value](repeating: .none, count: size)
        self.parent = parent
    }

    /// The frame `depth` levels up (the resolver guarantees the chain is long enough).
    @inline(__always)
    func ancestor(_ depth: Int) -> Frame {
        var f = self
        var d = depth
        while d > 0, let p = f.parent { f = p; d -= 1 }
        return f
    }

    /// Grows the slot array (the global frame grows as imports and REPL lines declare names).
    func ensure(_ size: Int) {
        if slots.count < size { slots.append(contentsOf: repeatElement(Value.none, count: size - slots.count)) }
    }
}

/// A lowered expression.
indirect enum Code {
    case constant(Value)
    case local(SlotRef, name: String, span: SourceSpan)
    case global(Int, name: String, span: SourceSpan)
    case unary(UnaryOperator, Code, span: SourceSpan)
    case binary(BinaryOperator, Code, Code, opSpan: SourceSpan, span: SourceSpan)
    case and(Code, Code, span: SourceSpan)
    case or(Code, Code, span: SourceSpan)
    /// A comparison chain is not allowed, so comparisons are plain binaries.
    case call(Code, [CodeArgument], span: SourceSpan)
    /// `x.name(args)`: a member call when x has the member, else the builtin `name(x, args)`.
    case methodCall(Code, name: String, builtin: Builtin?, [CodeArgument], nameSpan: SourceSpan, span: SourceSpan)
    case index(Code, [CodeIndex], span: SourceSpan)
    case member(Code, name: String, nameSpan: SourceSpan, span: SourceSpan)
    case list([Code])
    /// `[element for p in xs if c]`: clauses outermost first; their names live in the frame.
    case comprehension(Code, [CodeClause])
    case record([(String, Code)])
    case lambda(FunctionProto)
    case ifElse([(Code, CodeBlock)], CodeBlock?)
    case block(CodeBlock)

    var span: SourceSpan? {
        switch self {
        case .local(_, _, let s), .global(_, _, let s), .unary(_, _, let s), .binary(_, _, _, _, let s),
             .and(_, _, let s), .or(_, _, let s), .call(_, _, let s), .methodCall(_, _, _, _, _, let s),
             .index(_, _, let s), .member(_, _, _, let s):
            return s
        default: return nil
        }
    }
}

/// A comprehension clause with its names resolved to slots.
enum CodeClause {
    case forIn(CodePattern, Code, span: SourceSpan)
    case condition(Code, span: SourceSpan)
}

struct CodeArgument {
    var label: String?
    var value: Code
    var span: SourceSpan
}

enum CodeIndex {
    case expression(Code, span: SourceSpan)
    case slice(Code?, Code?, Code?, span: SourceSpan)
    case ellipsis
    case newAxis
}

struct CodeBlock {
    var statements: [Instr]
    /// True when the last statement is an expression whose value is the block's value.
    var yieldsValue: Bool
}

/// A binding target with resolved slots.
indirect enum CodePattern {
    case slot(SlotRef, name: String)
    case global(Int, name: String)
    case tuple([CodePattern], span: SourceSpan)
}

/// An assignment target.
enum CodeTarget {
    case variable(CodePattern)
    /// `x[items] = v`: rebinds the base (a name, or another target) to the updated value.
    indirect case index(base: CodeTarget, baseCode: Code, [CodeIndex], span: SourceSpan)
    indirect case member(base: CodeTarget, baseCode: Code, name: String, span: SourceSpan)
}

/// A lowered statement.
enum Instr {
    case expression(Code)
    case bind(CodePattern, Code, span: SourceSpan)
    case assign(CodeTarget, BinaryOperator?, Code, opSpan: SourceSpan)
    case function(CodePattern, FunctionProto)
    case forLoop(CodePattern, Code, CodeBlock, span: SourceSpan)
    case whileLoop(Code, CodeBlock)
    case breakLoop
    case continueLoop
    case returnValue(Code?, span: SourceSpan)
    case seed(Code, span: SourceSpan)
    case precision(DType)
    case expect(Code, message: Code?, span: SourceSpan)
    case importFile(ImportedUnit)
    case declaration(DeclarationProto)
    case experiment(ExperimentProto)
}

/// A function ready to be closed over: its parameters' slots and its body.
final class FunctionProto {
    let name: String
    let parameters: [ParamSpec]
    /// Default value code per parameter (nil: required); evaluated in the callee's frame at
    /// call time, so defaults may refer to earlier parameters.
    let defaults: [Code?]
    var body: CodeBlock
    var frameSize: Int
    let span: SourceSpan

    init(name: String, parameters: [ParamSpec], defaults: [Code?], body: CodeBlock, frameSize: Int, span: SourceSpan) {
        self.name = name
        self.parameters = parameters
        self.defaults = defaults
        self.body = body
        self.frameSize = frameSize
        self.span = span
    }
}

/// A `task NAME { }` or `model NAME { }` block.
final class DeclarationProto {
    enum Kind: String { case task, model }
    enum MemberKind { case binding, param, method }
    let kind: Kind
    let name: String
    let target: CodePattern
    /// The block's own statements, run once in a fresh frame.
    var body: [Instr]
    var frameSize: Int
    /// Members reachable as `obj.name`, by slot in the block's frame.
    var members: [(name: String, slot: Int, kind: MemberKind)]
    let span: SourceSpan
    /// Where each `param` is written, by slot: a param that holds no tensor is an error there.
    var paramSpans: [Int: SourceSpan] = [:]
    /// A constructor's parameters (`model Stack(L: 2) { }`), in slots 0..<n of the block's
    /// frame; nil for a single model. Defaults are evaluated in the new model's frame.
    var constructor: (parameters: [ParamSpec], defaults: [Code?])?

    init(kind: Kind, name: String, target: CodePattern, body: [Instr], frameSize: Int,
         members: [(name: String, slot: Int, kind: MemberKind)], span: SourceSpan) {
        self.kind = kind; self.name = name; self.target = target; self.body = body
        self.frameSize = frameSize; self.members = members; self.span = span
    }
}

/// A file brought in by `import`, run once.
final class ImportedUnit {
    let path: String
    var body: [Instr] = []
    var hasRun = false
    init(path: String) { self.path = path }
}
