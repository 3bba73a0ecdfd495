import Testing
@testable import Language

@Suite("Diagnostics")
struct DiagnosticTests {
    /// A diagnostic on the span of the first occurrence of `target` in `text`.
    func diagnostic(_ text: String, at target: String, _ message: String, hint: String? = nil,
                    name: String = "t.exp") throws -> Diagnostic {
        let file = SourceFile(name: name, text: text)
        let range = try #require(text.range(of: target))
        let start = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
        let end = text.utf8.distance(from: text.startIndex, to: range.upperBound)
        return Diagnostic(.name, message, at: SourceSpan(file: file, startOffset: start, endOffset: end), hint: hint)
    }

    // MARK: Golden renderings

    @Test func caretUnderTheSpanWithHint() throws {
        let d = try diagnostic("let theta = 1\nlet y = thetaa + 1\n", at: "thetaa", "unknown name 'thetaa'",
                               hint: "did you mean 'theta'?")
        #expect(d.rendered() == """
            t.exp:2:9: error: unknown name 'thetaa'
            let y = thetaa + 1
                    ^~~~~~
            hint: did you mean 'theta'?

            """)
    }

    @Test func tabsInTheLineAreCopiedToTheCaretLine() throws {
        let d = try diagnostic("\tx = \tfoo(1)", at: "foo", "unknown name 'foo'")
        #expect(d.rendered() == "t.exp:1:7: error: unknown name 'foo'\n\tx = \tfoo(1)\n\t    \t^~~\n")
    }

    @Test func unicodeBeforeTheSpanCountsOneColumnPerScalar() throws {
        let d = try diagnostic("let θ = \"é😀\" + bad", at: "bad", "unknown name 'bad'")
        #expect(d.rendered() == """
            t.exp:1:16: error: unknown name 'bad'
            let θ = "é😀" + bad
                            ^~~

            """)
    }

    @Test func wideAndCombiningCharactersInTheSpan() throws {
        let d = try diagnostic("x = 数据 + e\u{301}", at: "数据", "unknown name '数据'")
        #expect(d.rendered() == "t.exp:1:5: error: unknown name '数据'\nx = 数据 + e\u{301}\n    ^~~~\n")
        let e = try diagnostic("x = 数据 + e\u{301}", at: "e\u{301}", "unknown name")
        #expect(e.rendered() == "t.exp:1:10: error: unknown name\nx = 数据 + e\u{301}\n           ^\n")
    }

    @Test func emptySpanAtEndOfLineGetsOneCaret() {
        let r = parseSource("let x = (1 +\n")
        #expect(r.diagnostics.first?.rendered() == """
            test.exp:1:13: error: unexpected end of input: expected an expression
            let x = (1 +
                        ^

            """)
        let s = parseSource("if x\n{ }").diagnostics.first
        #expect(s?.rendered() == """
            test.exp:1:5: error: expected '{' after the if condition, found newline
            if x
                ^

            """)
    }

    @Test func multiLineSpanIsUnderlinedToTheEndOfItsFirstLine() throws {
        let d = try diagnostic("let r = f(1,\n  2)", at: "f(1,\n  2)", "bad call")
        #expect(d.rendered() == "t.exp:1:9: error: bad call\nlet r = f(1,\n        ^~~~\n")
    }

    @Test func notesWithAndWithoutSpans() throws {
        var d = try diagnostic("let a = 1\nlet a = 2", at: "a = 2", "bad")
        let first = try diagnostic("let a = 1\nlet a = 2", at: "a", "x")
        d.notes = [DiagnosticNote("first defined here", span: first.span), DiagnosticNote("names are per scope")]
        #expect(d.rendered() == """
            t.exp:2:5: error: bad
            let a = 2
                ^~~~~
            t.exp:1:5: note: first defined here
            let a = 1
                ^
            note: names are per scope

            """)
    }

    @Test func diagnosticWithoutASpan() {
        let d = Diagnostic(.io, "cannot read 'x.exp'", at: nil, hint: "check the path")
        #expect(d.rendered() == "error: cannot read 'x.exp'\nhint: check the path\n")
        #expect(d.description == "error: cannot read 'x.exp'")
    }

    @Test func controlCharactersInTheLineKeepTheCaretAligned() {
        let file = SourceFile(name: "t.exp", bytes: Array("a".utf8) + [0x01] + Array(" $".utf8))
        let rendered = Lexer.tokenize(file).diagnostics.map { $0.rendered() }
        #expect(rendered == [
            "t.exp:1:2: error: unexpected character U+0001\na\u{FFFD} $\n ^\n",
            "t.exp:1:4: error: unexpected character '$' (U+0024 dollar sign)\na\u{FFFD} $\n   ^\n",
        ])
        // The parser reports only the first error of the broken statement.
        #expect(Parser.parse(file).diagnostics.count == 1)
    }

    @Test func invalidUTF8KeepsTheCaretAligned() {
        let file = SourceFile(name: "t.exp", bytes: [0xFF, 0xFE] + Array(" $".utf8))
        let last = Lexer.tokenize(file).diagnostics.last
        #expect(last?.span?.start.column == 4)
        #expect(last?.rendered() == "t.exp:1:4: error: unexpected character '$' (U+0024 dollar sign)\n\u{FFFD}\u{FFFD} $\n   ^\n")
    }

    @Test func colourOnlyWhenAsked() throws {
        let d = try diagnostic("x = y", at: "y", "unknown name 'y'", hint: "h")
        let plain = d.rendered(color: false)
        let coloured = d.rendered(color: true)
        #expect(!plain.contains("\u{1B}["))
        #expect(coloured.contains("\u{1B}[1;31merror:\u{1B}[0m"))
        #expect(stripANSI(coloured) == plain)
    }

    func stripANSI(_ s: String) -> String {
        var out = ""
        var inEscape = false
        for c in s.unicodeScalars {
            if c == "\u{1B}" { inEscape = true; continue }
            if inEscape { if c == "m" { inEscape = false }; continue }
            out.unicodeScalars.append(c)
        }
        return out
    }

    @Test func parserDiagnosticEndToEnd() {
        let r = parseSource("let x = 1\nlet y = (x + ]\n")
        #expect(DiagnosticRenderer().render(r.diagnostics) == """
            test.exp:2:14: error: expected an expression, found ']'
            let y = (x + ]
                         ^

            """)
    }

    @Test func spanText() throws {
        let d = try diagnostic("expect loss.last < 0.01", at: "loss.last < 0.01", "m")
        #expect(d.span?.text == "loss.last < 0.01")
        #expect(d.description == "t.exp:1:8: error: m")
    }

    @Test func aLongLineIsShownAsAWindowAroundTheSpan() throws {
        let text = "let x = " + String(repeating: "b + ", count: 1000) + "zz + " + String(repeating: "c + ", count: 1000) + "1\n"
        let d = try diagnostic(text, at: "zz", "unknown name `zz`")
        let lines = DiagnosticRenderer().render(d).split(separator: "\n").map(String.init)
        #expect(lines[1].count <= 122 && lines[1].hasPrefix("…") && lines[1].hasSuffix("…"))
        // The caret sits under the name in the window.
        let caret = try #require(lines[2].firstIndex(of: "^"))
        let column = lines[2].distance(from: lines[2].startIndex, to: caret)
        #expect(Array(lines[1])[column] == "z" && Array(lines[1])[column + 1] == "z")
        #expect(lines[2].hasSuffix("^~"))
    }

    // MARK: Did you mean

    @Test func editDistance() {
        #expect(DidYouMean.distance("kitten", "sitting") == 3)
        #expect(DidYouMean.distance("teh", "the") == 1)
        #expect(DidYouMean.distance("", "abc") == 3)
        #expect(DidYouMean.distance("θ", "θ") == 0)
        #expect(DidYouMean.distance("αβ", "βα") == 1)
    }

    @Test func suggestions() {
        let names = ["learning_rate", "lr", "theta", "Theta", "steps", "relu", "softmax"]
        #expect(DidYouMean.closest("lerning_rate", in: names) == "learning_rate")
        #expect(DidYouMean.closest("thetaa", in: names) == "theta")
        // Case is ignored; ties go to the alphabetically first name.
        #expect(DidYouMean.closest("THETA", in: names) == "Theta")
        #expect(DidYouMean.closest("sofmtax", in: names) == "softmax")
        #expect(DidYouMean.closest("completely_different", in: names) == nil)
        #expect(DidYouMean.closest("", in: names) == nil)
        #expect(DidYouMean.hint(for: "stesp", in: names) == "did you mean `steps`?")
        #expect(DidYouMean.hint(for: "zzz", in: names) == nil)
    }
}
