/// What an `expect` found, for the summary and the report.
public struct ExpectOutcome: Sendable {
    public let text: String
    public let passed: Bool
    public let details: String
    public init(text: String, passed: Bool, details: String) {
        self.text = text
        self.passed = passed
        self.details = details
    }
}
