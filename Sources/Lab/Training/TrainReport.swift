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
    /// A stop request (Ctrl-C, or `:stop` at a pause) ended the run before its horizon.
    public var interrupted = false
    /// The stop was the answer to a pause (`interrupted` is also true): the run ends as if its
    /// horizon had been here, which is not worth an "interrupted" in its summary.
    public var stoppedAtPause = false
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
