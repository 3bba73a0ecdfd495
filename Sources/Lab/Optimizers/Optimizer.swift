import Tensors

/// An update rule: new parameter values from current values and gradients.
///
/// Updates are out of place (each step returns fresh tensors), so a parameter tensor that a
/// script also holds elsewhere is never changed behind its back. State such as momentum is
/// kept per parameter index and shape-checked on every step.
public protocol Optimizer: AnyObject, CustomStringConvertible {
    /// The base learning rate; a schedule multiplies it per step.
    var learningRate: Double { get set }
    /// Returns the updated parameters. `lr` is the learning rate for this step (schedule applied);
    /// `step` counts updates from 1.
    func update(_ params: [Tensor], _ grads: [Tensor], lr: Double, step: Int) throws -> [Tensor]
    /// Forgets accumulated state (moments, step counts), as for a fresh training run.
    func reset()
}

/// Errors an optimizer or the training loop raises on inconsistent input.
public struct OptimizerError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

// MARK: - Shared plumbing

/// Per-parameter state tensors (momentum, second moments), created on first use as zeros.
struct SlotState {
    private var slots: [Tensor?] = []

    mutating func reset() { slots.removeAll() }

    /// The slot for parameter `i`, zero-initialized like `param` the first time.
    mutating func slot(_ i: Int, like param: Tensor) throws -> Tensor {
        if slots.count <= i { slots += [Tensor?](repeating: nil, count: i + 1 - slots.count) }
        if let s = slots[i], s.shape == param.shape, s.dtype == param.dtype { return s }
        let s = Tensor.zeros(like: param)
        slots[i] = s
        return s
    }
}

/// Checks that gradients match parameters, and returns both dense in the parameter's dtype.
func prepare(_ params: [Tensor], _ grads: [Tensor]) throws -> [(p: Tensor, g: Tensor)] {
    guard params.count == grads.count else {
        throw OptimizerError("\(params.count) parameters but \(grads.count) gradients")
    }
    return try zip(params, grads).map { p, g in
        guard p.shape == g.shape else {
            throw OptimizerError("gradient of shape \(TensorError.show(g.shape)) for a parameter of shape \(TensorError.show(p.shape))")
        }
        let pf = p.asFloat().contiguous()
        return (pf, g.cast(to: pf.dtype).contiguous())
    }
}
