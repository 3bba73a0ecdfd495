import Autodiff
import Tensors

/// A host object with settings an input may change in place (an optimizer's `opt.lr = ...`):
/// `StateSnapshot` asks it for a way to put them back as they are now.
public protocol RestorableObject: AnyObject {
    /// Captures the object's settings; calling the result restores them.
    func captureState() -> () -> Void
}

/// What an input may change in place besides its global names: the random generator's
/// position, the default dtype, the members of models and tasks (`m.W = ...`, a training's
/// updates) and optimizers' settings (`opt.lr = ...`). The REPL takes one before each input and
/// restores it when the input fails or is interrupted, so every name, and the numbers the next
/// input draws, are as they were before it.
///
/// Globals themselves are values (copy on write) and are put back by the session; this walks
/// the objects they reach (through lists, records and other objects' members), each once.
public struct StateSnapshot {
    private let generator: RandomGenerator
    private let dtype: DType
    private var blocks: [(BlockObject, [Value], Set<String>)] = []
    private var restorers: [() -> Void] = []
    /// Frames closures captured (a function's locals that a returned closure updates); the
    /// global frame (no parent) is the caller's to put back.
    private var frames: [(Frame, [Value])] = []

    /// Captures the state reachable from `values` (the session's globals) and this thread's
    /// generator and dtype.
    public init(globals values: [Value]) {
        generator = RandomGenerator.current.copy()
        dtype = DefaultDType.float
        var seen = Set<ObjectIdentifier>()
        for v in values { visit(v, &seen) }
    }

    private mutating func visit(_ v: Value, _ seen: inout Set<ObjectIdentifier>) {
        switch v {
        case .list(let xs): for x in xs { visit(x, &seen) }
        case .record(let r): for x in r.values { visit(x, &seen) }
        case .function(let f):
            guard let c = f as? Closure, c.captured.parent != nil,
                  seen.insert(ObjectIdentifier(c.captured)).inserted else { return }
            frames.append((c.captured, c.captured.slots))
            for x in c.captured.slots { visit(x, &seen) }
        case .object(let o):
            guard seen.insert(ObjectIdentifier(o)).inserted else { return }
            if let b = o as? BlockObject {
                blocks.append((b, b.frame.slots, b.frozen))
                for x in b.frame.slots { visit(x, &seen) }
            } else if let r = o as? RestorableObject {
                restorers.append(r.captureState())
            }
        default: return
        }
    }

    /// Puts everything captured back.
    public func restore() {
        RandomGenerator.current = generator.copy()
        DefaultDType.float = dtype
        for (b, slots, frozen) in blocks {
            b.frame.slots = slots
            b.frozen = frozen
        }
        for (frame, slots) in frames where frame.slots.count == slots.count { frame.slots = slots }
        for restore in restorers { restore() }
    }
}
