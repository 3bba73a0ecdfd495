import Tensors
import Testing

/// Expects `body` to throw a TensorError of `kind` whose message mentions each of `parts`.
func expectError(_ kind: TensorError.Kind, mentioning parts: [String] = [], _ body: () throws -> Any) {
    do {
        _ = try body()
        Issue.record("expected a \(kind) error")
    } catch let e as TensorError {
        #expect(e.kind == kind, "\(e)")
        for p in parts { #expect(e.message.contains(p), "\(e) should mention \(p)") }
    } catch {
        Issue.record("unexpected error \(error)")
    }
}
