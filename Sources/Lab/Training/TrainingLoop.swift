import Autodiff
import Foundation
import Tensors

/// The training loop, independent of any syntax and of how the parameters move: the layer
/// that knows the model supplies the data and loss (`Objective`), what to log, and the
/// parameters (`ParameterStore`); the `StepRule` moves the parameters between positions.
///
/// At each position `p` the rule stops at (step `i`, or a log time of gradient flow) the loop
/// evaluates the loss at θ_p, logs — `atEveryLog`, then each `intervals` entry due at `p`,
/// with every logged value referring to θ_p — and advances to the next position. After the
/// last advance one more evaluation logs the final parameters (every interval when the run
/// reached its horizon), so `.last` of every series describes the trained model.
public final class TrainingLoop {
    public let store: ParameterStore
    public let rule: StepRule
    /// Runs at every position the loop logs at, before the intervals, with the loss there.
    public var atEveryLog: ((_ position: Double, _ loss: Double) throws -> Void)?
    /// The `every` logs, in the order they are evaluated at a position.
    public var intervals: [LogInterval] = []
    public var progress: Progress?
    /// Polled before every step and between gradient-flow substeps; true stops the run after
    /// the current step. Ctrl-C by default.
    public var shouldStop: () -> Bool = { Interrupt.requested }
    /// When set, a stop request pauses instead (the REPL): the loop clears the interrupt and asks
    /// with the steps done and the loss of the last one whether to go on.
    public var pause: ((_ stepsDone: Int, _ lastLoss: Double?) -> PauseDecision)?
    /// The tape the run's evaluations record on (taken when the run starts: a pause may swap
    /// `Tape.current` and puts it back).
    public private(set) var tape = Tape.current
    private let draw: (Int) throws -> (Double) throws -> Variable
    private var report = TrainReport()

    public init<Batch>(store: ParameterStore, rule: StepRule, objective: Objective<Batch>) {
        self.store = store
        self.rule = rule
        draw = { step in
            let batch = try objective.batch(step)
            return { position in try objective.loss(batch, position) }
        }
    }

    /// Draws the data of step `step` and returns the loss on it as a function of the position.
    public func batch(_ step: Int) throws -> (_ position: Double) throws -> Variable {
        try draw(step)
    }

    /// The value of a loss, or `NonFiniteError` when it is NaN or infinite: a diverged run
    /// stops there, with what it logged so far kept.
    public func checkedValue(_ loss: Variable, at position: Double) throws -> Double {
        let value = try loss.value.item()
        guard value.isFinite else { throw NonFiniteError(step: Int(position), metric: "loss", value: value) }
        return value
    }

    /// Whether the run should stop now (a pause that resumes says no).
    public func stopRequested() -> Bool {
        guard shouldStop() else { return false }
        guard let pause else { return true }
        // The pause is the answer to this Ctrl-C; the next one pauses again.
        Interrupt.clear()
        if pause(report.stepsDone, report.stepLosses.last) == .resume { return false }
        report.stoppedAtPause = true
        return true
    }

    /// Runs from position 0 to `horizon` (a step count, or gradient flow's time). A stop request
    /// ends it after the current step.
    public func run(to horizon: Double) throws -> TrainReport {
        report = TrainReport()
        tape = Tape.current
        // Reserved up to a million steps: `steps 2**35` is a valid (interruptible) request, not
        // a 256 GB allocation up front.
        let capacity = horizon < Double(1 << 20) ? Int(horizon.rounded(.up)) : 1 << 20
        report.stepSeconds.reserveCapacity(capacity)
        report.stepLosses.reserveCapacity(capacity)
        defer { tape.reset() }
        var position = 0.0
        // False when a stop came in the middle of a move (gradient flow between log times):
        // the parameters are at no position to log.
        var standing = true
        try Interrupt.catching {
            try rule.begin(to: horizon, intervals: intervals.map(\.every), self)
            while position < horizon {
                if stopRequested() { report.interrupted = true; break }
                let t0 = DispatchTime.now().uptimeNanoseconds
                var value: Double?
                var logSeconds = 0.0
                if rule.logs(at: position) {
                    let v = try rule.evaluate(at: position, last: false, self)
                    value = v
                    let l0 = DispatchTime.now().uptimeNanoseconds
                    try noGrad { try log(at: position, loss: v, final: false) }
                    logSeconds = Double(DispatchTime.now().uptimeNanoseconds - l0) * 1e-9
                }
                guard let next = try rule.advance(from: position, self) else {
                    report.interrupted = true
                    standing = false
                    break
                }
                report.stepSeconds.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9 - logSeconds)
                if let value {
                    report.stepLosses.append(value)
                    report.finalLoss = value
                }
                report.stepsDone += 1
                position = next
                progress?.update(step: Int(position), metrics: value.map { [("batch loss", $0)] } ?? [])
            }
        }
        progress?.finish()
        if standing, report.stepsDone > 0, rule.logs(at: position) {
            let value = try rule.evaluate(at: position, last: true, self)
            try noGrad { try log(at: position, loss: value, final: position == horizon) }
            report.finalLoss = value
        }
        try rule.end(self)
        return report
    }

    /// The logs at `position`: `atEveryLog`, then the intervals due there (all at the horizon).
    private func log(at position: Double, loss: Double, final: Bool) throws {
        try atEveryLog?(position, loss)
        for interval in intervals where final || rule.isMultiple(position, of: interval.every) {
            try interval.log(position)
        }
    }
}
