import Language
/// A training that Ctrl-C paused at the end of a step (in the REPL): where it stands, for the
/// pause's banner and the `step` name. The training's model, optimizer and series so far are
/// bound under their names while it is paused.
public struct TrainingPause {
    /// What the paused training does next.
    public enum Decision: Equatable, Sendable {
        /// Continue with the next step, as if it had never paused.
        case resume
        /// End here as if `steps` had been this many: final log, series closed.
        case stop
    }

    /// The name the model is trained under.
    public let model: String
    /// Steps finished (the parameters are those after this many updates).
    public let stepsDone: Int
    /// Steps the training was asked for.
    public let steps: Int
    /// The loss of the last finished step (at the parameters before its update).
    public let loss: Double?
    /// Writes the metrics logged so far to the run directory, so a pause can be looked at there.
    public let flushMetrics: () throws -> Void
}
