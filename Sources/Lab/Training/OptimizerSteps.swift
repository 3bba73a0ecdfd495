import Autodiff
import Tensors

/// Gradient descent for the `TrainingLoop`: position `i` is step `i`; the loop's evaluation
/// there is the step's forward pass on batch `i` (on the tape), and the advance takes its
/// gradient, clips it, and lets the optimizer update with the scheduled learning rate.
public final class OptimizerSteps: StepRule {
    public let optimizer: Optimizer
    public var schedule: Schedule = .constant
    public var clip: GradientClip?
    /// Runs after every update with the step's index (projections); the tape is paused.
    public var afterStep: ((Int) throws -> Void)?
    /// The forward pass of the step being taken, for its backward pass.
    private var pending: (loss: Variable, leaves: [Variable], params: [Tensor])?

    public init(_ optimizer: Optimizer) {
        self.optimizer = optimizer
    }

    /// A run starts the optimizer afresh (no moments from an earlier training).
    public func begin(to horizon: Double, intervals: [Double], _ loop: TrainingLoop) throws {
        optimizer.reset()
        pending = nil
    }

    /// Every step is evaluated: its forward pass is the one the update differentiates.
    public func logs(at position: Double) -> Bool { true }

    /// Steps are whole numbers: an interval falls due exactly at its multiples.
    public func isMultiple(_ position: Double, of interval: Double) -> Bool {
        position.truncatingRemainder(dividingBy: interval) == 0
    }

    public func evaluate(at position: Double, last: Bool, _ loop: TrainingLoop) throws -> Double {
        let step = Int(position)
        loop.tape.reset()
        guard !last else {
            return try loop.checkedValue(noGrad {
                try loop.store.setTrainableVariables(loop.store.trainableParameters().map { Variable($0) })
                return try loop.batch(step)(position)
            }, at: position)
        }
        let params = loop.store.trainableParameters()
        let leaves = params.map { loop.tape.variable($0) }
        // Bound before the batch is drawn: a sampler that reads the model sees the step's leaves.
        try loop.store.setTrainableVariables(leaves)
        let loss = try loop.batch(step)(position)
        let value = try loop.checkedValue(loss, at: position)
        pending = (loss, leaves, params)
        return value
    }

    public func advance(from position: Double, _ loop: TrainingLoop) throws -> Double? {
        guard let (loss, leaves, params) = pending else {
            throw OptimizerError("internal: a step advanced without its forward pass")
        }
        pending = nil
        let step = Int(position)
        var grads = try loop.tape.gradients(of: loss, wrt: leaves)
        if let clip { grads = try clip.apply(grads).grads }
        let lr = optimizer.learningRate * schedule.factor(at: step)
        let updated = try optimizer.update(params, grads, lr: lr, step: step + 1)
        try loop.store.setTrainableParameters(updated)
        if let afterStep { try noGrad { try afterStep(step) } }
        return position + 1
    }

    public func end(_ loop: TrainingLoop) throws {}
}
