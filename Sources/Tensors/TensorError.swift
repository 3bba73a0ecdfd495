/// An error a tensor operation raises on bad input. It never traps: shapes, indices, dtypes and
/// sizes are checked before any memory is touched. The language layer attaches a source span.
public struct TensorError: Error, Equatable, CustomStringConvertible, Sendable {
    /// What kind of mistake it is; the language maps kinds to messages and hints.
    public enum Kind: String, Sendable {
        case shape, index, dtype, value, size, linalg
    }

    public let kind: Kind
    /// The operation that failed, as the user would name it (`matmul`, `reshape`).
    public let op: String
    public let message: String
    /// A suggestion for the user, when one helps.
    public let hint: String?

    public init(_ kind: Kind, op: String, _ message: String, hint: String? = nil) {
        self.kind = kind
        self.op = op
        self.message = message
        self.hint = hint
    }

    public var description: String { "\(op): \(message)" }

    /// Formats a shape the way users write it: `[2, 3]`, `[]` for a scalar.
    public static func show(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }

    public static func shapeMismatch(_ op: String, _ a: [Int], _ b: [Int], _ why: String, hint: String? = nil) -> TensorError {
        TensorError(.shape, op: op, "shapes \(show(a)) and \(show(b)) \(why)", hint: hint)
    }
}
