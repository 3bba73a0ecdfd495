// MARK: - Lexer

/// Turns source bytes into tokens. Handles any input: invalid UTF-8, NUL and other control
/// characters become diagnostics plus `.error` tokens, never a crash.
///
/// Newlines are emitted as `.newline` tokens everywhere (outside comments); the parser decides
/// where they matter (they are ignored inside brackets and after a binary operator or comma).
public struct Lexer {
    public let file: SourceFile
    let bytes: [UInt8]
    var index = 0
    var line = 1
    var column = 1
    /// Diagnostics found so far, in source order.
    public private(set) var diagnostics: [Diagnostic] = []

    public init(file: SourceFile) {
        self.file = file
        self.bytes = file.bytes
        // A UTF-8 byte order mark at the start is not part of the program.
        index = file.byteOrderMarkLength
    }

    /// All tokens of a file (ending with `.endOfInput`) and the lexer's diagnostics.
    public static func tokenize(_ file: SourceFile) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var lexer = Lexer(file: file)
        var tokens: [Token] = []
        while true {
            let t = lexer.next()
            tokens.append(t)
            if case .endOfInput = t.kind { break }
        }
        return (tokens, lexer.diagnostics)
    }

    // MARK: Scanning

    var location: SourceLocation { SourceLocation(offset: index, line: line, column: column) }

    func peekByte(_ ahead: Int = 0) -> UInt8? {
        let i = index + ahead
        return i < bytes.count ? bytes[i] : nil
    }

    /// Advances over one byte that is a complete ASCII character (not a newline).
    mutating func advanceASCII() {
        index += 1
        column += 1
    }

    /// Decodes the scalar at `i` without consuming it: (scalar, byte length), or nil for
    /// invalid UTF-8.
    func decodeScalar(at i: Int) -> (Unicode.Scalar, Int)? {
        SourceFile.decodeScalar(bytes, at: i).map { ($0.scalar, $0.length) }
    }

    mutating func report(_ message: String, from start: SourceLocation, hint: String? = nil,
                         kind: DiagnosticKind = .syntax) {
        let span = SourceSpan(file: file, start: start, end: location)
        diagnostics.append(Diagnostic(kind, message, at: span, hint: hint))
    }

    func token(_ kind: TokenKind, from start: SourceLocation) -> Token {
        Token(kind: kind, span: SourceSpan(file: file, start: start, end: location))
    }

    /// The next token. After the end it keeps returning `.endOfInput`.
    public mutating func next() -> Token {
        skipSpacesAndComments()
        let start = location
        guard let b = peekByte() else { return token(.endOfInput, from: start) }

        switch b {
        case UInt8(ascii: "\n"):
            index += 1
            line += 1
            column = 1
            return token(.newline, from: start)
        case UInt8(ascii: "\""):
            return lexString()
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return lexNumber()
        case UInt8(ascii: "."):
            if let d = peekByte(1), isDigit(d) { return lexNumber() }
        default:
            break
        }
        if let symbol = lexSymbol() { return token(.symbol(symbol), from: start) }
        if b == UInt8(ascii: "_") || isASCIILetter(b) { return lexIdentifier() }
        if b >= 0x80 {
            guard let (scalar, length) = decodeScalar(at: index) else {
                index += 1
                column += 1
                report("invalid UTF-8 byte 0x\(hex(b)) in the source", from: start,
                       hint: "save the file as UTF-8")
                return token(.error, from: start)
            }
            if Self.isIdentifierStart(scalar) { return lexIdentifier() }
            index += length
            column += 1
            report("unexpected character \(describe(scalar))", from: start)
            return token(.error, from: start)
        }
        advanceASCII()
        let scalar = Unicode.Scalar(b)
        var hint: String? = nil
        if b == UInt8(ascii: "!") { hint = "write 'not x' for logical negation; '!=' compares" }
        if b == UInt8(ascii: "&") || b == UInt8(ascii: "|") { hint = "use 'and' / 'or'" }
        if b == UInt8(ascii: "'") { hint = "strings use double quotes: \"text\"" }
        report("unexpected character \(describe(scalar))", from: start, hint: hint)
        return token(.error, from: start)
    }

    /// Skips spaces, tabs, carriage returns and `#` comments (not newlines).
    mutating func skipSpacesAndComments() {
        while let b = peekByte() {
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") {
                advanceASCII()
            } else if b == UInt8(ascii: "#") {
                while let c = peekByte(), c != UInt8(ascii: "\n") {
                    if c < 0x80 {
                        advanceASCII()
                    } else if let (_, length) = decodeScalar(at: index) {
                        index += length
                        column += 1
                    } else {
                        let start = location
                        advanceASCII()
                        report("invalid UTF-8 byte 0x\(hex(c)) in a comment", from: start,
                               hint: "save the file as UTF-8")
                    }
                }
            } else {
                return
            }
        }
    }

    // MARK: Symbols

    /// Longest match first: `...` before `..` before `.`, `**` before `*`, and so on.
    mutating func lexSymbol() -> Symbol? {
        guard let b = peekByte() else { return nil }
        let n1 = peekByte(1)
        let n2 = peekByte(2)
        func take(_ count: Int, _ s: Symbol) -> Symbol {
            index += count
            column += count
            return s
        }
        let eq = UInt8(ascii: "=")
        switch b {
        case UInt8(ascii: "("): return take(1, .leftParen)
        case UInt8(ascii: ")"): return take(1, .rightParen)
        case UInt8(ascii: "["): return take(1, .leftBracket)
        case UInt8(ascii: "]"): return take(1, .rightBracket)
        case UInt8(ascii: "{"): return take(1, .leftBrace)
        case UInt8(ascii: "}"): return take(1, .rightBrace)
        case UInt8(ascii: ","): return take(1, .comma)
        case UInt8(ascii: ":"): return take(1, .colon)
        case UInt8(ascii: ";"): return take(1, .semicolon)
        case UInt8(ascii: "@"): return take(1, .at)
        case UInt8(ascii: "%"): return take(1, .percent)
        case UInt8(ascii: "."):
            if n1 == UInt8(ascii: ".") { return n2 == UInt8(ascii: ".") ? take(3, .ellipsis) : take(2, .dotDot) }
            return take(1, .dot)
        case UInt8(ascii: "+"): return n1 == eq ? take(2, .plusEqual) : take(1, .plus)
        case UInt8(ascii: "-"): return n1 == eq ? take(2, .minusEqual) : take(1, .minus)
        case UInt8(ascii: "*"):
            if n1 == UInt8(ascii: "*") { return take(2, .starStar) }
            return n1 == eq ? take(2, .starEqual) : take(1, .star)
        case UInt8(ascii: "/"):
            if n1 == UInt8(ascii: "/") { return take(2, .slashSlash) }
            return n1 == eq ? take(2, .slashEqual) : take(1, .slash)
        case UInt8(ascii: "="): return n1 == eq ? take(2, .equalEqual) : take(1, .equal)
        case UInt8(ascii: "!"): return n1 == eq ? take(2, .bangEqual) : nil
        case UInt8(ascii: "<"): return n1 == eq ? take(2, .lessEqual) : take(1, .less)
        case UInt8(ascii: ">"): return n1 == eq ? take(2, .greaterEqual) : take(1, .greater)
        default: return nil
        }
    }

    // MARK: Identifiers and keywords

    static func isIdentifierStart(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return s == "_" || (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") }
        return s.properties.isAlphabetic
    }

    static func isIdentifierContinue(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return isIdentifierStart(s) || (s >= "0" && s <= "9") }
        if s.properties.isAlphabetic { return true }
        switch s.properties.generalCategory {
        case .decimalNumber, .otherNumber, .nonspacingMark, .spacingMark, .connectorPunctuation:
            return true
        default:
            return false
        }
    }

    mutating func lexIdentifier() -> Token {
        let start = location
        while let (s, length) = decodeScalar(at: index), Self.isIdentifierContinue(s) {
            index += length
            column += 1
        }
        let name = file.text(from: start.offset, to: index)
        if let k = Keyword(rawValue: name) { return token(.keyword(k), from: start) }
        return token(.identifier(name), from: start)
    }

    // MARK: Numbers

    /// `12`, `1_000`, `0.5`, `.5`, `1e-3`, `2.5E+4`. A `.` followed by another `.` is a range.
    mutating func lexNumber() -> Token {
        let start = location
        var digits = ""
        var isFloat = false
        func scanDigits(into s: inout String) {
            while let c = peekByte(), isDigit(c) || c == UInt8(ascii: "_") {
                if c != UInt8(ascii: "_") { s.unicodeScalars.append(Unicode.Scalar(c)) }
                advanceASCII()
            }
        }
        scanDigits(into: &digits)
        if peekByte() == UInt8(ascii: "."), let d = peekByte(1), isDigit(d) {
            isFloat = true
            advanceASCII()
            digits += "."
            scanDigits(into: &digits)
        }
        if let e = peekByte(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var ahead = 1
            if let s = peekByte(1), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { ahead = 2 }
            if let d = peekByte(ahead), isDigit(d) {
                isFloat = true
                digits += "e"
                advanceASCII()
                if ahead == 2, let s = peekByte() {
                    digits.unicodeScalars.append(Unicode.Scalar(s))
                    advanceASCII()
                }
                scanDigits(into: &digits)
            } else {
                // `1e` or `2e-`: a malformed exponent, not a number followed by a name.
                index += ahead
                column += ahead
                report("malformed number '\(file.text(from: start.offset, to: index))'", from: start,
                       hint: "an exponent needs digits, as in 1e-3")
                return token(.error, from: start)
            }
        }
        if digits.hasPrefix(".") { digits = "0" + digits }
        if isFloat {
            guard let v = Double(digits), v.isFinite else {
                report("number '\(file.text(from: start.offset, to: index))' is too large", from: start)
                return token(.error, from: start)
            }
            return token(.float(v), from: start)
        }
        guard let v = Int(digits) else {
            report("integer '\(file.text(from: start.offset, to: index))' is too large", from: start,
                   hint: "integers are 64-bit (at most \(Int.max)); write a float like 1e20")
            return token(.error, from: start)
        }
        return token(.integer(v), from: start)
    }

    // MARK: Strings

    /// A `"..."` string on one line, with escapes `\n \t \r \0 \" \\ \u{...}`.
    mutating func lexString() -> Token {
        let start = location
        advanceASCII()  // opening quote
        var value = ""
        while true {
            guard let b = peekByte(), b != UInt8(ascii: "\n") else {
                report("unterminated string", from: start, hint: "close it with '\"' on the same line")
                return Token(kind: .error, span: SourceSpan(file: file, start: start, end: location))
            }
            if b == UInt8(ascii: "\"") {
                advanceASCII()
                return token(.string(value), from: start)
            }
            if b == UInt8(ascii: "\\") {
                lexEscape(into: &value)
                continue
            }
            if b < 0x80 {
                value.unicodeScalars.append(Unicode.Scalar(b))
                advanceASCII()
            } else if let (s, length) = decodeScalar(at: index) {
                value.unicodeScalars.append(s)
                index += length
                column += 1
            } else {
                let at = location
                advanceASCII()
                report("invalid UTF-8 byte 0x\(hex(b)) in a string", from: at, hint: "save the file as UTF-8")
                value.unicodeScalars.append("\u{FFFD}")
            }
        }
    }

    mutating func lexEscape(into value: inout String) {
        let at = location
        advanceASCII()  // backslash
        guard let c = peekByte(), c != UInt8(ascii: "\n") else {
            return  // the string loop reports the unterminated string
        }
        switch c {
        case UInt8(ascii: "n"): value += "\n"; advanceASCII()
        case UInt8(ascii: "t"): value += "\t"; advanceASCII()
        case UInt8(ascii: "r"): value += "\r"; advanceASCII()
        case UInt8(ascii: "0"): value += "\0"; advanceASCII()
        case UInt8(ascii: "\""): value += "\""; advanceASCII()
        case UInt8(ascii: "\\"): value += "\\"; advanceASCII()
        case UInt8(ascii: "u"):
            advanceASCII()
            guard peekByte() == UInt8(ascii: "{") else {
                report("malformed unicode escape", from: at, hint: "write \\u{1F600}")
                return
            }
            advanceASCII()
            var hexDigits = ""
            while let h = peekByte(), isHexDigit(h), hexDigits.count < 9 {
                hexDigits.unicodeScalars.append(Unicode.Scalar(h))
                advanceASCII()
            }
            guard peekByte() == UInt8(ascii: "}") else {
                report("malformed unicode escape", from: at, hint: "write \\u{1F600}: 1 to 6 hex digits in braces")
                return
            }
            advanceASCII()
            if hexDigits.count <= 6, let v = UInt32(hexDigits, radix: 16), let s = Unicode.Scalar(v) {
                value.unicodeScalars.append(s)
            } else {
                report("'\\u{\(hexDigits)}' is not a Unicode scalar", from: at)
            }
        default:
            if c < 0x80 { advanceASCII() } else if let (_, l) = decodeScalar(at: index) { index += l; column += 1 } else { advanceASCII() }
            report("unknown escape '\(file.text(from: at.offset, to: index))' in a string", from: at,
                   hint: "escapes are \\n \\t \\r \\0 \\\" \\\\ \\u{...}")
        }
    }

    // MARK: Helpers

    func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    func isHexDigit(_ b: UInt8) -> Bool {
        isDigit(b) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "F"))
    }
    func isASCIILetter(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
    }
    func hex(_ b: UInt8) -> String {
        let s = String(b, radix: 16, uppercase: true)
        return s.count == 1 ? "0" + s : s
    }
    func describe(_ s: Unicode.Scalar) -> String {
        let code = String(s.value, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 4 - code.count)) + code
        if s.value < 0x20 || s.value == 0x7F || !s.properties.isAlphabetic && s.properties.generalCategory == .format {
            return "U+\(padded)"
        }
        if let name = s.properties.name { return "'\(Character(s))' (U+\(padded) \(name.lowercased()))" }
        return "'\(Character(s))' (U+\(padded))"
    }
}
