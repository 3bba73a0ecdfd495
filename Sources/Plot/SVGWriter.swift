import Foundation

// MARK: - Text metrics

/// Estimated advance widths for a sans-serif font (DejaVu Sans / Helvetica / Arial are close enough),
/// in ems. Layout uses them to avoid overlaps; they err on the wide side.
enum TextMetrics {
    static func width(_ s: String, fontSize: Double) -> Double {
        var w = 0.0
        for u in s.unicodeScalars { w += advance(u) }
        return w * fontSize
    }

    private static func advance(_ u: Unicode.Scalar) -> Double {
        switch u {
        case "0"..."9": return 0.64
        case " ": return 0.32
        case ".", ",", ":", ";", "i", "j", "l", "|", "'", "!": return 0.3
        case "f", "t", "r", "I", "(", ")", "[", "]", "-": return 0.4
        case "m", "w": return 0.9
        case "M", "W": return 0.95
        case "A"..."Z": return 0.72
        case "a"..."z": return 0.6
        default: return u.value >= 0x2E80 ? 1.0 : 0.65
        }
    }
}

// MARK: - SVG building

/// Accumulates SVG markup. Numbers are rounded to 2 decimals; text is XML-escaped.
struct SVGWriter {
    var out = ""
    /// The figure's text sizes (scaled by its `fontSize`).
    var font = FontSize()

    init() { out.reserveCapacity(16_384) }

    /// 2-decimal number without trailing zeros: 12, 12.5, 12.25.
    static func num(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (v * 100).rounded() / 100
        if r == r.rounded(), abs(r) < 1e15 {
            let i = Int(r)
            return String(i)
        }
        return NumberFormat.trimmed(String(format: "%.2f", r))
    }

    /// Escapes XML specials and drops characters XML 1.0 forbids (control characters).
    static func escape(_ s: String) -> String {
        var r = ""
        r.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": r += "&amp;"
            case "<": r += "&lt;"
            case ">": r += "&gt;"
            case "\"": r += "&quot;"
            case "'": r += "&apos;"
            case "\t", "\n", "\r": r += " "
            default:
                if u.value < 0x20 || u.value == 0xE000 || (u.value >= 0xFFFE && u.value <= 0xFFFF) || (u.value >= 0xD800 && u.value <= 0xDFFF) { continue }
                r.unicodeScalars.append(u)
            }
        }
        return r
    }

    mutating func raw(_ s: String) { out += s }

    static func dashArray(_ d: Dash, width: Double) -> String? {
        let w = max(1, width)
        switch d {
        case .solid: return nil
        case .dashed: return "\(num(5 * w)),\(num(3 * w))"
        case .dotted: return "\(num(w)),\(num(2 * w))"
        case .dashDot: return "\(num(6 * w)),\(num(2.5 * w)),\(num(w)),\(num(2.5 * w))"
        }
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, color: Color,
                       width: Double = 1, dash: Dash = .solid) {
        out += "<line x1=\"\(Self.num(x1))\" y1=\"\(Self.num(y1))\" x2=\"\(Self.num(x2))\" y2=\"\(Self.num(y2))\" stroke=\"\(color.hex)\" stroke-width=\"\(Self.num(width))\""
        if let d = Self.dashArray(dash, width: width) { out += " stroke-dasharray=\"\(d)\"" }
        out += "/>\n"
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: Color?, stroke: Color? = nil,
                       strokeWidth: Double = 1, opacity: Double? = nil, extra: String = "") {
        out += "<rect x=\"\(Self.num(x))\" y=\"\(Self.num(y))\" width=\"\(Self.num(max(0, w)))\" height=\"\(Self.num(max(0, h)))\""
        out += " fill=\"\(fill?.hex ?? "none")\""
        if let opacity { out += " fill-opacity=\"\(Self.num(opacity))\"" }
        if let stroke { out += " stroke=\"\(stroke.hex)\" stroke-width=\"\(Self.num(strokeWidth))\"" }
        out += extra + "/>\n"
    }

    enum Anchor: String { case start, middle, end }

    /// Text with its baseline at y. `rotate` turns it (degrees) around (x, y). With `markup`,
    /// `_{…}` and `^{…}` in `s` are drawn as sub- and superscripts (see `LabelMarkup`).
    mutating func text(_ s: String, x: Double, y: Double, size: Double, anchor: Anchor = .start,
                       color: Color = .ink, bold: Bool = false, italic: Bool = false, rotate: Double? = nil,
                       markup: Bool = false) {
        out += "<text x=\"\(Self.num(x))\" y=\"\(Self.num(y))\" font-size=\"\(Self.num(size))\""
        if anchor != .start { out += " text-anchor=\"\(anchor.rawValue)\"" }
        if color != .ink { out += " fill=\"\(color.hex)\"" }
        if bold { out += " font-weight=\"bold\"" }
        if italic { out += " font-style=\"italic\"" }
        if let rotate { out += " transform=\"rotate(\(Self.num(rotate)) \(Self.num(x)) \(Self.num(y)))\"" }
        out += ">\(markup ? LabelMarkup.svgContent(s, fontSize: size) : Self.escape(s))</text>\n"
    }

    /// Points as "x,y x,y …" for polyline/polygon.
    static func points(_ pts: [(Double, Double)]) -> String {
        var s = ""
        s.reserveCapacity(pts.count * 14)
        for (i, p) in pts.enumerated() {
            if i > 0 { s += " " }
            s += num(p.0)
            s += ","
            s += num(p.1)
        }
        return s
    }
}

/// Shortens `s` with an ellipsis so it fits `width` pixels at `fontSize`. Text with sub- or
/// superscripts is measured as drawn and kept whole (cutting it could split a `_{…}`).
func fitText(_ s: String, width: Double, fontSize: Double) -> String {
    if LabelMarkup.hasMarkup(s) { return s }
    guard TextMetrics.width(s, fontSize: fontSize) > width else { return s }
    var chars = Array(s)
    while !chars.isEmpty, TextMetrics.width(String(chars) + "…", fontSize: fontSize) > width { chars.removeLast() }
    return chars.isEmpty ? "" : String(chars) + "…"
}
