import Foundation

// MARK: - Sub- and superscripts in labels

/// The small TeX-like markup of titles, axis labels and legend entries: `W_{KQ}` is W with a
/// subscript KQ, `x^{n+1}` a superscript, and `x^2` / `e^-3` / `W^KQ` a superscript of one run
/// of digits (with its sign) or of letters. A lone `_` stays as written, so metric names such
/// as `train_loss` read as themselves; an unclosed brace is literal text.
enum LabelMarkup {
    enum Kind { case normal, sub, sup }

    /// `s` split into runs of normal, subscript and superscript text.
    static func runs(_ s: String) -> [(text: String, kind: Kind)] {
        let chars = Array(s)
        var out: [(text: String, kind: Kind)] = []
        var normal = ""
        func flush() { if !normal.isEmpty { out.append((normal, .normal)); normal = "" } }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if (c == "_" || c == "^"), i + 1 < chars.count, chars[i + 1] == "{",
               let close = chars[(i + 2)...].firstIndex(of: "}") {
                flush()
                out.append((String(chars[(i + 2)..<close]), c == "_" ? .sub : .sup))
                i = close + 1
                continue
            }
            if c == "^", i + 1 < chars.count {
                var j = i + 1
                if chars[j] == "-" || chars[j] == "−" { j += 1 }
                let digitsStart = j
                while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
                if j == digitsStart, digitsStart == i + 1 {
                    while j < chars.count, chars[j].isLetter { j += 1 }
                }
                if j > digitsStart {
                    flush()
                    out.append((String(chars[(i + 1)..<j]).replacingOccurrences(of: "-", with: "−"), .sup))
                    i = j
                    continue
                }
            }
            normal.append(c)
            i += 1
        }
        flush()
        return out
    }

    /// True when `s` has any sub- or superscript (so plain text takes the short path).
    static func hasMarkup(_ s: String) -> Bool {
        (s.contains("_{") || s.contains("^")) && runs(s).contains { $0.kind != .normal }
    }

    /// Estimated drawn width: sub- and superscripts are set at `scriptScale` of the size.
    static func width(_ s: String, fontSize: Double) -> Double {
        runs(s).reduce(0) { $0 + TextMetrics.width($1.text, fontSize: $1.kind == .normal ? fontSize : fontSize * scriptScale) }
    }

    static let scriptScale = 0.72

    /// The text element's content: escaped text with `<tspan>`s shifted by `dy` for the scripts.
    static func svgContent(_ s: String, fontSize: Double) -> String {
        let parts = runs(s)
        guard parts.contains(where: { $0.kind != .normal }) else { return SVGWriter.escape(s) }
        var out = ""
        var shift = 0.0
        for (raw, kind) in parts {
            // Renderers strip spaces at the edges of a <tspan> (rsvg does): keep them as
            // no-break spaces so "W^KQ (init)" keeps its space.
            var text = raw
            if text.hasPrefix(" ") { text = "\u{00A0}" + text.dropFirst() }
            if text.hasSuffix(" ") { text = text.dropLast() + "\u{00A0}" }
            let target: Double
            switch kind {
            case .normal: target = 0
            case .sub: target = 0.28 * fontSize
            case .sup: target = -0.42 * fontSize
            }
            let dy = target - shift
            shift = target
            if kind == .normal && dy == 0 {
                out += SVGWriter.escape(text)
                continue
            }
            out += "<tspan"
            if dy != 0 { out += " dy=\"\(SVGWriter.num(dy))\"" }
            if kind != .normal { out += " font-size=\"\(SVGWriter.num(fontSize * scriptScale))\"" }
            out += ">\(SVGWriter.escape(text))</tspan>"
        }
        return out
    }

    /// A tick label as drawn: a true minus sign (U+2212) and e-notation as m×10 with a
    /// superscript power, as typeset papers show them ("2e-5" → 2×10⁻⁵, "1e3" → 10³).
    static func tick(_ label: String) -> String {
        if let e = label.firstIndex(where: { $0 == "e" || $0 == "E" }),
           let mantissa = Double(label[..<e]), let power = Int(label[label.index(after: e)...]) {
            let m = label[..<e]
            let prefix = mantissa == 1 ? "" : (mantissa == -1 ? "−" : m.replacingOccurrences(of: "-", with: "−") + "×")
            return prefix + "10^{" + String(power).replacingOccurrences(of: "-", with: "−") + "}"
        }
        return label.replacingOccurrences(of: "-", with: "−")
    }
}
