import Autodiff

/// How a training run moves its parameters from one position to the next, for the
/// `TrainingLoop`: one optimizer update per step (`OptimizerSteps`), or gradient flow
/// integrated from one log time to the next (`GradientFlowSteps`). A position is a count of
/// steps or a time of the flow; the loop logs at the positions the rule stops at.
public protocol StepRule: AnyObject {
    /// Gets ready for a run from the store's parameters to `horizon`, whose `every` logs fall due
    /// at multiples of `intervals`.
    func begin(to horizon: Double, intervals: [Double], _ loop: TrainingLoop) throws
    /// Whether the loop evaluates and logs at `position` before advancing from it.
    func logs(at position: Double) -> Bool
    /// Whether an `every interval` log falls due at `position`.
    func isMultiple(_ position: Double, of interval: Double) -> Bool
    /// The loss at the store's parameters at `position`, for the logs. `last`: no advance
    /// follows (the evaluation after the run), so no tape is needed.
    func evaluate(at position: Double, last: Bool, _ loop: TrainingLoop) throws -> Double
    /// Moves the store's parameters from `position` to the rule's next position and returns it;
    /// nil when a stop request (`loop.stopRequested()`) ended the move between positions.
    func advance(from position: Double, _ loop: TrainingLoop) throws -> Double?
    /// After the run: leaves the final parameters in the store.
    func end(_ loop: TrainingLoop) throws
}

/// The data and the loss a training run minimizes, supplied by the layer that knows the model.
public struct Objective<Batch> {
    /// The data of step `step` (gradient flow draws step 0's once).
    public var batch: (_ step: Int) throws -> Batch
    /// The loss on `batch` at `position`, reading the parameters from the store.
    public var loss: (_ batch: Batch, _ position: Double) throws -> Variable

    public init(batch: @escaping (_ step: Int) throws -> Batch, loss: @escaping (_ batch: Batch, _ position: Double) throws -> Variable) {
        self.batch = batch
        self.loss = loss
    }
}

/// Logs due at every multiple of `every` (a step count, or a time of gradient flow), and at the
/// end of a run that reached its horizon.
public struct LogInterval {
    public var every: Double
    /// Evaluates and records this interval's logs at a position (the tape is paused).
    public var log: (_ position: Double) throws -> Void

    public init(every: Double, log: @escaping (_ position: Double) throws -> Void) {
        self.every = every
        self.log = log
    }
}

/// What a training paused by Ctrl-C does next.
public enum PauseDecision: Equatable, Sendable {
    /// Continue with the next step, as if it had never paused.
    case resume
    /// End here as if the horizon had been this step: final log, report closed.
    case stop
}
