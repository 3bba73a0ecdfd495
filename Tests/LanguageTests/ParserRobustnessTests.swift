import Foundation
import Testing
@testable import Language

/// Error recovery, nesting limits, and fuzz-style inputs: the parser must always return
/// diagnostics with valid spans, never trap or overflow the stack.
@Suite("Parser robustness")
struct ParserRobustnessTests {
    // MARK: Recovery

    @Test func independentErrorsAreEachReportedOnce() {
        let r = parseSource("let x = )\nlet y = 2\nlet z = ]\n")
        #expect(r.diagnostics.map { "\($0.span!.start)" } == ["1:9", "3:9"])
        #expect(r.program.sexpr == "(let y 2)")
    }

    @Test func firstErrorOfACascadeOnly() {
        let r = parseSource("f(1 2 3 ) ) ]\nok = 1")
        #expect(r.diagnostics.count == 1)
        #expect(r.diagnostics.first?.message == "expected ',' or ')' in the arguments, found number '2'")
        #expect(firstErrorPlace("f(1 2 3 ) ) ]") == "1:5")
        #expect(r.program.sexpr == "(= ok 1)")
    }

    @Test func lexerErrorSuppressesTheParserErrorItCauses() {
        let r = parseSource("let x = $ + )\nlet y = 1")
        #expect(r.diagnostics.count == 1)
        #expect(r.diagnostics.first?.message == "unexpected character '$' (U+0024 dollar sign)")
        #expect(r.program.sexpr == "(let y 1)")
    }

    @Test func errorInsideABlockKeepsTheRestOfTheBlock() {
        let r = parseSource("fn f() {\n  let a = )\n  let b = 1\n}\nlet c = 2")
        #expect(r.diagnostics.count == 1)
        #expect(firstErrorPlace("fn f() {\n  let a = )\n  let b = 1\n}\nlet c = 2") == "2:11")
        #expect(r.program.sexpr == "(fn f () {(let b 1)})\n(let c 2)")
    }

    @Test func unclosedParenthesisStopsAtTheNextStatementKeyword() {
        let r = parseSource("let a = f(1,\nlet b = 2\nlet c = 3")
        #expect(r.diagnostics.count == 1)
        #expect(r.program.sexpr == "(let b 2)\n(let c 3)")
    }

    @Test func strayClosingBraceAtTopLevel() {
        let r = parseSource("}\nlet a = 1")
        #expect(r.diagnostics.first?.message == "unexpected '}' with no open block")
        #expect(r.program.statements.count == 1)
    }

    @Test func errorsInModelAndTrainBodiesRecoverPerItem() {
        let src = "model m {\n  param = 1\n  param W = 2\n}\ntrain m on t {\n  steps\n  every { }\n  batch 4\n}"
        let r = parseSource(src)
        #expect(r.diagnostics.map { "\($0.span!.start)" } == ["2:9", "7:12"])
        #expect(r.program.sexpr == "(model m {(param W 2)})\n(train m t _ {steps; (setting batch 4)})")
    }

    static let errorPlaces: [(String, String, String)] = [
        ("let 3 = x", "1:5", "expected a name, found number '3'"),
        ("let x == 1", "1:7", "expected '=' after the name in 'let', found '=='"),
        ("x = = 1", "1:5", "expected an expression, found '='"),
        ("if x = 1 { }", "1:6", "expected '{' after the if condition, found '='"),
        ("for in xs { }", "1:5", "expected a name, found the keyword 'in'"),
        ("for i xs { }", "1:7", "expected 'in' after the loop variable, found 'xs'"),
        ("fn f(x = 1) = x", "1:8", "a default value is written with ':'"),
        ("fn f(x) x", "1:9", "expected '=' or '{' after the parameters, found 'x'"),
        ("let let = 1", "1:5", "expected a name, found the keyword 'let'"),
        ("x[]", "1:3", "expected an index between '[' and ']'"),
        ("import blocks", "1:8", "expected a file name in quotes after 'import', found 'blocks'"),
        ("\tlet θ = (1 +", "1:14", "unexpected end of input: expected an expression"),
        ("log x", "1:1", "'log' is only allowed inside a train block"),
        ("param W = 1", "1:1", "'param' is only allowed inside a model block"),
        ("else { }", "1:1", "'else' without a matching 'if'"),
        ("a ! b", "1:3", "unexpected character '!' (U+0021 exclamation mark)"),
        ("save m \"w\"", "1:8", "expected 'to' after the value to save, found string \"w\""),
        ("train m for o { }", "1:9", "expected 'on' or 'with' after the model in 'train', found 'for'"),
        ("let x = 1 +* 2", "1:12", "expected an expression, found '*'"),
    ]

    @Test(arguments: errorPlaces)
    func errorLineAndColumn(source: String, place: String, message: String) {
        #expect(firstErrorPlace(source) == place)
        #expect(firstDiagnostic(source)?.message == message)
    }

    // MARK: Nesting limits

    @Test func twentyThousandParenthesesGiveAnError() {
        let src = String(repeating: "(", count: 20_000) + "1" + String(repeating: ")", count: 20_000)
        let r = parseSource(src)
        #expect(r.diagnostics.count == 1)
        #expect(r.diagnostics.first?.message.hasPrefix("expression nested too deeply") == true)
        #expect(!r.isIncomplete)
    }

    @Test(arguments: [
        String(repeating: "(", count: 20_000),
        String(repeating: "[", count: 20_000),
        "x = " + String(repeating: "-", count: 20_000) + "1",
        String(repeating: "not ", count: 20_000) + "a",
        "a" + String(repeating: " ** a", count: 20_000),
        "a" + String(repeating: " + a", count: 50_000),
        "f" + String(repeating: "(1)", count: 20_000),
        "x" + String(repeating: ".y", count: 20_000),
        String(repeating: "if a { ", count: 5_000) + String(repeating: "}", count: 5_000),
        String(repeating: "{a: ", count: 20_000),
        String(repeating: "fn(x) = ", count: 20_000) + "x",
        String(repeating: "let (", count: 1) + String(repeating: "(", count: 20_000),
        "model m { " + String(repeating: "model m { ", count: 5_000),
    ])
    func deepNestingNeverOverflows(source: String) {
        let r = parseSource(source)
        #expect(r.hasErrors)
        #expect(r.diagnostics.count < 5)
    }

    @Test func moderateNestingIsFine() {
        let src = String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100)
        #expect(!parseSource(src).hasErrors)
        let sum = "let s = " + Array(repeating: "a", count: 200).joined(separator: " + ")
        #expect(!parseSource(sum).hasErrors)
    }

    // MARK: Fuzzing

    /// Checks the invariants every parse must satisfy, whatever the input.
    func checkInvariants(_ file: SourceFile) {
        let r = Parser.parse(file)
        for d in r.diagnostics {
            guard let s = d.span else {
                Issue.record("diagnostic without a span: \(d)")
                continue
            }
            #expect(s.start.offset >= 0 && s.start.offset <= file.bytes.count)
            #expect(s.end.offset >= s.start.offset && s.end.offset <= file.bytes.count)
            #expect(s.start.line >= 1 && s.start.column >= 1)
            #expect(file.location(ofOffset: s.start.offset) == s.start)
            _ = d.rendered(color: true)
        }
        if r.isIncomplete { #expect(r.diagnostics.first?.kind == .unexpectedEnd) }
        _ = r.program.sexpr
    }

    @Test func randomBytes() {
        var rng = SplitMix64(seed: 0xE5E5)
        let alphabet: [UInt8] = Array("()[]{}:,.;=+-*/\"\\#\n\t let fn if x 1 e _ ".utf8) + [0, 0x7F, 0x80, 0xC3, 0xA9, 0xFF, 0xF0, 0x9F]
        for _ in 0..<1500 {
            let n = Int.random(in: 0..<120, using: &rng)
            var bytes: [UInt8] = []
            for _ in 0..<n {
                bytes.append(Bool.random(using: &rng) ? UInt8.random(in: 0...255, using: &rng) : alphabet.randomElement(using: &rng)!)
            }
            checkInvariants(SourceFile(name: "fuzz.exp", bytes: bytes))
        }
    }

    static let vocabulary = [
        "let", "fn", "return", "if", "else", "for", "in", "while", "break", "continue", "and", "or", "not",
        "true", "false", "none", "seed", "precision", "expect", "import", "task", "model", "param", "optimizer",
        "train", "on", "with", "every", "log", "plot", "heatmap", "scatter", "sweep", "save", "load", "to", "from",
        "x", "steps", "f", "θ", "1", "2.5", "\"s\"", "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "..", "...",
        "+", "-", "*", "/", "//", "%", "**", "@", "=", "+=", "==", "!=", "<", ">=", "\n", "\n", "\n",
    ]

    @Test func randomTokenSequences() {
        var rng = SplitMix64(seed: 42)
        var accepted = 0
        for _ in 0..<2500 {
            let n = Int.random(in: 1..<40, using: &rng)
            let text = (0..<n).map { _ in Self.vocabulary.randomElement(using: &rng)! }.joined(separator: " ")
            let file = SourceFile(name: "fuzz.exp", text: text)
            checkInvariants(file)
            if !Parser.parse(file).hasErrors { accepted += 1 }
        }
        // Most random sequences are wrong; all of them must have been handled.
        #expect(accepted < 2500)
    }

    /// Valid programs to mutate: a built-in corpus plus any examples and golden scripts.
    static func corpus() -> [String] {
        var programs = ParserTests.statements.map(\.0) + ParserTests.grammarSamples.values.sorted()
        programs.append(contentsOf: scriptFiles().compactMap { readTextFile($0) })
        return programs
    }

    @Test func mutationsOfValidPrograms() {
        var rng = SplitMix64(seed: 7)
        let programs = Self.corpus()
        for i in 0..<3000 {
            var tokens = Lexer.tokenize(SourceFile(name: "p.exp", text: programs[i % programs.count])).tokens
                .dropLast().map(\.text)
            if tokens.isEmpty { tokens = ["x"] }
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: 0..<tokens.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: tokens.remove(at: at)
                case 1: tokens.insert(Self.vocabulary.randomElement(using: &rng)!, at: at)
                case 2: tokens[at] = Self.vocabulary.randomElement(using: &rng)!
                default: tokens.swapAt(at, Int.random(in: 0..<tokens.count, using: &rng))
                }
                if tokens.isEmpty { tokens = ["("] }
            }
            checkInvariants(SourceFile(name: "mut.exp", text: tokens.joined(separator: " ")))
        }
    }

    @Test func byteMutationsOfValidPrograms() {
        var rng = SplitMix64(seed: 99)
        let programs = Self.corpus()
        for i in 0..<1500 {
            var bytes = Array(programs[i % programs.count].utf8)
            for _ in 0..<Int.random(in: 1...4, using: &rng) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                if Bool.random(using: &rng) { bytes[at] = UInt8.random(in: 0...255, using: &rng) } else { bytes.remove(at: at) }
            }
            checkInvariants(SourceFile(name: "mut.exp", bytes: bytes))
        }
    }
}

/// Every `.exp` under examples/, Tests/LanguageTests/Golden/ and the prelude.
func scriptFiles() -> [String] {
    let root = packageRoot()
    var files: [String] = []
    for dir in ["examples", "Tests/LanguageTests/Golden", "Sources/Language/Prelude"] {
        let base = root + "/" + dir
        guard let e = FileManager.default.enumerator(atPath: base) else { continue }
        while let rel = e.nextObject() as? String {
            if rel.hasSuffix(".exp") { files.append(base + "/" + rel) }
        }
    }
    return files.sorted()
}
