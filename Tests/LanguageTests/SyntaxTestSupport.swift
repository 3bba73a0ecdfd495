import Foundation
import Testing
@testable import Language

// Helpers shared by the lexer, parser and diagnostic tests.

/// Parses `text` as a file named `test.exp`.
func parseSource(_ text: String, name: String = "test.exp") -> ParseResult {
    Parser.parse(SourceFile(name: name, text: text))
}

/// The program as s-expressions, or the rendered diagnostics prefixed with `ERROR` when it has errors.
func sexprOf(_ text: String) -> String {
    let r = parseSource(text)
    if r.hasErrors { return "ERROR " + r.diagnostics.map(\.description).joined(separator: " | ") }
    return r.program.sexpr
}

/// The first diagnostic, or nil.
func firstDiagnostic(_ text: String) -> Diagnostic? {
    parseSource(text).diagnostics.first
}

/// `line:col` of the first diagnostic, or "none".
func firstErrorPlace(_ text: String) -> String {
    guard let d = parseSource(text).diagnostics.first, let s = d.span else { return "none" }
    return "\(s.start.line):\(s.start.column)"
}

/// Token kinds of `text` without the final end-of-input token.
func tokenKinds(_ text: String) -> [TokenKind] {
    var kinds = Lexer.tokenize(SourceFile(name: "t.exp", text: text)).tokens.map(\.kind)
    if case .endOfInput? = kinds.last { kinds.removeLast() }
    return kinds
}

/// A small deterministic generator (SplitMix64) so the fuzz-style tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The package root, found from this file's path (Tests/LanguageTests/<file>).
func packageRoot(_ filePath: String = #filePath) -> String {
    var parts = filePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}

/// The UTF-8 contents of a file, or nil.
func readTextFile(_ path: String) -> String? {
    FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
}

/// Raw bytes of a file, or nil.
func readFileBytes(_ path: String) -> [UInt8]? {
    FileManager.default.contents(atPath: path).map { Array($0) }
}
