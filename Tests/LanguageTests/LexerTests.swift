import Testing
@testable import Language

@Suite("Lexer")
struct LexerTests {
    // MARK: Numbers

    @Test func numbersOfEveryForm() {
        #expect(tokenKinds("12 0.5 .5 1e-3 2.5E+4 1_000 3e2") == [
            .integer(12), .float(0.5), .float(0.5), .float(0.001), .float(25000), .integer(1000), .float(300),
        ])
    }

    @Test func intsAndFloatsAreDistinct() {
        #expect(tokenKinds("1") == [.integer(1)])
        #expect(tokenKinds("1.0") == [.float(1.0)])
    }

    @Test func rangeAfterIntegerIsNotADecimalPoint() {
        #expect(tokenKinds("0..10") == [.integer(0), .symbol(.dotDot), .integer(10)])
        #expect(tokenKinds("x[...]") == [.identifier("x"), .symbol(.leftBracket), .symbol(.ellipsis), .symbol(.rightBracket)])
    }

    @Test func integerTooLargeIsAnError() {
        let r = Lexer.tokenize(SourceFile(name: "t.exp", text: "let n = 99999999999999999999"))
        #expect(r.diagnostics.count == 1)
        #expect(r.diagnostics.first?.message.contains("too large") == true)
        #expect(r.diagnostics.first?.span?.start.column == 9)
    }

    @Test func malformedExponent() {
        let r = Lexer.tokenize(SourceFile(name: "t.exp", text: "1e+"))
        #expect(r.diagnostics.first?.message == "malformed number '1e+'")
    }

    // MARK: Strings

    @Test func stringEscapes() {
        #expect(tokenKinds(#""a\n\t\"\\\u{1F600}é""#) == [.string("a\n\t\"\\😀é")])
    }

    @Test func unterminatedStringPointsAtItsStart() {
        let r = Lexer.tokenize(SourceFile(name: "t.exp", text: "let s = \"abc\nlet t = 1"))
        #expect(r.diagnostics.count == 1)
        let d = r.diagnostics[0]
        #expect(d.message == "unterminated string")
        #expect(d.span?.start.line == 1 && d.span?.start.column == 9)
        // Lexing continues on the next line.
        #expect(r.tokens.contains { $0.kind == .identifier("t") })
    }

    @Test func unknownEscapeIsReported() {
        let r = Lexer.tokenize(SourceFile(name: "t.exp", text: #"x = "a\qb""#))
        #expect(r.diagnostics.first?.message == #"unknown escape '\q' in a string"#)
        #expect(r.diagnostics.first?.span?.start.column == 7)
    }

    @Test func badUnicodeEscape() {
        let r = Lexer.tokenize(SourceFile(name: "t.exp", text: #""\u{D800}" "\u{110000}" "\u12""#))
        #expect(r.diagnostics.count == 3)
    }

    // MARK: Identifiers and keywords

    @Test func unicodeIdentifiers() {
        #expect(tokenKinds("θ W_KQ α2 x₁ _tmp") == [
            .identifier("θ"), .identifier("W_KQ"), .identifier("α2"), .identifier("x₁"), .identifier("_tmp"),
        ])
    }

    @Test func keywordsAndContextualWords() {
        #expect(tokenKinds("let steps f32 train loss") == [
            .keyword(.let), .identifier("steps"), .identifier("f32"), .keyword(.train), .identifier("loss"),
        ])
        let documented = """
            let fn return if else for in while break continue and or not true false none \
            seed precision expect import task model param optimizer train on with every log plot \
            heatmap scatter sweep save load to from
            """.split(separator: " ").map(String.init)
        #expect(Set(Keyword.allCases.map(\.rawValue)) == Set(documented))
        for word in documented { #expect(tokenKinds(word).first == Keyword(rawValue: word).map { TokenKind.keyword($0) }) }
    }

    // MARK: Comments, newlines, symbols

    @Test func commentsRunToEndOfLine() {
        #expect(tokenKinds("x # a comment ) ] \"\ny") == [.identifier("x"), .newline, .identifier("y")])
    }

    @Test func longestMatchSymbols() {
        let kinds = tokenKinds("** *= * // /= / == = != <= < >= > ... .. . @ % += -= ;")
        let symbols: [Symbol] = [.starStar, .starEqual, .star, .slashSlash, .slashEqual, .slash, .equalEqual, .equal,
                                 .bangEqual, .lessEqual, .less, .greaterEqual, .greater, .ellipsis, .dotDot, .dot,
                                 .at, .percent, .plusEqual, .minusEqual, .semicolon]
        #expect(kinds == symbols.map { .symbol($0) })
    }

    @Test func bangAloneHasAHint() {
        let r = Lexer.tokenize(SourceFile(name: "t.exp", text: "!x"))
        #expect(r.diagnostics.first?.hint?.contains("not") == true)
    }

    // MARK: Spans

    @Test func spansCountLinesAndUnicodeColumns() {
        let toks = Lexer.tokenize(SourceFile(name: "t.exp", text: "let θ = \"é\" + 1\n  yy")).tokens
        let plus = toks.first { $0.kind == .symbol(.plus) }
        #expect(plus?.span.start.line == 1)
        #expect(plus?.span.start.column == 13)
        let yy = toks.first { $0.kind == .identifier("yy") }
        #expect(yy?.span.start.line == 2 && yy?.span.start.column == 3)
        #expect(yy?.span.end.column == 5)
        #expect(yy?.span.text == "yy")
        #expect(toks.first { $0.kind == .string("é") }?.span.text == "\"é\"")
    }

    @Test func spanLocationAgreesWithSourceFileLookup() {
        let file = SourceFile(name: "t.exp", text: "a\n  θ + b\r\nccc")
        for t in Lexer.tokenize(file).tokens {
            #expect(file.location(ofOffset: t.span.start.offset) == t.span.start)
        }
        #expect(file.line(2) == "  θ + b")
        #expect(file.lineCount == 3)
    }

    @Test func crlfLineEndings() {
        let toks = Lexer.tokenize(SourceFile(name: "t.exp", text: "a\r\nb")).tokens
        #expect(toks.map(\.kind) == [.identifier("a"), .newline, .identifier("b"), .endOfInput])
        #expect(toks[2].span.start.line == 2 && toks[2].span.start.column == 1)
    }

    // MARK: Any bytes

    @Test func invalidUTF8IsADiagnostic() {
        let file = SourceFile(name: "t.exp", bytes: [0x61, 0xFF, 0x62, 0x20, 0xC3])
        let r = Lexer.tokenize(file)
        #expect(r.diagnostics.count == 2)
        #expect(r.diagnostics[0].message.contains("invalid UTF-8 byte 0xFF"))
        #expect(r.tokens.contains { $0.kind == .identifier("b") })
    }

    @Test func controlCharactersAndNUL() {
        let file = SourceFile(name: "t.exp", bytes: [0x78, 0x00, 0x01, 0x7F])
        let r = Lexer.tokenize(file)
        #expect(r.diagnostics.count == 3)
        #expect(r.diagnostics[0].message == "unexpected character U+0000")
    }

    @Test func byteOrderMarkIsSkipped() {
        let file = SourceFile(name: "t.exp", bytes: [0xEF, 0xBB, 0xBF] + Array("x".utf8))
        #expect(Lexer.tokenize(file).tokens.map(\.kind) == [.identifier("x"), .endOfInput])
    }

    @Test func invalidUTF8InsideStringAndComment() {
        let bytes: [UInt8] = Array("\"a".utf8) + [0xFE] + Array("\" # c".utf8) + [0xC0, 0x80]
        let r = Lexer.tokenize(SourceFile(name: "t.exp", bytes: bytes))
        #expect(r.diagnostics.count == 3)
        #expect(r.tokens.first?.kind == .string("a\u{FFFD}"))
    }
}
