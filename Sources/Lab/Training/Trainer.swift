import Autodiff
import Foundation
import Tensors

/// What the training loop needs from a model: its trainable parameters, read fresh every step
/// (a projection after a step may have replaced them) and written back after the update.
public protocol ParameterStore: AnyObject {
    func trainableParameters() -> [Tensor]
    func setTrainableParameters(_ values: [Tensor]) throws
}

/// Training stopped because a value became NaN or infinite.
public struct NonFiniteError: Error, CustomStringConvertible, Sendable {
    public let step: Int
    public let metric: String
    public let value: Double

    public init(step: Int, metric: String, value: Double) {
        self.step = step
        self.metric = metric
        self.value = value
    }

    public var description: String { "\(metric) became \(value) at step \(step); training stopped (metrics logged so far are kept)" }
}

/// How a training run ended, and how fast it went.
public struct TrainReport: Sendable {
    public var stepsDone = 0
    public var interrupted = false
    /// Wall time of each training step (forward, backward, update), logging excluded.
    public var stepSeconds: [Double] = []
    /// The training loss of each step (at the parameters before that step's update).
    public var stepLosses: [Double] = []
    public var finalLoss: Double?

    /// Median milliseconds per step, or nil before any step.
    public var medianStepMs: Double? {
        guard !stepSeconds.isEmpty else { return nil }
        let s = stepSeconds.sorted()
        let mid = s.count / 2
        return 1000 * (s.count % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2)
    }
}

/// The gradient-descent training loop, independent of any syntax: the language supplies the
/// loss as a closure over tape leaves for the parameters.
///
/// Step `i` (0-based) computes the loss at θ_i on its batch, logs (when `i` is a multiple of
/// `logEvery`) with every logged value referring to θ_i, then updates to θ_{i+1}. After the last
/// step one more evaluation logs the final parameters at step `steps`, so `.last` of every
/// series describes the trained model.
public final class Trainer {
    public let store: ParameterStore
    public let optimizer: Optimizer
    public var schedule: Schedule = .constant
    public var clip: GradientClip?
    public var logEvery: Int?
    public var progress: Progress?
    /// Polled before every step; true stops training after the current one. Ctrl-C by default.
    public var shouldStop: () -> Bool = { Interrupt.requested }

    public init(store: ParameterStore, optimizer: Optimizer) {
        self.store = store
        self.optimizer = optimizer
    }

    /// Runs `steps` steps. `loss(step, leaves)` evaluates the loss with the parameters bound to
    /// `leaves`; `log(step, loss)` evaluates and records the logged expressions (the tape is
    /// paused); `afterStep(step)` runs projections. Ctrl-C stops after the current step.
    public func run(steps: Int,
                    loss: (Int, [Variable]) throws -> Variable,
                    log: ((Int, Double) throws -> Void)? = nil,
                    afterStep: ((Int) throws -> Void)? = nil) throws -> TrainReport {
        var report = TrainReport()
        // Reserved up to a million steps: `steps 2**35` is a valid (interruptible) request, not
        // a 256 GB allocation up front.
        report.stepSeconds.reserveCapacity(min(steps, 1 << 20))
        report.stepLosses.reserveCapacity(min(steps, 1 << 20))
        let tape = Tape.current
        defer { tape.reset() }
        try Interrupt.catching {
            for i in 0..<steps {
                if shouldStop() { report.interrupted = true; break }
                let t0 = DispatchTime.now().uptimeNanoseconds
                tape.reset()
                let params = store.trainableParameters()
                let leaves = params.map { tape.variable($0) }
                let l = try loss(i, leaves)
                let value = try l.value.item()
                guard value.isFinite else { throw NonFiniteError(step: i, metric: "loss", value: value) }
                var logSeconds = 0.0
                if let log, let every = logEvery, i % every == 0 {
                    let l0 = DispatchTime.now().uptimeNanoseconds
                    try noGrad { try log(i, value) }
                    logSeconds = Double(DispatchTime.now().uptimeNanoseconds - l0) * 1e-9
                }
                var grads = try tape.gradients(of: l, wrt: leaves)
                if let clip { grads = try clip.apply(grads).grads }
                let lr = optimizer.learningRate * schedule.factor(at: i)
                let updated = try optimizer.update(params, grads, lr: lr, step: i + 1)
                try store.setTrainableParameters(updated)
                if let afterStep { try noGrad { try afterStep(i) } }
                report.stepSeconds.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9 - logSeconds)
                report.stepLosses.append(value)
                report.stepsDone = i + 1
                report.finalLoss = value
                progress?.update(step: i + 1, metrics: [("batch loss", value)])
            }
        }
        progress?.finish()
        if let log, logEvery != nil, report.stepsDone > 0 {
            tape.reset()
            let value = try noGrad { try loss(report.stepsDone, store.trainableParameters().map { Variable($0) }).value.item() }
            guard value.isFinite else { throw NonFiniteError(step: report.stepsDone, metric: "loss", value: value) }
            try noGrad { try log(report.stepsDone, value) }
            report.finalLoss = value
        }
        return report
    }
}
