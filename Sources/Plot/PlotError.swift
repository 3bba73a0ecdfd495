/// An error from writing or converting a figure. Rendering itself never fails: bad data
/// (NaN, empty series, impossible log values) is drawn as gaps or notes instead.
public struct PlotError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        /// A required external program (rsvg-convert) is not installed.
        case missingTool
        /// The external program ran and failed.
        case conversionFailed
        /// Reading or writing a file failed.
        case io
    }

    public let kind: Kind
    public let message: String
    /// What the user can do about it.
    public let hint: String?

    public init(_ kind: Kind, _ message: String, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
    }

    public var description: String {
        hint.map { "\(message) (hint: \($0))" } ?? message
    }
}
