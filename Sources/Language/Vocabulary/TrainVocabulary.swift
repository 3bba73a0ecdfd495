/// The settings a `train` block knows: the one table the parser (which words stay settings
/// before `(` or `[`), the resolver (unknown settings are check-time errors), the experiments
/// layer (how each value is read), `:help`, completion and the grammar test all read.
///
/// Adding a setting is one entry here plus its reading in the experiments layer's
/// `TrainSettings`.
public struct TrainSetting: Sendable {
    /// What a setting's value must be; the experiments layer converts and checks it by this.
    public enum ValueKind: Sendable {
        /// A whole number ≥ 1 (`steps 1000`).
        case positiveCount
        /// A whole number ≥ 1, or the word `full` (`batch 64`, `batch full`).
        case batchSize
        /// A number > 0 (`time 10.0`, `clip 1.0`).
        case positiveNumber
        /// An expression evaluated every step (`loss mean((output - target) ** 2)`).
        case expression
        /// A schedule value (`schedule cosine(total: 1000)`).
        case schedule
        /// A parameter name or a list of them (`freeze E`, `freeze [E, F]`).
        case parameterNames
    }

    public let name: String
    public let kind: ValueKind
    /// One line for `:help train` and completion.
    public let doc: String

    public init(_ name: String, _ kind: ValueKind, _ doc: String) {
        self.name = name
        self.kind = kind
        self.doc = doc
    }
}

public enum TrainVocabulary {
    /// Every train setting, in the order `:help` lists them.
    public static let settings: [TrainSetting] = [
        TrainSetting("steps", .positiveCount, "number of optimizer steps"),
        TrainSetting("epochs", .positiveCount, "passes over a fixed dataset (instead of steps)"),
        TrainSetting("batch", .batchSize, "examples per step, or `full` for the whole dataset"),
        TrainSetting("loss", .expression, "the scalar to minimise, from `output`, `target`, `input`, `mask`"),
        TrainSetting("time", .positiveNumber, "gradient flow's horizon (with `optimizer gradient_flow`)"),
        TrainSetting("clip", .positiveNumber, "clip gradients to this global norm"),
        TrainSetting("clip_value", .positiveNumber, "clip each gradient entry to [-v, v]"),
        TrainSetting("schedule", .schedule, "learning-rate schedule, e.g. cosine(total: 1000)"),
        TrainSetting("freeze", .parameterNames, "params left out of training: freeze E or freeze [E, F]"),
    ]

    static let byName: [String: TrainSetting] = Dictionary(uniqueKeysWithValues: settings.map { ($0.name, $0) })

    /// The setting called `name`, if there is one.
    public static func setting(_ name: String) -> TrainSetting? { byName[name] }

    /// Every setting's name, in table order.
    public static var names: [String] { settings.map(\.name) }
}
