#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Rendering

/// Turns diagnostics into text:
///
/// ```
/// file.exp:3:9: error: unknown name 'thetaa'
/// let y = thetaa + 1
///         ^~~~~~
/// hint: did you mean 'theta'?
/// ```
///
/// The caret line copies tabs from the source line and counts wide characters (CJK, emoji) as
/// two cells, so the carets stay under the span in a terminal. The column in the header counts
/// Unicode scalars.
public struct DiagnosticRenderer: Sendable {
    /// Use ANSI colours (only when writing to a terminal).
    public var color: Bool

    public init(color: Bool = false) {
        self.color = color
    }

    /// Whether standard error is a terminal (then colour is appropriate).
    public static var standardErrorIsTerminal: Bool {
        isatty(2) != 0
    }

    /// Renders one diagnostic, ending with a newline.
    public func render(_ d: Diagnostic) -> String {
        var out = ""
        let label = d.severity.rawValue
        let place = d.span.map { "\($0.file.name):\($0.start.line):\($0.start.column): " } ?? ""
        out += style(place, .bold) + style(label + ":", labelStyle(d.severity)) + " " + style(d.message, .bold) + "\n"
        if let span = d.span { out += excerpt(span) }
        if let hint = d.hint { out += style("hint:", .cyan) + " " + hint + "\n" }
        for note in d.notes {
            if let span = note.span {
                out += style("\(span.file.name):\(span.start.line):\(span.start.column): ", .bold)
                out += style("note:", .cyan) + " " + note.message + "\n"
                out += excerpt(span)
            } else {
                out += style("note:", .cyan) + " " + note.message + "\n"
            }
        }
        return out
    }

    /// Renders several diagnostics one after another.
    public func render(_ ds: [Diagnostic]) -> String {
        ds.map(render).joined()
    }

    // MARK: Source excerpt

    /// The source line and the caret line under the span.
    func excerpt(_ span: SourceSpan) -> String {
        let lineText = span.file.line(span.start.line)
        let scalars = Array(lineText.unicodeScalars).map(Self.printable)
        let startCol = max(1, span.start.column)
        // Underline to the end of the span, or to the end of the line for multi-line spans.
        let endCol: Int
        if span.end.line == span.start.line {
            endCol = max(span.end.column, startCol + 1)
        } else {
            endCol = max(scalars.count + 1, startCol + 1)
        }
        // A long line (a minified file, a binary imported by mistake) is shown as a window of
        // `window` characters around the span, with … where it was cut.
        let window = 120
        let lo = scalars.count > window + 40 ? max(0, min(startCol - 1 - window / 2, scalars.count - window)) : 0
        let hi = scalars.count > window + 40 ? min(scalars.count, lo + window) : scalars.count
        // Pad with what the terminal shows before the span: tabs stay tabs, wide characters
        // (CJK, emoji) take two cells, combining marks none.
        var caret = lo > 0 ? " " : ""
        for idx in lo..<max(lo, startCol - 1) {
            guard idx < scalars.count else {
                caret += " "
                continue
            }
            let s = scalars[idx]
            caret += s == "\t" ? "\t" : String(repeating: " ", count: Self.displayWidth(s))
        }
        var underline = 0
        for idx in (startCol - 1)..<min(endCol - 1, max(hi, startCol)) {
            underline += idx < scalars.count ? Self.displayWidth(scalars[idx]) : 1
        }
        caret += "^" + String(repeating: "~", count: max(0, underline - 1))
        var line = lo > 0 ? "…" : ""
        line.unicodeScalars.append(contentsOf: scalars[lo..<hi])
        if hi < scalars.count { line += "…" }
        return line + "\n" + style(caret, .green) + "\n"
    }

    /// Terminal cells a scalar takes: 0 for combining marks and zero-width characters, 2 for
    /// East Asian wide/fullwidth characters and emoji, 1 otherwise.
    static func displayWidth(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v < 0x300 { return 1 }
        switch s.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if s.properties.isEmojiPresentation { return 2 }
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// Control characters (other than tab) would garble the terminal; show them as U+FFFD so
    /// each still takes one column.
    static func printable(_ s: Unicode.Scalar) -> Unicode.Scalar {
        if s == "\t" { return s }
        if s.value < 0x20 || s.value == 0x7F || (0x80..<0xA0).contains(s.value) { return "\u{FFFD}" }
        return s
    }

    // MARK: Colour

    enum Style: String {
        case bold = "1", red = "1;31", yellow = "1;33", cyan = "1;36", green = "1;32"
    }

    func labelStyle(_ s: Severity) -> Style {
        switch s {
        case .error: return .red
        case .warning: return .yellow
        case .note: return .cyan
        }
    }

    func style(_ text: String, _ s: Style) -> String {
        guard color, !text.isEmpty else { return text }
        return "\u{1B}[\(s.rawValue)m" + text + "\u{1B}[0m"
    }
}
