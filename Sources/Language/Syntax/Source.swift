// MARK: - Source files

/// One piece of exp source: a script file, an imported file, or a REPL input.
///
/// The text is kept as UTF-8 bytes so that spans are byte offsets and any input (even invalid
/// UTF-8) can be lexed; `text` decodes it with replacement characters for display.
public final class SourceFile: Sendable {
    /// The name shown in diagnostics (usually the path as the user wrote it).
    public let name: String
    /// The raw bytes of the source.
    public let bytes: [UInt8]
    /// Byte offset of the first byte of each line (line 1 starts at 0).
    public let lineStarts: [Int]

    /// A source file from text (always valid UTF-8).
    public convenience init(name: String, text: String) {
        self.init(name: name, bytes: Array(text.utf8))
    }

    /// A source file from raw bytes, as read from disk. Invalid UTF-8 is reported by the lexer.
    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
            starts.append(i + 1)
        }
        self.lineStarts = starts
    }

    /// The whole text, with invalid UTF-8 replaced by U+FFFD.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Number of lines (a final line without a newline counts; an empty file has one line).
    public var lineCount: Int { lineStarts.count }

    /// The text of a 1-based line, without its line terminator (`\n` or `\r\n`).
    /// Out-of-range lines give the empty string.
    public func line(_ number: Int) -> String {
        guard number >= 1, number <= lineStarts.count else { return "" }
        var start = lineStarts[number - 1]
        if start == 0 { start = min(byteOrderMarkLength, bytes.count) }
        var end = number < lineStarts.count ? lineStarts[number] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        guard end > start else { return "" }
        return decodeLossy(from: start, to: end)
    }

    /// The source text between two byte offsets (clamped to the file).
    public func text(from start: Int, to end: Int) -> String {
        let s = max(0, min(start, bytes.count))
        let e = max(s, min(end, bytes.count))
        return decodeLossy(from: s, to: e)
    }

    /// The 1-based line and column of a byte offset. Columns count Unicode scalars; each byte
    /// of invalid UTF-8 counts as one column (it is shown as U+FFFD), and a byte order mark at
    /// the start of the file counts as none. The lexer counts the same way.
    public func location(ofOffset offset: Int) -> SourceLocation {
        let off = max(0, min(offset, bytes.count))
        // Binary search for the last line start <= off.
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= off { lo = mid } else { hi = mid - 1 }
        }
        var column = 1
        var i = lineStarts[lo]
        if i == 0 { i = min(byteOrderMarkLength, off) }
        while i < off {
            i += SourceFile.decodeScalar(bytes, at: i)?.length ?? 1
            column += 1
        }
        return SourceLocation(offset: off, line: lo + 1, column: column)
    }

    /// 3 when the file starts with a UTF-8 byte order mark, else 0.
    public var byteOrderMarkLength: Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    /// Decodes one UTF-8 scalar at `i`: the scalar and its length in bytes, or nil when the
    /// bytes at `i` are not valid UTF-8 (overlong forms and surrogates are invalid too).
    public static func decodeScalar(_ bytes: [UInt8], at i: Int) -> (scalar: Unicode.Scalar, length: Int)? {
        guard i >= 0, i < bytes.count else { return nil }
        let b0 = bytes[i]
        if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
        let length: Int
        var value: UInt32
        switch b0 {
        case 0xC2...0xDF: length = 2; value = UInt32(b0 & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(b0 & 0x0F)
        case 0xF0...0xF4: length = 4; value = UInt32(b0 & 0x07)
        default: return nil
        }
        guard i + length <= bytes.count else { return nil }
        for k in 1..<length {
            let b = bytes[i + k]
            guard b & 0xC0 == 0x80 else { return nil }
            value = (value << 6) | UInt32(b & 0x3F)
        }
        let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
        guard value >= minimum, let s = Unicode.Scalar(value) else { return nil }
        return (s, length)
    }

    /// Decodes bytes as the lexer sees them: one U+FFFD per invalid byte, so that columns match.
    func decodeLossy(from start: Int, to end: Int) -> String {
        var s = String.UnicodeScalarView()
        var i = start
        while i < end {
            if let (scalar, length) = SourceFile.decodeScalar(bytes, at: i), i + length <= end {
                s.append(scalar)
                i += length
            } else {
                s.append("\u{FFFD}")
                i += 1
            }
        }
        return String(s)
    }
}

// MARK: - Locations and spans

/// A position in a source file: byte offset, 1-based line, 1-based column in Unicode scalars.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var offset: Int
    public var line: Int
    public var column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool { a.offset < b.offset }
    public var description: String { "\(line):\(column)" }
}

/// A range of source text: `start` is the first character, `end` is just past the last one.
public struct SourceSpan: Sendable, CustomStringConvertible {
    public let file: SourceFile
    public var start: SourceLocation
    public var end: SourceLocation

    public init(file: SourceFile, start: SourceLocation, end: SourceLocation) {
        self.file = file
        self.start = start
        self.end = end
    }

    /// A span from two byte offsets, computing lines and columns.
    public init(file: SourceFile, startOffset: Int, endOffset: Int) {
        self.file = file
        self.start = file.location(ofOffset: startOffset)
        self.end = file.location(ofOffset: max(startOffset, endOffset))
    }

    /// 1-based line of the first character.
    public var line: Int { start.line }
    /// 1-based column (Unicode scalars) of the first character.
    public var column: Int { start.column }
    /// Length in bytes.
    public var length: Int { end.offset - start.offset }

    /// The exact source text the span covers (used by `expect` failure messages).
    public var text: String { file.text(from: start.offset, to: end.offset) }

    /// The smallest span covering both `self` and `other` (same file assumed).
    public func to(_ other: SourceSpan) -> SourceSpan {
        SourceSpan(file: file, start: min(start, other.start), end: max(end, other.end))
    }

    /// An empty span at the start of this one.
    public var startPoint: SourceSpan { SourceSpan(file: file, start: start, end: start) }
    /// An empty span at the end of this one.
    public var endPoint: SourceSpan { SourceSpan(file: file, start: end, end: end) }

    /// `name:line:col`
    public var description: String { "\(file.name):\(start.line):\(start.column)" }
}

extension SourceSpan: Equatable {
    public static func == (a: SourceSpan, b: SourceSpan) -> Bool {
        a.file === b.file && a.start == b.start && a.end == b.end
    }
}
